-- The plan lifecycle and a maintained drafting timeline (issue 12).
--
--   * A plan moves draft → proposal (案) → public_comment → adopted (策定)
--     → archived one step at a time, and back from proposal or
--     public_comment to draft with a reason. Every step is a row of
--     plan_transition (who, when, from, to, why); plan.state changes only
--     together with such a row of the same transaction, whoever writes.
--   * The structure (goal, measure, activity, placement,
--     activity_department) of an adopted or archived plan is read-only, for
--     every role: SQLSTATE SHRDO, constraint plan_readonly (the API answers
--     409). Two exceptions: the rows of a plan created in the same
--     transaction (the dataset import writes an adopted plan with its
--     structure), and the owning role when it says so for one transaction
--     (SET LOCAL app.structure_unlock = 'on': removing a plan by hand).
--   * Milestones get a planned end month, and may name the lifecycle step
--     they complete. Overdue is never stored: milestone_overdue() computes
--     it from current_date (the database's, in Asia/Tokyo).

-- ---------------------------------------------------------------- lifecycle

-- The transaction that created the plan row; NULL for rows older than
-- this migration. An UPDATE leaves it alone (unlike xmin).
ALTER TABLE plan ADD COLUMN created_xid xid8;
ALTER TABLE plan ALTER COLUMN created_xid SET DEFAULT pg_current_xact_id();

-- The steps a plan may take: one forward, or back to draft from the two
-- public stages (with a reason). The one definition: the API lists a
-- plan's next steps from here, and plan_transition refers to it.
CREATE TABLE plan_step (
	from_state      text NOT NULL,
	to_state        text NOT NULL,
	reason_required boolean NOT NULL DEFAULT false,
	PRIMARY KEY (from_state, to_state)
);
INSERT INTO plan_step (from_state, to_state, reason_required) VALUES
	('draft', 'proposal', false), ('proposal', 'public_comment', false),
	('public_comment', 'adopted', false), ('adopted', 'archived', false),
	('proposal', 'draft', true), ('public_comment', 'draft', true);

CREATE TABLE plan_transition (
	id         serial PRIMARY KEY,
	plan_id    integer NOT NULL REFERENCES plan (id),
	from_state text NOT NULL,
	to_state   text NOT NULL,
	reason     text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
	user_id    integer REFERENCES app_user (id) DEFAULT nullif(app_current_user(), 0),
	at         timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT plan_transition_step FOREIGN KEY (from_state, to_state) REFERENCES plan_step
);
CREATE INDEX plan_transition_plan_idx ON plan_transition (plan_id, at);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON plan_transition
	FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- A step starts from the state the plan is in (the plan row is locked, so
-- two steps of one plan queue, and the second sees the first's state), is
-- one of plan_step, and has a reason when the step requires one. Refused
-- as the foreign key would be (23503 plan_transition_step), or as a CHECK
-- of the reason (23514 plan_transition_reason), so the API names the field.
CREATE FUNCTION plan_transition_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	now_state text;
	s plan_step;
BEGIN
	SELECT state INTO now_state FROM plan WHERE id = NEW.plan_id FOR UPDATE;
	SELECT * INTO s FROM plan_step WHERE from_state = NEW.from_state AND to_state = NEW.to_state;
	IF NOT FOUND OR now_state IS DISTINCT FROM NEW.from_state THEN
		RAISE EXCEPTION '計画の今の段階からは、その段階へ移れません。'
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'plan_transition_step',
			      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'to_state';
	END IF;
	IF s.reason_required AND app_blank(NEW.reason) THEN
		RAISE EXCEPTION '策定中に戻すときは、理由を入力してください。'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_transition_reason',
			      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'reason';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER transition_from BEFORE INSERT ON plan_transition
	FOR EACH ROW EXECUTE FUNCTION plan_transition_check();

-- plan.state changes only with a step recorded in the same transaction
-- (at = now(), the transaction's start).
CREATE FUNCTION plan_state_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (
		SELECT 1 FROM plan_transition t
		WHERE t.plan_id = NEW.id AND t.from_state = OLD.state AND t.to_state = NEW.state
		  AND t.at = now()) THEN
		RAISE EXCEPTION '計画の段階は、記録された一段階ずつの移行でだけ変わります。'
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'plan_transition_step',
			      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'state';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER state_guard BEFORE UPDATE OF state ON plan
	FOR EACH ROW EXECUTE FUNCTION plan_state_guard();

-- ---------------------------------------------------------------- read-only structure

-- Refuses a change to the structure of plan pid when it is adopted or
-- archived (see the head of this file for the two exceptions).
CREATE FUNCTION plan_structure_check(pid integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	p plan;
BEGIN
	IF pid IS NULL THEN
		RETURN;
	END IF;
	SELECT * INTO p FROM plan WHERE id = pid;
	IF NOT FOUND THEN
		RETURN; -- the foreign key says what is wrong
	END IF;
	IF p.state NOT IN ('adopted', 'archived') OR p.created_xid IS NOT DISTINCT FROM pg_current_xact_id()
	   OR (coalesce(current_setting('app.structure_unlock', true), '') = 'on'
	       AND current_user = (SELECT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
	                           WHERE c.oid = 'plan'::regclass)) THEN
		RETURN;
	END IF;
	RAISE EXCEPTION '策定済み（または廃止済み）の計画の構成（目標・施策・取組・所管課）は変更できません。'
		USING ERRCODE = 'SHRDO', CONSTRAINT = 'plan_readonly',
		      DETAIL = format('plan.id = %s, state = %s', p.id, p.state);
END
$$;

-- The plan of the row before and after the change: goal, measure and
-- activity carry plan_id; a placement belongs to its measure's plan, an
-- activity_department to its activity's.
CREATE FUNCTION plan_structure_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	o jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
	n jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
	r jsonb;
BEGIN
	FOREACH r IN ARRAY ARRAY[o, n] LOOP
		CONTINUE WHEN r IS NULL;
		PERFORM plan_structure_check(CASE TG_TABLE_NAME
			WHEN 'placement' THEN (SELECT m.plan_id FROM measure m WHERE m.id = (r ->> 'measure_id')::int)
			WHEN 'activity_department' THEN (SELECT a.plan_id FROM activity a WHERE a.id = (r ->> 'activity_id')::int)
			ELSE (r ->> 'plan_id')::int END);
	END LOOP;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER structure_guard BEFORE INSERT OR UPDATE OR DELETE ON goal
	FOR EACH ROW EXECUTE FUNCTION plan_structure_guard();
CREATE TRIGGER structure_guard BEFORE INSERT OR UPDATE OR DELETE ON measure
	FOR EACH ROW EXECUTE FUNCTION plan_structure_guard();
CREATE TRIGGER structure_guard BEFORE INSERT OR UPDATE OR DELETE ON activity
	FOR EACH ROW EXECUTE FUNCTION plan_structure_guard();
CREATE TRIGGER structure_guard BEFORE INSERT OR UPDATE OR DELETE ON placement
	FOR EACH ROW EXECUTE FUNCTION plan_structure_guard();
CREATE TRIGGER structure_guard BEFORE INSERT OR UPDATE OR DELETE ON activity_department
	FOR EACH ROW EXECUTE FUNCTION plan_structure_guard();

-- ---------------------------------------------------------------- milestones

-- planned_month is the start; planned_end_month the last month (NULL: the
-- start month itself, or no end when open_ended, as 11月～ is printed).
-- completes: the lifecycle step this milestone stands for (策定 → adopted).
ALTER TABLE milestone
	ADD COLUMN planned_end_month date,
	ADD COLUMN completes text,
	ADD CONSTRAINT milestone_end_month CHECK (planned_end_month IS NULL OR extract(day FROM planned_end_month) = 1),
	ADD CONSTRAINT milestone_end_after_start CHECK (planned_end_month IS NULL OR planned_end_month >= planned_month),
	ADD CONSTRAINT milestone_open_no_end CHECK (NOT (open_ended AND planned_end_month IS NOT NULL)),
	ADD CONSTRAINT milestone_completes CHECK (completes IS NULL
		OR completes IN ('proposal', 'public_comment', 'adopted', 'archived'));

-- Overdue: the planned end month is over (before this month) and the
-- milestone is neither done nor cancelled. An open-ended one has no end.
CREATE FUNCTION milestone_overdue(state text, planned_month date, planned_end_month date,
                                  open_ended boolean)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT state NOT IN ('done', 'cancelled') AND NOT open_ended
	   AND coalesce(planned_end_month, planned_month) < date_trunc('month', current_date)::date
$$;

-- ---------------------------------------------------------------- the application's rights

GRANT SELECT, INSERT ON plan_transition TO shinchoku_app;
GRANT SELECT ON plan_step TO shinchoku_app;
GRANT USAGE ON SEQUENCE plan_transition_id_seq, milestone_id_seq TO shinchoku_app;
GRANT UPDATE (state, adopted_month, version, updated_at) ON plan TO shinchoku_app;
GRANT INSERT (plan_id, position, title, planned_month, planned_end_month, planned_text, open_ended,
              actual_date, state, owner_department_id, notes, completes) ON milestone TO shinchoku_app;
GRANT UPDATE (position, title, planned_month, planned_end_month, planned_text, open_ended,
              actual_date, state, owner_department_id, notes, completes, version, updated_at)
	ON milestone TO shinchoku_app;
GRANT EXECUTE ON FUNCTION milestone_overdue(text, date, date, boolean) TO shinchoku_app;

-- Second wall: only an active admin records a step or writes a milestone,
-- whatever the statement says. The owner (the import) is not subject to it.
ALTER TABLE plan_transition ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON plan_transition FOR SELECT USING (true);
CREATE POLICY admin_steps ON plan_transition FOR INSERT
	WITH CHECK (user_id = app_current_user() AND EXISTS (SELECT 1 FROM app_user u
		WHERE u.id = app_current_user() AND u.role = 'admin' AND u.active));

ALTER TABLE milestone ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON milestone FOR SELECT USING (true);
CREATE POLICY admin_insert ON milestone FOR INSERT
	WITH CHECK (EXISTS (SELECT 1 FROM app_user u
		WHERE u.id = app_current_user() AND u.role = 'admin' AND u.active));
CREATE POLICY admin_update ON milestone FOR UPDATE
	USING (EXISTS (SELECT 1 FROM app_user u
		WHERE u.id = app_current_user() AND u.role = 'admin' AND u.active))
	WITH CHECK (EXISTS (SELECT 1 FROM app_user u
		WHERE u.id = app_current_user() AND u.role = 'admin' AND u.active));

-- The structure of a plan is written by admins only (the drafting of a
-- new plan, sql/010 and its statements, builds on these rights). The
-- structure guard above keeps an adopted or archived plan's as it is.
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['goal', 'measure', 'activity', 'placement', 'activity_department'] LOOP
		EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO shinchoku_app', t);
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY read_all ON %I FOR SELECT USING (true)', t);
		EXECUTE format('CREATE POLICY admin_write ON %I FOR ALL'
			' USING (EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user()'
			'   AND u.role = ''admin'' AND u.active))'
			' WITH CHECK (EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user()'
			'   AND u.role = ''admin'' AND u.active))', t);
	END LOOP;
END
$$;
GRANT USAGE ON SEQUENCE goal_id_seq, measure_id_seq, activity_id_seq, placement_id_seq TO shinchoku_app;

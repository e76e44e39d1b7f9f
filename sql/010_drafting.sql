-- Writing the next plan (issue 12): the structure of a draft plan edited
-- through the API, staff proposals of activities, measures carried over from
-- the current plan with a link to their origin, and outcome indicators kept
-- up to date.
--
--   * Only a plan in state draft is edited here: drafting_editable() says so
--     for the statements of src/db/drafting.c (SQLSTATE SHDRF, constraint
--     plan_not_draft: the API answers 409). The read-only rule for adopted
--     and archived plans is 008's trigger, which holds for every path.
--   * goal, measure, activity, indicator and footnote get a version for
--     If-Match. Goal numbers and measure codes are identifiers: a taken one
--     is refused (23505), a measure's code names its goal (1-… is 目標1).
--   * Removal cascades within the draft (placements, re-listings,
--     departments, a goal's measures and a measure's activities) and is
--     refused when something outside the structure depends on it: yearly
--     records of an activity (activity_year_activity_id_fkey), a goal's
--     indicators (indicator_goal_id_plan_id_fkey), a pending proposal under
--     a measure (activity_proposal_pending_measure).
--   * Every new table is audited; the application's rights are granted
--     table by table, and row-level security repeats that only admins
--     change the indicators (008 does it for the structure), and staff
--     propose only for their own department.

-- ---------------------------------------------------------------- versions and origins

ALTER TABLE goal ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE indicator ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE footnote ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);

-- What a carried-over measure or activity continues (継続): its origin in
-- an earlier plan. NULL: new in its plan (新規). A removed origin leaves
-- the copy as new.
ALTER TABLE measure
	ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
	ADD COLUMN origin_measure_id integer REFERENCES measure (id) ON DELETE SET NULL,
	ADD CONSTRAINT measure_origin_other CHECK (origin_measure_id IS DISTINCT FROM id);
ALTER TABLE activity
	ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
	ADD COLUMN origin_activity_id integer REFERENCES activity (id) ON DELETE SET NULL,
	ADD CONSTRAINT activity_origin_other CHECK (origin_activity_id IS DISTINCT FROM id);
-- A measure or an activity is carried into a plan once.
CREATE UNIQUE INDEX measure_origin_once ON measure (plan_id, origin_measure_id)
	WHERE origin_measure_id IS NOT NULL;
CREATE UNIQUE INDEX activity_origin_once ON activity (plan_id, origin_activity_id)
	WHERE origin_activity_id IS NOT NULL;

-- The 所管課 of an activity are reordered in one statement (positions
-- swap), as placements are: their uniqueness is checked at the end of it.
ALTER TABLE activity_department DROP CONSTRAINT activity_department_activity_id_position_key,
	ADD CONSTRAINT activity_department_activity_id_position_key UNIQUE (activity_id, position)
		DEFERRABLE INITIALLY IMMEDIATE;

-- ---------------------------------------------------------------- the draft rule

-- True when the acting user is an active admin, for a structure row of plan
-- pid, which must be a draft; refuses otherwise (SHDRF, plan_not_draft).
-- NULL pid (no such plan) is false: the statement's own row decides 404.
CREATE FUNCTION drafting_editable(pid integer) RETURNS boolean
	LANGUAGE plpgsql STABLE SET search_path = public AS $$
DECLARE
	s text;
BEGIN
	SELECT state INTO s FROM plan WHERE id = pid;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	IF s <> 'draft' THEN
		RAISE EXCEPTION '策定中の計画（段階が「策定中」のもの）だけを編集できます。'
			USING ERRCODE = 'SHDRF', CONSTRAINT = 'plan_not_draft',
			      DETAIL = format('plan.id = %s, state = %s', pid, s);
	END IF;
	RETURN EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user()
	               AND u.role = 'admin' AND u.active);
END
$$;

-- The goal of plan pid that measure code names (its first number), or a
-- refusal naming the code: 23514 measure_goal_missing.
CREATE FUNCTION drafting_goal_of(pid integer, code text) RETURNS integer
	LANGUAGE plpgsql STABLE SET search_path = public AS $$
DECLARE
	gid integer;
BEGIN
	SELECT g.id INTO gid FROM goal g
	WHERE g.plan_id = pid AND g.number = split_part(code, '-', 1)::integer;
	IF NOT FOUND THEN
		RAISE EXCEPTION '施策コード %の目標（目標%）がこの計画にありません。先に目標を作成してください。',
			code, split_part(code, '-', 1)::integer
			USING ERRCODE = 'check_violation', CONSTRAINT = 'measure_goal_missing',
			      TABLE = 'measure', COLUMN = 'code';
	END IF;
	RETURN gid;
END
$$;

-- Goal gid when it belongs to plan pid, or a refusal naming goal_id.
CREATE FUNCTION drafting_goal_in(pid integer, gid integer) RETURNS integer
	LANGUAGE plpgsql STABLE SET search_path = public AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM goal g WHERE g.id = gid AND g.plan_id = pid) THEN
		RAISE EXCEPTION '指定された目標はこの計画にありません。'
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'drafting_goal_in_plan',
			      TABLE = 'indicator', COLUMN = 'goal_id';
	END IF;
	RETURN gid;
END
$$;

-- A measure code as stored: the goal's number, the policy and the circled
-- number without leading zeros (01-1-① is 1-1-①).
CREATE FUNCTION drafting_code(code text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT split_part(code, '-', 1)::integer || '-' || split_part(code, '-', 2)::integer
	       || '-' || right(code, 1)
$$;

-- ---------------------------------------------------------------- proposals

-- A staff member proposes an activity for their own department under a
-- measure of a draft plan; an admin accepts it (it becomes an activity of
-- the draft, activity_id) or declines it with a comment.
CREATE TABLE activity_proposal (
	id            serial PRIMARY KEY,
	plan_id       integer NOT NULL REFERENCES plan (id),
	-- NULL once the measure was removed after the decision.
	measure_id    integer REFERENCES measure (id) ON DELETE SET NULL,
	department_id integer NOT NULL REFERENCES department (id),
	name          text NOT NULL CHECK (NOT app_blank(name) AND length(name) <= 500),
	note          text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
	proposed_by   integer NOT NULL REFERENCES app_user (id) DEFAULT nullif(app_current_user(), 0),
	proposed_at   timestamptz NOT NULL DEFAULT now(),
	state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined')),
	decided_by    integer REFERENCES app_user (id),
	decided_at    timestamptz,
	comment       text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
	-- The activity an accepted proposal became (NULL once it was removed).
	activity_id   integer REFERENCES activity (id) ON DELETE SET NULL,
	version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
	CONSTRAINT activity_proposal_pending_measure CHECK (state <> 'pending' OR measure_id IS NOT NULL),
	CONSTRAINT activity_proposal_decided
		CHECK ((state = 'pending') = (decided_by IS NULL AND decided_at IS NULL)),
	CONSTRAINT activity_proposal_decline_comment CHECK (state <> 'declined' OR NOT app_blank(comment))
);
CREATE INDEX activity_proposal_plan_idx ON activity_proposal (plan_id, state);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON activity_proposal
	FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- The measure of a proposal belongs to its plan (a plain foreign key could
-- not be SET NULL on one column of two).
CREATE FUNCTION activity_proposal_measure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.measure_id IS NOT NULL AND NOT EXISTS (
		SELECT 1 FROM measure m WHERE m.id = NEW.measure_id AND m.plan_id = NEW.plan_id) THEN
		RAISE EXCEPTION '指定された施策はこの計画にありません。'
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'activity_proposal_measure',
			      TABLE = TG_TABLE_NAME, COLUMN = 'measure_id';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER proposal_measure BEFORE INSERT OR UPDATE OF measure_id, plan_id ON activity_proposal
	FOR EACH ROW EXECUTE FUNCTION activity_proposal_measure();

-- ---------------------------------------------------------------- comparison

-- The 所管課 cell of an activity: the names in order, joined by 、.
CREATE FUNCTION drafting_departments(activity integer) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT coalesce(string_agg(d.name, '、' ORDER BY ad.position), '')
	FROM activity_department ad JOIN department d ON d.id = ad.department_id
	WHERE ad.activity_id = activity
$$;

-- The two plans side by side, per measure and activity: continued (継続:
-- a copy whose origin is in base, same name), renamed (名称変更: same
-- origin, another name), new (新規: no origin in base), ended (終了: an
-- item of base that nothing in the draft continues). The order is the
-- draft's (goal, policy, number; activities by their place), an ended
-- item at the place of its code, after the draft's item of the same code;
-- an ended activity under its measure's row. The API, its CSV and the page
-- read this.
CREATE FUNCTION drafting_comparison(draft integer, base integer)
RETURNS TABLE (seq bigint, kind text, status text, label text,
               current_id integer, current_code text, current_name text, current_departments text,
               draft_id integer, draft_code text, draft_name text, draft_departments text)
LANGUAGE sql STABLE AS $$
	WITH dm AS (SELECT m.id, m.origin_measure_id, g.number AS gno, m.policy, m.number
	            FROM measure m JOIN goal g ON g.id = m.goal_id WHERE m.plan_id = draft),
	cm AS (SELECT m.id, g.number AS gno, m.policy, m.number
	       FROM measure m JOIN goal g ON g.id = m.goal_id WHERE m.plan_id = base),
	mp AS (SELECT d.id AS did, c.id AS cid, coalesce(d.gno, c.gno) AS k1, coalesce(d.policy, c.policy) AS k2,
	              coalesce(d.number, c.number) AS k3, false AS ended
	       FROM dm d LEFT JOIN cm c ON c.id = d.origin_measure_id
	       UNION ALL
	       SELECT NULL, c.id, c.gno, c.policy, c.number, true FROM cm c
	       WHERE NOT EXISTS (SELECT 1 FROM dm d WHERE d.origin_measure_id = c.id)),
	da AS (SELECT a.id, a.measure_id, a.origin_activity_id, pl.position FROM activity a
	       JOIN placement pl ON pl.activity_id = a.id AND NOT pl.relisted WHERE a.plan_id = draft),
	ca AS (SELECT a.id, a.measure_id, pl.position FROM activity a
	       JOIN placement pl ON pl.activity_id = a.id AND NOT pl.relisted WHERE a.plan_id = base),
	r AS (SELECT 'measure' AS kind, mp.did, mp.cid, mp.k1, mp.k2, mp.k3, mp.ended,
	             coalesce(mp.did, -mp.cid) AS grp, 0 AS sub, 0 AS pos FROM mp
	      UNION ALL
	      SELECT 'activity', d.id, c.id, mp.k1, mp.k2, mp.k3, mp.ended, coalesce(mp.did, -mp.cid), 1, d.position
	      FROM da d LEFT JOIN ca c ON c.id = d.origin_activity_id JOIN mp ON mp.did = d.measure_id
	      UNION ALL
	      SELECT 'activity', NULL, c.id, mp.k1, mp.k2, mp.k3, mp.ended, coalesce(mp.did, -mp.cid), 2, c.position
	      FROM ca c JOIN mp ON mp.cid = c.measure_id
	      WHERE NOT EXISTS (SELECT 1 FROM da d WHERE d.origin_activity_id = c.id)),
	s AS (SELECT r.*, cur.code AS ccode, cur.name AS cname, cur.deps AS cdeps,
	             dr.code AS dcode, dr.name AS dname, dr.deps AS ddeps,
	             CASE WHEN r.did IS NULL THEN 'ended' WHEN r.cid IS NULL THEN 'new'
	                  WHEN cur.name <> dr.name THEN 'renamed' ELSE 'continued' END AS status
	      FROM r
	      LEFT JOIN LATERAL (SELECT m.code, m.name, ''::text AS deps FROM measure m
	                         WHERE r.kind = 'measure' AND m.id = r.cid
	                         UNION ALL
	                         SELECT m.code, a.name, drafting_departments(a.id) FROM activity a
	                         JOIN measure m ON m.id = a.measure_id
	                         WHERE r.kind = 'activity' AND a.id = r.cid) cur ON true
	      LEFT JOIN LATERAL (SELECT m.code, m.name, ''::text AS deps FROM measure m
	                         WHERE r.kind = 'measure' AND m.id = r.did
	                         UNION ALL
	                         SELECT m.code, a.name, drafting_departments(a.id) FROM activity a
	                         JOIN measure m ON m.id = a.measure_id
	                         WHERE r.kind = 'activity' AND a.id = r.did) dr ON true)
	SELECT row_number() OVER (ORDER BY s.k1, s.k2, s.k3, s.ended, s.grp, s.sub, s.pos, s.cid),
	       s.kind, s.status,
	       CASE s.status WHEN 'continued' THEN '継続' WHEN 'renamed' THEN '名称変更'
	                     WHEN 'new' THEN '新規' ELSE '終了' END,
	       s.cid, s.ccode, s.cname, s.cdeps, s.did, s.dcode, s.dname, s.ddeps
	FROM s ORDER BY 1
$$;

-- The plan a draft is compared with when none is named: the one most of
-- its carried-over measures come from, else the first adopted plan.
CREATE FUNCTION drafting_base(draft integer) RETURNS integer LANGUAGE sql STABLE AS $$
	SELECT coalesce(
		(SELECT o.plan_id FROM measure m JOIN measure o ON o.id = m.origin_measure_id
		 WHERE m.plan_id = draft AND o.plan_id <> draft
		 GROUP BY o.plan_id ORDER BY count(*) DESC, o.plan_id LIMIT 1),
		(SELECT p.id FROM plan p WHERE p.state = 'adopted' AND p.id <> draft ORDER BY p.id LIMIT 1))
$$;

-- ---------------------------------------------------------------- the application's rights

-- The structure (goal, measure, activity, placement, activity_department)
-- is written by admins only: 008 grants it and holds it with its policies.
GRANT SELECT, INSERT (plan_id, measure_id, department_id, name, note, proposed_by),
      UPDATE (state, decided_by, decided_at, comment, activity_id, version) ON activity_proposal TO shinchoku_app;
GRANT INSERT (plan_id, goal_id, position, name, unit), UPDATE (goal_id, position, name, unit, version),
      DELETE ON indicator TO shinchoku_app;
GRANT INSERT (indicator_id, fiscal_year, kind, value, value_text),
      UPDATE (value, value_text, version, updated_at), DELETE ON indicator_value TO shinchoku_app;
GRANT INSERT (plan_id, mark, body), UPDATE (body, version) ON footnote TO shinchoku_app;
GRANT INSERT, DELETE ON indicator_footnote TO shinchoku_app;
GRANT USAGE ON SEQUENCE indicator_id_seq, activity_proposal_id_seq TO shinchoku_app;
GRANT EXECUTE ON FUNCTION drafting_editable(integer), drafting_goal_of(integer, text),
	drafting_goal_in(integer, integer), drafting_code(text), drafting_comparison(integer, integer),
	drafting_departments(integer), drafting_base(integer) TO shinchoku_app;

-- Second wall: whatever a statement says, only an active admin changes the
-- indicators through the application role (008 does the same for the
-- structure). The owner (migrate, the dataset import) is not subject to it.
CREATE FUNCTION app_acting_admin() RETURNS boolean LANGUAGE sql STABLE
	SECURITY DEFINER SET search_path = public AS $$
	SELECT EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user()
	               AND u.role = 'admin' AND u.active)
$$;
GRANT EXECUTE ON FUNCTION app_acting_admin() TO shinchoku_app;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['indicator', 'indicator_value', 'footnote', 'indicator_footnote'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY read_all ON %I FOR SELECT USING (true)', t);
		EXECUTE format('CREATE POLICY admin_insert ON %I FOR INSERT WITH CHECK (app_acting_admin())', t);
		EXECUTE format('CREATE POLICY admin_update ON %I FOR UPDATE USING (app_acting_admin())'
		               ' WITH CHECK (app_acting_admin())', t);
		EXECUTE format('CREATE POLICY admin_delete ON %I FOR DELETE USING (app_acting_admin())', t);
	END LOOP;
END
$$;

-- A proposal is made by its proposer, for the proposer's own department
-- (an admin for any); only admins decide.
ALTER TABLE activity_proposal ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON activity_proposal FOR SELECT USING (true);
CREATE POLICY propose_own ON activity_proposal FOR INSERT
	WITH CHECK (proposed_by = app_current_user() AND EXISTS (
		SELECT 1 FROM app_user u WHERE u.id = app_current_user() AND u.active
		  AND u.role IN ('staff', 'manager', 'admin')
		  AND (u.role = 'admin' OR u.department_id = activity_proposal.department_id)));
CREATE POLICY admin_decides ON activity_proposal FOR UPDATE
	USING (app_acting_admin()) WITH CHECK (app_acting_admin());

-- shinchoku schema, migration 001: the plan, its structure, yearly records,
-- indicators, the drafting timeline and the audit trail.
--
-- Applied by `shinchoku migrate` inside one transaction, as the owning role.
-- The workers connect as shinchoku_app, which owns nothing and only gets the
-- privileges granted at the end of this file.

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shinchoku_app') THEN
		CREATE ROLE shinchoku_app NOLOGIN;
	END IF;
END
$$;

-- Timestamps are shown to ward staff: render them in Japan's time.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(), 'Asia/Tokyo');
END
$$;

CREATE TABLE department (
	id         serial PRIMARY KEY,
	name       text NOT NULL UNIQUE CHECK (btrim(name) <> '' AND length(name) <= 100),
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan (
	id                 serial PRIMARY KEY,
	title              text NOT NULL UNIQUE CHECK (btrim(title) <> '' AND length(title) <= 200),
	state              text NOT NULL DEFAULT 'draft'
	                   CHECK (state IN ('draft', 'proposal', 'public_comment', 'adopted', 'archived')),
	-- Month precision, as the report gives it (令和６年３月): always the 1st.
	adopted_month      date CHECK (adopted_month IS NULL OR extract(day FROM adopted_month) = 1),
	report_fiscal_year integer CHECK (report_fiscal_year BETWEEN 2000 AND 2100),
	version            integer NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at         timestamptz NOT NULL DEFAULT now(),
	updated_at         timestamptz NOT NULL DEFAULT now(),
	CHECK (state <> 'adopted' OR adopted_month IS NOT NULL)
);

CREATE TABLE goal (
	id      serial PRIMARY KEY,
	plan_id integer NOT NULL REFERENCES plan (id),
	number  integer NOT NULL CHECK (number BETWEEN 1 AND 20),
	title   text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 500),
	UNIQUE (plan_id, number),
	UNIQUE (id, plan_id)
);

-- The four progress marks and their legend, as printed in the report.
CREATE TABLE progress_status (
	key      text PRIMARY KEY CHECK (key IN ('exceeded', 'on_schedule', 'delayed', 'not_started')),
	mark     text NOT NULL UNIQUE CHECK (mark IN ('◎', '○', '△', '×')),
	label    text NOT NULL CHECK (btrim(label) <> ''),
	position integer NOT NULL UNIQUE
);

CREATE TABLE measure (
	id         serial PRIMARY KEY,
	plan_id    integer NOT NULL,
	goal_id    integer NOT NULL,
	policy     integer NOT NULL CHECK (policy BETWEEN 1 AND 99),
	number     integer NOT NULL CHECK (number BETWEEN 1 AND 20),
	-- 1-1-①: goal number, policy area (施策), circled number.
	code       text NOT NULL CHECK (code ~ '^[0-9]{1,2}-[0-9]{1,2}-[①-⑳]$'),
	name       text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 500),
	-- A measure whose whole content is a re-listing of another (2-1-① of 1-1-③).
	relisted_from_id integer REFERENCES measure (id),
	FOREIGN KEY (goal_id, plan_id) REFERENCES goal (id, plan_id),
	UNIQUE (plan_id, code),
	UNIQUE (goal_id, policy, number),
	UNIQUE (id, plan_id),
	CHECK (relisted_from_id IS DISTINCT FROM id),
	CHECK (substr(code, length(code)) = chr(9311 + number))
);

CREATE TABLE activity (
	id         serial PRIMARY KEY,
	plan_id    integer NOT NULL,
	-- The measure the activity is reported under (where its status counts).
	measure_id integer NOT NULL,
	name       text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 500),
	created_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (measure_id, plan_id) REFERENCES measure (id, plan_id),
	UNIQUE (id, measure_id)
);
CREATE INDEX activity_measure_idx ON activity (measure_id);

-- Where an activity is printed in the appendix. Every activity has exactly one
-- reported placement under its own measure; a re-listing (再掲) is a further
-- placement under another measure, printed without status or results, with the
-- name as printed there (label) and, for some rows, the departments.
CREATE TABLE placement (
	id               serial PRIMARY KEY,
	measure_id       integer NOT NULL REFERENCES measure (id),
	position         integer NOT NULL CHECK (position > 0),
	activity_id      integer NOT NULL REFERENCES activity (id),
	relisted         boolean NOT NULL DEFAULT false,
	label            text CHECK (label IS NULL OR (btrim(label) <> '' AND length(label) <= 500)),
	show_departments boolean NOT NULL DEFAULT true,
	-- For the reported placement this is the activity's own measure; NULL on re-listings.
	home_measure_id  integer GENERATED ALWAYS AS (CASE WHEN relisted THEN NULL ELSE measure_id END) STORED,
	UNIQUE (measure_id, position) DEFERRABLE INITIALLY IMMEDIATE,
	FOREIGN KEY (activity_id, home_measure_id) REFERENCES activity (id, measure_id),
	CHECK (relisted OR (label IS NULL AND show_departments))
);
CREATE UNIQUE INDEX placement_reported_once ON placement (activity_id) WHERE NOT relisted;
CREATE UNIQUE INDEX placement_relisted_once ON placement (activity_id, measure_id) WHERE relisted;

-- An activity is reported under exactly one placement: checked at commit, so
-- that an activity and its placement can be inserted in either order.
CREATE FUNCTION placement_check_reported() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM placement p WHERE p.activity_id = NEW.id AND NOT p.relisted) THEN
		RAISE EXCEPTION 'activity % has no reported placement', NEW.id
			USING ERRCODE = 'integrity_constraint_violation';
	END IF;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER activity_has_placement AFTER INSERT OR UPDATE ON activity
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION placement_check_reported();

CREATE TABLE activity_department (
	activity_id   integer NOT NULL REFERENCES activity (id),
	department_id integer NOT NULL REFERENCES department (id),
	-- The order in which the 所管課 cell lists them.
	position      integer NOT NULL CHECK (position > 0),
	PRIMARY KEY (activity_id, department_id),
	UNIQUE (activity_id, position)
);
CREATE INDEX activity_department_dept_idx ON activity_department (department_id);

-- One activity in one fiscal year (2024 = 令和6年度, April to March).
CREATE TABLE activity_year (
	activity_id   integer NOT NULL REFERENCES activity (id),
	fiscal_year   integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
	status        text REFERENCES progress_status (key),
	change_reason text NOT NULL DEFAULT '' CHECK (length(change_reason) <= 2000),
	result        text NOT NULL DEFAULT '' CHECK (length(result) <= 4000),
	-- 令和N年度以降の取組予定: the plan from the following year on.
	plan_next     text NOT NULL DEFAULT '' CHECK (length(plan_next) <= 4000),
	version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (activity_id, fiscal_year)
);
CREATE INDEX activity_year_fy_idx ON activity_year (fiscal_year, status);

CREATE TABLE footnote (
	plan_id integer NOT NULL REFERENCES plan (id),
	mark    text NOT NULL CHECK (mark ~ '^※[0-9]+$'),
	body    text NOT NULL CHECK (btrim(body) <> ''),
	PRIMARY KEY (plan_id, mark)
);

CREATE TABLE indicator (
	id       serial PRIMARY KEY,
	plan_id  integer NOT NULL,
	goal_id  integer NOT NULL,
	position integer NOT NULL CHECK (position > 0),
	name     text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 500),
	unit     text NOT NULL CHECK (length(unit) BETWEEN 1 AND 20),
	FOREIGN KEY (goal_id, plan_id) REFERENCES goal (id, plan_id),
	UNIQUE (plan_id, name),
	UNIQUE (goal_id, position)
);

CREATE TABLE indicator_footnote (
	indicator_id integer NOT NULL REFERENCES indicator (id),
	plan_id      integer NOT NULL,
	mark         text NOT NULL,
	FOREIGN KEY (plan_id, mark) REFERENCES footnote (plan_id, mark),
	PRIMARY KEY (indicator_id, mark)
);

-- A yearly actual or target: the number read from it, and the text exactly as
-- reported (約 179万件, 0/15, ー). value is NULL where the report has no figure.
CREATE TABLE indicator_value (
	indicator_id integer NOT NULL REFERENCES indicator (id),
	fiscal_year  integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
	kind         text NOT NULL CHECK (kind IN ('actual', 'target')),
	value        numeric,
	value_text   text NOT NULL CHECK (btrim(value_text) <> '' AND length(value_text) <= 100),
	version      integer NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (indicator_id, fiscal_year, kind)
);

-- The drafting timeline of a plan (骨子, 素案, 意見交換会, 案, パブリック・コメント, 策定).
CREATE TABLE milestone (
	id                  serial PRIMARY KEY,
	plan_id             integer NOT NULL REFERENCES plan (id),
	position            integer NOT NULL CHECK (position > 0),
	title               text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 200),
	planned_month       date NOT NULL CHECK (extract(day FROM planned_month) = 1),
	planned_text        text NOT NULL DEFAULT '' CHECK (length(planned_text) <= 50),
	-- 11月～ : the item starts that month and has no set end.
	open_ended          boolean NOT NULL DEFAULT false,
	actual_date         date,
	state               text NOT NULL DEFAULT 'planned'
	                    CHECK (state IN ('planned', 'in_progress', 'done', 'delayed', 'cancelled')),
	owner_department_id integer REFERENCES department (id),
	notes               text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
	version             integer NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at          timestamptz NOT NULL DEFAULT now(),
	UNIQUE (plan_id, position) DEFERRABLE INITIALLY IMMEDIATE,
	CHECK (state <> 'done' OR actual_date IS NOT NULL)
);

-- Who changed what, when, before and after: written by triggers in the same
-- transaction as the change. The acting user and the channel (api, import,
-- migrate) come from transaction-local settings made with set_config(..., true).
CREATE TABLE audit_log (
	id         bigserial PRIMARY KEY,
	at         timestamptz NOT NULL DEFAULT now(),
	user_id    integer,
	channel    text NOT NULL DEFAULT 'sql',
	entity     text NOT NULL,
	entity_id  text NOT NULL,
	action     text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
	before     jsonb,
	after      jsonb,
	CHECK (before IS NOT NULL OR after IS NOT NULL)
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);

-- A secret column (a password hash) never reaches the log.
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
	b jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) - 'password_hash' END;
	a jsonb := CASE WHEN TG_OP IN ('UPDATE', 'INSERT') THEN to_jsonb(NEW) - 'password_hash' END;
	key_cols text[] := TG_ARGV;
	id_text text := '';
	c text;
BEGIN
	IF b IS NOT DISTINCT FROM a THEN
		RETURN NULL;
	END IF;
	FOREACH c IN ARRAY key_cols LOOP
		id_text := id_text || CASE WHEN id_text = '' THEN '' ELSE '/' END
			|| coalesce(a ->> c, b ->> c);
	END LOOP;
	INSERT INTO audit_log (user_id, channel, entity, entity_id, action, before, after)
	VALUES (nullif(current_setting('app.user_id', true), '')::integer,
		coalesce(nullif(current_setting('app.channel', true), ''), 'sql'),
		TG_TABLE_NAME, id_text, lower(TG_OP), b, a);
	RETURN NULL;
END
$$;

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON department FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON plan FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON goal FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON measure FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON activity FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON placement FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON activity_department FOR EACH ROW EXECUTE FUNCTION audit_row('activity_id', 'department_id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON activity_year FOR EACH ROW EXECUTE FUNCTION audit_row('activity_id', 'fiscal_year');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON footnote FOR EACH ROW EXECUTE FUNCTION audit_row('plan_id', 'mark');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON indicator FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON indicator_footnote FOR EACH ROW EXECUTE FUNCTION audit_row('indicator_id', 'mark');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON indicator_value FOR EACH ROW EXECUTE FUNCTION audit_row('indicator_id', 'fiscal_year', 'kind');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON milestone FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- The audit trail is append-only for everyone but its owner.
CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();

INSERT INTO progress_status (key, mark, label, position) VALUES
	('exceeded', '◎', '目標を大きく上回る、スケジュールを前倒しするなど、予定を上回る取組となった', 1),
	('on_schedule', '○', '予定どおり取り組んだ', 2),
	('delayed', '△', '予定よりも遅れて取り組んだ', 3),
	('not_started', '×', '未着手', 4);

GRANT SELECT ON ALL TABLES IN SCHEMA public TO shinchoku_app;

-- Users, sessions, sign-in throttling, status-change requests, and the
-- database-side walls of department scoping (row-level security).
--
-- The application connects as shinchoku_app, which owns nothing: what it
-- may change is granted here table by table, and row-level security on
-- activity_year and status_request repeats the department check that the
-- statements themselves make. Every transaction of the API sets
-- app.user_id, so the policies and the audit trigger know who acts.

CREATE TABLE app_user (
	id            serial PRIMARY KEY,
	login         text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),
	display_name  text NOT NULL CHECK (btrim(display_name) <> '' AND length(display_name) <= 100),
	department_id integer REFERENCES department (id),
	role          text NOT NULL CHECK (role IN ('viewer', 'staff', 'manager', 'admin')),
	password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
	active        boolean NOT NULL DEFAULT true,
	version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	-- Staff and managers act for a department; viewers and admins may have one.
	CHECK (role NOT IN ('staff', 'manager') OR department_id IS NOT NULL)
);

-- The token itself is never stored: only its SHA-256.
CREATE TABLE session (
	token_hash   text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
	user_id      integer NOT NULL REFERENCES app_user (id),
	csrf_token   text NOT NULL CHECK (length(csrf_token) = 64),
	created_at   timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz NOT NULL DEFAULT now(),
	ended_at     timestamptz
);
CREATE INDEX session_user_idx ON session (user_id) WHERE ended_at IS NULL;

-- Failed sign-ins, counted per login and per client address.
CREATE TABLE login_failure (
	id    bigserial PRIMARY KEY,
	login text NOT NULL,
	addr  text NOT NULL,
	at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_login_idx ON login_failure (login, at);
CREATE INDEX login_failure_addr_idx ON login_failure (addr, at);

CREATE TABLE status_request (
	id           serial PRIMARY KEY,
	activity_id  integer NOT NULL,
	fiscal_year  integer NOT NULL,
	from_status  text REFERENCES progress_status (key),
	to_status    text NOT NULL REFERENCES progress_status (key),
	reason       text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
	requested_by integer NOT NULL REFERENCES app_user (id),
	requested_at timestamptz NOT NULL DEFAULT now(),
	state        text NOT NULL DEFAULT 'pending'
	             CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn')),
	decided_by   integer REFERENCES app_user (id),
	decided_at   timestamptz,
	comment      text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
	version      integer NOT NULL DEFAULT 1 CHECK (version > 0),
	FOREIGN KEY (activity_id, fiscal_year) REFERENCES activity_year (activity_id, fiscal_year),
	CONSTRAINT status_request_changes CHECK (from_status IS DISTINCT FROM to_status),
	-- A reason is required for a move to △ or ×.
	CONSTRAINT status_request_reason
		CHECK (to_status NOT IN ('delayed', 'not_started') OR btrim(reason) <> ''),
	-- Nobody decides their own request; a decision has a decider and a time.
	CONSTRAINT status_request_not_own CHECK (decided_by IS DISTINCT FROM requested_by),
	CONSTRAINT status_request_decided
		CHECK ((state IN ('approved', 'rejected')) = (decided_by IS NOT NULL AND decided_at IS NOT NULL))
);
CREATE UNIQUE INDEX status_request_one_pending ON status_request (activity_id, fiscal_year)
	WHERE state = 'pending';
CREATE INDEX status_request_state_idx ON status_request (state, requested_at);

-- The acting user of this transaction (0 when none was set).
CREATE FUNCTION app_current_user() RETURNS integer LANGUAGE sql STABLE AS $$
	SELECT coalesce(nullif(current_setting('app.user_id', true), ''), '0')::integer
$$;

-- May the acting user edit this activity? Admins always; staff and managers
-- of one of its responsible departments. The one definition of scoping,
-- used by the statements and by the policies below.
CREATE FUNCTION app_may_edit(activity integer, roles text[]) RETURNS boolean
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT EXISTS (
		SELECT 1 FROM app_user u
		WHERE u.id = app_current_user() AND u.active AND u.role = ANY (roles)
		  AND (u.role = 'admin' OR EXISTS (
			SELECT 1 FROM activity_department ad
			WHERE ad.activity_id = activity AND ad.department_id = u.department_id)))
$$;

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON app_user FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON status_request FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- Third wall: through the API a status changes only by an approval decided
-- in the same transaction (decided_at = now(), the transaction's time).
CREATE FUNCTION activity_year_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status IS DISTINCT FROM OLD.status
	   AND current_setting('app.channel', true) = 'api'
	   AND NOT EXISTS (SELECT 1 FROM status_request r
	                   WHERE r.activity_id = NEW.activity_id AND r.fiscal_year = NEW.fiscal_year
	                     AND r.state = 'approved' AND r.decided_at = now()
	                     AND r.to_status = NEW.status) THEN
		RAISE EXCEPTION 'a status changes only through an approved request'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER status_guard BEFORE UPDATE ON activity_year
	FOR EACH ROW EXECUTE FUNCTION activity_year_status_guard();

-- At least one active admin remains, or nobody could manage users any
-- more. Locking the admins first serializes two admins demoting each other.
CREATE FUNCTION app_user_keep_admin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.role = 'admin' AND OLD.active AND NOT (NEW.role = 'admin' AND NEW.active) THEN
		PERFORM 1 FROM app_user WHERE role = 'admin' AND active FOR UPDATE;
		IF NOT EXISTS (SELECT 1 FROM app_user WHERE role = 'admin' AND active AND id <> OLD.id) THEN
			RAISE EXCEPTION 'the last active admin cannot be demoted or deactivated'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'app_user_last_admin';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER keep_admin BEFORE UPDATE ON app_user
	FOR EACH ROW EXECUTE FUNCTION app_user_keep_admin();

-- What the application role may do, and no more.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO shinchoku_app;
GRANT UPDATE (status, change_reason, result, plan_next, version, updated_at) ON activity_year TO shinchoku_app;
GRANT INSERT, UPDATE ON app_user, status_request TO shinchoku_app;
GRANT INSERT, UPDATE ON session TO shinchoku_app;
GRANT INSERT, DELETE ON login_failure TO shinchoku_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO shinchoku_app;

-- Second wall: even a statement that forgot its department condition
-- cannot change another department's records.
ALTER TABLE activity_year ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON activity_year FOR SELECT USING (true);
CREATE POLICY edit_own ON activity_year FOR UPDATE
	USING (app_may_edit(activity_id, ARRAY['staff', 'manager', 'admin']))
	WITH CHECK (app_may_edit(activity_id, ARRAY['staff', 'manager', 'admin']));

ALTER TABLE status_request ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON status_request FOR SELECT USING (true);
CREATE POLICY propose_own ON status_request FOR INSERT
	WITH CHECK (requested_by = app_current_user()
	            AND app_may_edit(activity_id, ARRAY['staff', 'manager', 'admin']));
CREATE POLICY decide_or_withdraw ON status_request FOR UPDATE
	USING (requested_by = app_current_user()
	       OR app_may_edit(activity_id, ARRAY['manager', 'admin']))
	WITH CHECK (requested_by = app_current_user()
	            OR app_may_edit(activity_id, ARRAY['manager', 'admin']));

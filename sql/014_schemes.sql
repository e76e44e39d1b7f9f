-- A plan's own terms (issue 15): the names and number of its levels, the
-- format of its codes and its evaluation scale, so that another
-- municipality's plan loads and reports without a change of code.
--
--   * scheme: one definition, shared by the plans that use it. Nakano's
--     (目標 → 施策 → 取組 → 実施内容, codes 1-1-①, ◎○△×) is scheme 1, the
--     default of every plan; a plan may get a scheme of its own while it is
--     a draft (scheme_define) or from its dataset file (the import).
--   * scheme_level: 2 to 4 levels, top first. They name the tiers of the
--     structure from the top: the first is the goal (目標), the last the
--     reported row (activity, 実施内容), the one before the last the coded
--     measure; with four, the second is the policy area (施策: the code's
--     middle number); with two, the goal is not named. The coded level
--     carries the code format: an anchored regular expression and its
--     Japanese description, which the refusal quotes.
--   * progress_status stays the table of scale levels (so that every
--     statement that joins it by key keeps its meaning), now per scheme:
--     ordered levels with key, mark, short text, legend, whether a move to
--     it needs a reason, whether it counts as late on the dashboard, and,
--     for an indicator-based scale, min_rate: the least achievement rate
--     (actual / target, in %) of the grade computed by indicator_grade().
--     Keys stay unique across schemes: the statuses' foreign keys name the
--     key alone; a status must be one of its plan's scheme (triggers).
--   * A scheme is fixed once a plan that uses it has yearly records: a
--     change is then refused (SQLSTATE SHSFX, constraint scheme_fixed).

-- ---------------------------------------------------------------- schemes

CREATE TABLE scheme (
	id         serial PRIMARY KEY,
	name       text NOT NULL CONSTRAINT scheme_name CHECK (NOT app_blank(name) AND length(name) <= 100),
	-- The scale's heading (進捗状況, 達成度): columns, filters, legend.
	scale_name text NOT NULL DEFAULT '進捗状況'
	           CONSTRAINT scheme_scale_name CHECK (NOT app_blank(scale_name) AND length(scale_name) <= 20),
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scheme_level (
	scheme_id        integer NOT NULL REFERENCES scheme (id) ON DELETE CASCADE,
	depth            integer NOT NULL CHECK (depth BETWEEN 1 AND 4),
	name             text NOT NULL
	                 CONSTRAINT scheme_level_name CHECK (NOT app_blank(name) AND length(name) <= 20),
	code_pattern     text CONSTRAINT scheme_level_pattern
	                 CHECK (code_pattern IS NULL OR (code_pattern ~ '^\^.*\$$' AND length(code_pattern) <= 200)),
	code_description text CONSTRAINT scheme_level_description
	                 CHECK (code_description IS NULL OR (NOT app_blank(code_description)
	                                                     AND length(code_description) <= 100)),
	PRIMARY KEY (scheme_id, depth),
	CONSTRAINT scheme_level_code CHECK ((code_pattern IS NULL) = (code_description IS NULL))
);

-- A pattern the server cannot compile is refused as a bad pattern.
CREATE FUNCTION scheme_level_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.code_pattern IS NOT NULL THEN
		BEGIN
			PERFORM '' ~ NEW.code_pattern;
		EXCEPTION WHEN invalid_regular_expression THEN
			RAISE EXCEPTION 'コードの形式（正規表現）「%」が正しくありません。', NEW.code_pattern
				USING ERRCODE = 'check_violation', CONSTRAINT = 'scheme_level_pattern',
				      TABLE = 'scheme_level', COLUMN = 'code_pattern';
		END;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER level_check BEFORE INSERT OR UPDATE ON scheme_level
	FOR EACH ROW EXECUTE FUNCTION scheme_level_check();

-- At commit: 2 to 4 levels numbered from 1, the coded level (the one
-- before the last) with a format and no other.
CREATE FUNCTION scheme_levels_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
	sid integer := coalesce(r ->> 'scheme_id', r ->> 'id')::integer;
	n integer;
	top integer;
	coded integer;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM scheme WHERE id = sid) THEN
		RETURN NULL;
	END IF;
	SELECT count(*), max(depth) INTO n, top FROM scheme_level WHERE scheme_id = sid;
	SELECT count(*) FILTER (WHERE (code_pattern IS NOT NULL) = (depth = n - 1))
	INTO coded FROM scheme_level WHERE scheme_id = sid;
	IF n NOT BETWEEN 2 AND 4 OR top <> n THEN
		RAISE EXCEPTION '階層は 2 から 4 までで、上から順に名前を付けてください（いまは %）。', n
			USING ERRCODE = 'check_violation', CONSTRAINT = 'scheme_levels',
			      TABLE = 'scheme_level', COLUMN = 'levels';
	END IF;
	IF coded <> n THEN
		RAISE EXCEPTION 'コードの形式は、下から二つ目の階層（コードを持つ階層）にだけ指定してください。'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'scheme_levels',
			      TABLE = 'scheme_level', COLUMN = 'levels';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM progress_status WHERE scheme_id = sid) THEN
		RAISE EXCEPTION '評価の区分を一つ以上指定してください。'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'scheme_scale',
			      TABLE = 'progress_status', COLUMN = 'scale';
	END IF;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER levels_check AFTER INSERT OR UPDATE ON scheme
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION scheme_levels_check();
CREATE CONSTRAINT TRIGGER levels_check AFTER INSERT OR UPDATE OR DELETE ON scheme_level
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION scheme_levels_check();

INSERT INTO scheme (id, name) VALUES (1, '中野区（目標・施策・取組・実施内容、◎○△×）');
SELECT setval('scheme_id_seq', 1);
INSERT INTO scheme_level (scheme_id, depth, name, code_pattern, code_description) VALUES
	(1, 1, '目標', NULL, NULL),
	(1, 2, '施策', NULL, NULL),
	(1, 3, '取組', '^[0-9]{1,2}-[0-9]{1,2}-[①-⑳]$', '目標-施策-丸数字（例：1-1-①）'),
	(1, 4, '実施内容', NULL, NULL);

ALTER TABLE plan ADD COLUMN scheme_id integer NOT NULL DEFAULT 1 REFERENCES scheme (id);
CREATE INDEX plan_scheme_idx ON plan (scheme_id);

-- ---------------------------------------------------------------- scale levels

ALTER TABLE progress_status
	ADD COLUMN scheme_id integer REFERENCES scheme (id) ON DELETE CASCADE,
	ADD COLUMN counts_as_late boolean NOT NULL DEFAULT false,
	ADD COLUMN min_rate numeric CONSTRAINT progress_status_min_rate CHECK (min_rate BETWEEN 0 AND 1000);
UPDATE progress_status SET scheme_id = 1, counts_as_late = key IN ('delayed', 'not_started');
ALTER TABLE progress_status
	ALTER COLUMN scheme_id SET NOT NULL,
	DROP CONSTRAINT progress_status_key_check,
	DROP CONSTRAINT progress_status_mark_check,
	DROP CONSTRAINT progress_status_mark_key,
	DROP CONSTRAINT progress_status_position_key,
	DROP CONSTRAINT progress_status_short_key,
	ADD CONSTRAINT progress_status_key_format CHECK (key ~ '^[a-z][a-z0-9_]{0,19}$'),
	ADD CONSTRAINT progress_status_mark_format CHECK (NOT app_blank(mark) AND length(mark) <= 4),
	ADD CONSTRAINT progress_status_mark_once UNIQUE (scheme_id, mark),
	ADD CONSTRAINT progress_status_position_once UNIQUE (scheme_id, position),
	ADD CONSTRAINT progress_status_short_once UNIQUE (scheme_id, short);
CREATE CONSTRAINT TRIGGER levels_check AFTER INSERT OR UPDATE OR DELETE ON progress_status
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION scheme_levels_check();

-- The scheme of the plan that an activity belongs to.
CREATE FUNCTION activity_scheme(aid integer) RETURNS integer LANGUAGE sql STABLE AS $$
	SELECT p.scheme_id FROM activity a JOIN plan p ON p.id = a.plan_id WHERE a.id = aid
$$;

-- A status is one of its plan's scale: a record's and a request's target.
CREATE FUNCTION status_in_scheme() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	st text := CASE WHEN TG_TABLE_NAME = 'activity_year' THEN to_jsonb(NEW) ->> 'status'
	                ELSE to_jsonb(NEW) ->> 'to_status' END;
	aid integer := (to_jsonb(NEW) ->> 'activity_id')::int;
	sid integer := activity_scheme(aid);
BEGIN
	IF st IS NULL OR sid IS NULL
	   OR EXISTS (SELECT 1 FROM progress_status s WHERE s.key = st AND s.scheme_id = sid) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION '「%」はこの計画の%の区分（%）にありません。', st,
		(SELECT scale_name FROM scheme WHERE id = sid),
		(SELECT string_agg(s.mark, '・' ORDER BY s.position) FROM progress_status s WHERE s.scheme_id = sid)
		USING ERRCODE = 'check_violation', CONSTRAINT = 'status_in_scheme',
		      TABLE = TG_TABLE_NAME, COLUMN = 'status';
END
$$;
CREATE TRIGGER status_in_scheme BEFORE INSERT OR UPDATE OF status ON activity_year
	FOR EACH ROW EXECUTE FUNCTION status_in_scheme();

CREATE TRIGGER status_in_scheme BEFORE INSERT OR UPDATE OF to_status ON status_request
	FOR EACH ROW EXECUTE FUNCTION status_in_scheme();

-- ---------------------------------------------------------------- fixed once used

CREATE FUNCTION scheme_in_use(sid integer) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM plan p JOIN activity a ON a.plan_id = p.id
	               JOIN activity_year y ON y.activity_id = a.id WHERE p.scheme_id = sid)
$$;

-- True when plan pid has yearly records: its definition is then fixed.
CREATE FUNCTION plan_has_records(pid integer) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM activity a JOIN activity_year y ON y.activity_id = a.id
	               WHERE a.plan_id = pid)
$$;

CREATE FUNCTION scheme_fixed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	sid integer;
	r jsonb;
BEGIN
	IF TG_TABLE_NAME = 'plan' THEN
		IF NEW.scheme_id IS NOT DISTINCT FROM OLD.scheme_id OR NOT EXISTS (
		       SELECT 1 FROM activity a JOIN activity_year y ON y.activity_id = a.id
		       WHERE a.plan_id = NEW.id) THEN
			RETURN NEW;
		END IF;
		sid := OLD.scheme_id;
	ELSE
		r := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
		sid := coalesce(r ->> 'scheme_id', r ->> 'id')::integer;
		IF NOT scheme_in_use(sid) THEN
			RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
		END IF;
	END IF;
	RAISE EXCEPTION '年度の記録がある計画の階層・コードの形式・評価の区分は変更できません（変更は移行作業で行います）。'
		USING ERRCODE = 'SHSFX', CONSTRAINT = 'scheme_fixed',
		      DETAIL = format('scheme.id = %s', sid);
END
$$;
CREATE TRIGGER fixed_guard BEFORE UPDATE OR DELETE ON scheme
	FOR EACH ROW EXECUTE FUNCTION scheme_fixed_guard();
CREATE TRIGGER fixed_guard BEFORE INSERT OR UPDATE OR DELETE ON scheme_level
	FOR EACH ROW EXECUTE FUNCTION scheme_fixed_guard();
CREATE TRIGGER fixed_guard BEFORE INSERT OR UPDATE OR DELETE ON progress_status
	FOR EACH ROW EXECUTE FUNCTION scheme_fixed_guard();
CREATE TRIGGER scheme_fixed_guard BEFORE UPDATE OF scheme_id ON plan
	FOR EACH ROW EXECUTE FUNCTION scheme_fixed_guard();

-- ---------------------------------------------------------------- codes

-- The number of a code: its last circled number (①=1) or its last digits.
CREATE FUNCTION code_number(code text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT CASE WHEN right(code, 1) ~ '[①-⑳]' THEN ascii(right(code, 1)) - 9311
	            ELSE nullif(substring(code FROM '([0-9]+)[^0-9]*$'), '')::integer END
$$;

-- A code as stored: numbers without leading zeros (01-1-① is 1-1-①).
CREATE OR REPLACE FUNCTION drafting_code(code text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT regexp_replace(code, '(^|[^0-9])0+([0-9])', '\1\2', 'g')
$$;

-- The measure's limits were Nakano's: at most 20 per policy area and the
-- circled number. The number may now run to 999; a circled code still
-- ends in the circle of its number; the code follows its plan's format.
DO $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT conname FROM pg_constraint
	         WHERE conrelid = 'measure'::regclass AND contype = 'c'
	           AND (pg_get_constraintdef(oid) LIKE '%9311%' OR conname IN ('measure_code_check', 'measure_number_check'))
	LOOP
		EXECUTE format('ALTER TABLE measure DROP CONSTRAINT %I', c.conname);
	END LOOP;
END
$$;
ALTER TABLE measure
	ADD CONSTRAINT measure_number_check CHECK (number BETWEEN 1 AND 999),
	ADD CONSTRAINT measure_code_check CHECK (NOT app_blank(code) AND length(code) <= 30),
	ADD CONSTRAINT measure_circled CHECK (code !~ '[①-⑳]$' OR substr(code, length(code)) = chr(9311 + number));
ALTER TABLE goal DROP CONSTRAINT goal_number_check,
	ADD CONSTRAINT goal_number_check CHECK (number BETWEEN 1 AND 99);

-- The coded level of a scheme: its name, pattern and description.
CREATE FUNCTION scheme_code_level(sid integer) RETURNS scheme_level LANGUAGE sql STABLE AS $$
	SELECT * FROM scheme_level WHERE scheme_id = sid AND code_pattern IS NOT NULL
$$;

CREATE FUNCTION measure_code_format() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	l scheme_level := scheme_code_level((SELECT scheme_id FROM plan WHERE id = NEW.plan_id));
BEGIN
	IF l.code_pattern IS NULL OR NEW.code ~ l.code_pattern THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION '%のコード「%」の形式が正しくありません（%）。', l.name, NEW.code, l.code_description
		USING ERRCODE = 'check_violation', CONSTRAINT = 'measure_code_format',
		      TABLE = 'measure', COLUMN = 'code';
END
$$;
CREATE TRIGGER code_format BEFORE INSERT OR UPDATE OF code, plan_id ON measure
	FOR EACH ROW EXECUTE FUNCTION measure_code_format();

-- ---------------------------------------------------------------- grades

-- The achievement of indicator iid in fiscal year fy: the actual of that
-- year over the target of that year, else over the last target; and the
-- grade of the plan's scale whose min_rate it reaches (the highest such).
-- NULL grade when the scale has no thresholds or a figure is missing.
CREATE FUNCTION indicator_grade(iid integer, fy integer, OUT rate numeric, OUT grade text, OUT mark text)
LANGUAGE sql STABLE AS $$
	WITH a AS (SELECT value FROM indicator_value
	           WHERE indicator_id = iid AND fiscal_year = fy AND kind = 'actual'),
	     t AS (SELECT value FROM indicator_value
	           WHERE indicator_id = iid AND kind = 'target' AND value IS NOT NULL
	           ORDER BY fiscal_year = fy DESC, fiscal_year DESC LIMIT 1),
	     r AS (SELECT round(a.value * 100 / t.value, 1) AS rate FROM a, t WHERE t.value <> 0)
	SELECT r.rate, s.key, s.mark
	FROM r LEFT JOIN LATERAL (
		SELECT s.key, s.mark FROM progress_status s
		JOIN plan p ON p.scheme_id = s.scheme_id JOIN indicator i ON i.plan_id = p.id
		WHERE i.id = iid AND s.min_rate IS NOT NULL AND r.rate >= s.min_rate
		ORDER BY s.min_rate DESC LIMIT 1) s ON true
$$;

-- ---------------------------------------------------------------- the definition as JSON

-- {id, name, scale_name, levels: [{depth, name, code_pattern?, code_description?}],
--  scale: [{key, mark, short, label, reason_required, counts_as_late, min_rate, position}],
--  fixed} of scheme sid; fixed: a plan using it has yearly records (a plan's
--  own view of it says whether that plan has: see src/db/plan.c).
CREATE FUNCTION scheme_json(sid integer) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', sc.id, 'name', sc.name, 'scale_name', sc.scale_name,
		'levels', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('depth', l.depth, 'name', l.name,
		             'code_pattern', l.code_pattern, 'code_description', l.code_description))
		           ORDER BY l.depth) FROM scheme_level l WHERE l.scheme_id = sc.id),
		'scale', (SELECT jsonb_agg(jsonb_build_object('key', s.key, 'mark', s.mark, 'short', s.short,
		            'label', s.label, 'reason_required', s.reason_required,
		            'counts_as_late', s.counts_as_late, 'min_rate', s.min_rate, 'position', s.position)
		          ORDER BY s.position) FROM progress_status s WHERE s.scheme_id = sc.id),
		'fixed', scheme_in_use(sc.id))
	FROM scheme sc WHERE sc.id = sid
$$;

-- ---------------------------------------------------------------- defining one

-- A refusal of a definition, naming its field.
CREATE FUNCTION scheme_refuse(field text, msg text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation', CONSTRAINT = 'scheme_' || field,
		TABLE = 'scheme', COLUMN = field;
END
$$;

-- Writes definition def (the shape of scheme_json, without ids) as a new
-- scheme and returns its id. Used by the import (as the owner) and by
-- plan_scheme_define (the API).
CREATE FUNCTION scheme_create(def jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	sid integer;
	l jsonb;
	i integer := 0;
BEGIN
	IF jsonb_typeof(def) IS DISTINCT FROM 'object' THEN
		PERFORM scheme_refuse('name', '定義は JSON のオブジェクトで指定してください。');
	END IF;
	IF jsonb_typeof(def -> 'levels') IS DISTINCT FROM 'array' THEN
		PERFORM scheme_refuse('levels', '階層を配列で指定してください。');
	END IF;
	IF jsonb_typeof(def -> 'scale') IS DISTINCT FROM 'array' OR jsonb_array_length(def -> 'scale') = 0 THEN
		PERFORM scheme_refuse('scale', '評価の区分を一つ以上、配列で指定してください。');
	END IF;
	INSERT INTO scheme (name, scale_name)
	VALUES (coalesce(def ->> 'name', ''), coalesce(def ->> 'scale_name', '進捗状況'))
	RETURNING id INTO sid;
	FOR l IN SELECT * FROM jsonb_array_elements(def -> 'levels') LOOP
		i := i + 1;
		IF i > 4 THEN
			PERFORM scheme_refuse('levels', '階層は 2 から 4 までです。');
		END IF;
		IF jsonb_typeof(l) IS DISTINCT FROM 'object' THEN
			PERFORM scheme_refuse('levels', format('階層の %s 番目を {"name": …} の形で指定してください。', i));
		END IF;
		INSERT INTO scheme_level (scheme_id, depth, name, code_pattern, code_description)
		VALUES (sid, i, coalesce(l ->> 'name', ''), l ->> 'code_pattern', l ->> 'code_description');
	END LOOP;
	i := 0;
	FOR l IN SELECT * FROM jsonb_array_elements(def -> 'scale') LOOP
		i := i + 1;
		IF jsonb_typeof(l) IS DISTINCT FROM 'object' OR jsonb_typeof(l -> 'key') IS DISTINCT FROM 'string'
		   OR jsonb_typeof(l -> 'mark') IS DISTINCT FROM 'string' THEN
			PERFORM scheme_refuse('scale', format('評価の区分の %s 番目に、キーと記号を文字で指定してください。', i));
		END IF;
		IF coalesce(jsonb_typeof(l -> 'reason_required'), 'boolean') NOT IN ('boolean', 'null')
		   OR coalesce(jsonb_typeof(l -> 'counts_as_late'), 'boolean') NOT IN ('boolean', 'null')
		   OR coalesce(jsonb_typeof(l -> 'min_rate'), 'null') NOT IN ('number', 'null') THEN
			PERFORM scheme_refuse('scale', format('評価の区分の %s 番目：「理由が必要」と「遅れとして数える」は真か偽、しきい値は数で指定してください。', i));
		END IF;
		INSERT INTO progress_status (scheme_id, key, mark, short, label, position, reason_required,
		                             counts_as_late, min_rate)
		VALUES (sid, l ->> 'key', l ->> 'mark', coalesce(nullif(l ->> 'short', ''), l ->> 'mark'),
		        coalesce(nullif(l ->> 'label', ''), nullif(l ->> 'short', ''), l ->> 'mark'), i,
		        coalesce((l ->> 'reason_required')::boolean, false),
		        coalesce((l ->> 'counts_as_late')::boolean, false), (l ->> 'min_rate')::numeric);
	END LOOP;
	RETURN sid;
END
$$;

-- An admin gives draft plan pid the definition def: a new scheme, the
-- plan's own, whose id it returns (NULL: no such plan). The one it leaves
-- is removed first when no other plan uses it (never scheme 1), so that
-- the new one may reuse its keys. Refused: not an admin (42501), not a
-- draft (SHDRF), yearly records (SHSFX), a bad definition (23514 naming
-- the field), a key another scheme uses (23505).
CREATE FUNCTION plan_scheme_define(pid integer, def jsonb) RETURNS integer
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	old integer;
	sid integer;
BEGIN
	IF NOT app_acting_admin() THEN
		RAISE EXCEPTION 'admins only' USING ERRCODE = 'insufficient_privilege';
	END IF;
	SELECT scheme_id INTO old FROM plan WHERE id = pid FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	PERFORM drafting_editable(pid);
	IF plan_has_records(pid) THEN
		RAISE EXCEPTION '年度の記録がある計画の階層・コードの形式・評価の区分は変更できません（変更は移行作業で行います）。'
			USING ERRCODE = 'SHSFX', CONSTRAINT = 'scheme_fixed';
	END IF;
	IF old <> 1 AND NOT EXISTS (SELECT 1 FROM plan WHERE scheme_id = old AND id <> pid) THEN
		UPDATE plan SET scheme_id = 1 WHERE id = pid;
		DELETE FROM scheme WHERE id = old;
	END IF;
	sid := scheme_create(def);
	UPDATE plan SET scheme_id = sid, version = version + 1, updated_at = now() WHERE id = pid;
	-- The plan's measures keep to the new format (the trigger judges each).
	UPDATE measure SET code = code WHERE plan_id = pid;
	RETURN sid;
END
$$;

-- ---------------------------------------------------------------- audit, rights

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON scheme FOR EACH ROW EXECUTE FUNCTION audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON scheme_level FOR EACH ROW EXECUTE FUNCTION audit_row('scheme_id', 'depth');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON progress_status FOR EACH ROW EXECUTE FUNCTION audit_row('key');

GRANT SELECT ON scheme, scheme_level TO shinchoku_app;
GRANT EXECUTE ON FUNCTION plan_scheme_define(integer, jsonb), scheme_json(integer),
	indicator_grade(integer, integer), scheme_in_use(integer), activity_scheme(integer), plan_has_records(integer),
	code_number(text), scheme_code_level(integer) TO shinchoku_app;
REVOKE EXECUTE ON FUNCTION scheme_create(jsonb) FROM PUBLIC;

-- ---------------------------------------------------------------- terms of a report

-- The words a plan's report and files use: the coded level (取組), the
-- reported row's level (実施内容) and the scale's heading (進捗状況). A
-- missing plan speaks Nakano's (scheme 1).
CREATE FUNCTION plan_terms(pid integer, OUT coded text, OUT row_level text, OUT scale_name text)
LANGUAGE sql STABLE AS $$
	WITH s AS (SELECT coalesce((SELECT scheme_id FROM plan WHERE id = pid), 1) AS id)
	SELECT (SELECT l.name FROM scheme_level l WHERE l.scheme_id = s.id AND l.code_pattern IS NOT NULL),
	       (SELECT l.name FROM scheme_level l WHERE l.scheme_id = s.id ORDER BY l.depth DESC LIMIT 1),
	       (SELECT sc.scale_name FROM scheme sc WHERE sc.id = s.id)
	FROM s
$$;
GRANT EXECUTE ON FUNCTION plan_terms(integer) TO shinchoku_app;

-- ---------------------------------------------------------------- the draft's codes

-- The n-th number of a code (1-2-11: 1, 2, 11), or NULL.
CREATE FUNCTION code_part(code text, n integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT r.m[1]::integer FROM regexp_matches(code, '([0-9]+)', 'g') WITH ORDINALITY AS r(m, i)
	WHERE r.i = n
$$;

-- As 010's, for any format whose first number is the goal's.
CREATE OR REPLACE FUNCTION drafting_goal_of(pid integer, code text) RETURNS integer
	LANGUAGE plpgsql STABLE SET search_path = public AS $$
DECLARE
	gid integer;
	n integer := code_part(code, 1);
BEGIN
	SELECT g.id INTO gid FROM goal g WHERE g.plan_id = pid AND g.number = n;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'コード %の目標（目標%）がこの計画にありません。先に目標を作成してください。',
			code, coalesce(n::text, '？')
			USING ERRCODE = 'check_violation', CONSTRAINT = 'measure_goal_missing',
			      TABLE = 'measure', COLUMN = 'code';
	END IF;
	RETURN gid;
END
$$;
GRANT EXECUTE ON FUNCTION code_part(text, integer) TO shinchoku_app;

-- ---------------------------------------------------------------- the reason rule

-- As 006's, in the words of the plan's scale (進捗状況, 達成度).
CREATE OR REPLACE FUNCTION status_request_reason() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	s progress_status;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.to_status IS NOT DISTINCT FROM OLD.to_status
	   AND NEW.reason IS NOT DISTINCT FROM OLD.reason THEN
		RETURN NEW;
	END IF;
	SELECT * INTO s FROM progress_status WHERE key = NEW.to_status;
	IF s.reason_required AND app_blank(NEW.reason) THEN
		RAISE EXCEPTION '%を「%」にするときは、理由を入力してください。',
			(SELECT scale_name FROM scheme WHERE id = s.scheme_id), s.mark
			USING ERRCODE = 'check_violation', CONSTRAINT = 'status_request_reason',
			      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'reason';
	END IF;
	RETURN NEW;
END
$$;

-- ---------------------------------------------------------------- the data version

-- The new tables are read by answers (sql/011's cache keeps them fresh).
DO $$
BEGIN
	IF to_regproc('data_version_watch') IS NOT NULL THEN
		PERFORM data_version_watch('scheme');
		PERFORM data_version_watch('scheme_level');
	END IF;
END
$$;

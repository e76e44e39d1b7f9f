-- Issue 15, continued: a scale level is known by its scheme and its key,
-- and a scheme may have two scales.
--
--   * (scheme_id, key) is the identity of a level of progress_status: two
--     plans may both use the key "a" or "done", each checked against its
--     own scale. activity_year and status_request carry the scheme of
--     their activity's plan (filled by a trigger, fixed with the plan's
--     scheme once it has yearly records: sql/014), and their foreign keys
--     name (scheme_id, key).
--   * A scheme has one scale (Nakano's ◎○△×: 進捗状況) or two, ordered,
--     such as 実施状況 (未着手/取組中/完了) and 達成度 (未達成/一部達成/
--     達成). Each level says its scale (1 or 2); keys stay unique within a
--     scheme across its scales, so a key alone says which scale a request
--     moves. A yearly record holds one value per scale: status (the first,
--     as before) and status2 (the second). A request moves one scale's value,
--     with the approval rule of that scale's level (a reason where it says).
--   * Two, not any number: each scale is a column that the list, the
--     report and the files read as they read status; a third would be a
--     further column, not a change of design.
-- Nakano's data and behaviour stay exactly as they were: its levels are
-- scale 1 of scheme 1, its records' status2 is NULL.

-- The checks that 014 deferred to the commit run now: a table with
-- pending trigger events cannot be altered (a new database runs every
-- migration in one transaction).
SET CONSTRAINTS ALL IMMEDIATE;

-- ---------------------------------------------------------------- scales

ALTER TABLE scheme
	ADD COLUMN scale2_name text
	CONSTRAINT scheme_scale2_name CHECK (scale2_name IS NULL OR (NOT app_blank(scale2_name)
	                                                            AND length(scale2_name) <= 20));

ALTER TABLE progress_status
	ADD COLUMN scale smallint NOT NULL DEFAULT 1 CONSTRAINT progress_status_scale CHECK (scale IN (1, 2)),
	DROP CONSTRAINT progress_status_mark_once,
	DROP CONSTRAINT progress_status_position_once,
	DROP CONSTRAINT progress_status_short_once,
	ADD CONSTRAINT progress_status_mark_once UNIQUE (scheme_id, scale, mark),
	ADD CONSTRAINT progress_status_position_once UNIQUE (scheme_id, scale, position),
	ADD CONSTRAINT progress_status_short_once UNIQUE (scheme_id, scale, short);

-- ---------------------------------------------------------------- (scheme, key)

ALTER TABLE activity_year
	DROP CONSTRAINT activity_year_status_fkey,
	ADD COLUMN scheme_id integer,
	ADD COLUMN status2 text;
ALTER TABLE status_request
	DROP CONSTRAINT status_request_from_status_fkey,
	DROP CONSTRAINT status_request_to_status_fkey,
	ADD COLUMN scheme_id integer,
	ADD COLUMN scale smallint NOT NULL DEFAULT 1 CHECK (scale IN (1, 2));

-- The existing rows get their plan's scheme without an audit row or a
-- guard's judgement: nothing a user did changed.
ALTER TABLE activity_year DISABLE TRIGGER USER;
UPDATE activity_year y SET scheme_id = p.scheme_id
FROM activity a JOIN plan p ON p.id = a.plan_id WHERE a.id = y.activity_id;
ALTER TABLE activity_year ENABLE TRIGGER USER;
ALTER TABLE status_request DISABLE TRIGGER USER;
UPDATE status_request r SET scheme_id = p.scheme_id
FROM activity a JOIN plan p ON p.id = a.plan_id WHERE a.id = r.activity_id;
ALTER TABLE status_request ENABLE TRIGGER USER;

ALTER TABLE progress_status DROP CONSTRAINT progress_status_pkey,
	ADD CONSTRAINT progress_status_pkey PRIMARY KEY (scheme_id, key);
ALTER TABLE activity_year ALTER COLUMN scheme_id SET NOT NULL,
	ADD CONSTRAINT activity_year_status_fkey FOREIGN KEY (scheme_id, status)
		REFERENCES progress_status (scheme_id, key),
	ADD CONSTRAINT activity_year_status2_fkey FOREIGN KEY (scheme_id, status2)
		REFERENCES progress_status (scheme_id, key);
ALTER TABLE status_request ALTER COLUMN scheme_id SET NOT NULL,
	ADD CONSTRAINT status_request_from_status_fkey FOREIGN KEY (scheme_id, from_status)
		REFERENCES progress_status (scheme_id, key),
	ADD CONSTRAINT status_request_to_status_fkey FOREIGN KEY (scheme_id, to_status)
		REFERENCES progress_status (scheme_id, key);

-- One pending request per record and scale (one scale: as before).
DROP INDEX status_request_one_pending;
CREATE UNIQUE INDEX status_request_one_pending ON status_request (activity_id, fiscal_year, scale)
	WHERE state = 'pending';

-- The summary counts a year's records by both values at once.
CREATE INDEX activity_year_fy2_idx ON activity_year (fiscal_year, status, status2)
	WHERE status2 IS NOT NULL;

-- A record and a request take their activity's scheme; a request, the
-- scale of the level it moves to. Named so that it runs before
-- status_in_scheme and status_request_reason (triggers fire by name).
CREATE FUNCTION scheme_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.scheme_id := coalesce(activity_scheme(NEW.activity_id), NEW.scheme_id);
	IF TG_TABLE_NAME = 'status_request' THEN
		NEW.scale := coalesce((SELECT s.scale FROM progress_status s
		                       WHERE s.scheme_id = NEW.scheme_id AND s.key = NEW.to_status), 1);
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER scheme_fill BEFORE INSERT ON activity_year
	FOR EACH ROW EXECUTE FUNCTION scheme_fill();
CREATE TRIGGER scheme_fill BEFORE INSERT OR UPDATE OF to_status ON status_request
	FOR EACH ROW EXECUTE FUNCTION scheme_fill();

-- A value is a level of its plan's scheme and of its scale: status of the
-- first, status2 of the second (which a scheme of one scale has not).
CREATE FUNCTION status_scale_refuse(st text, sid integer, sc integer, tbl text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	name text := (SELECT CASE sc WHEN 2 THEN coalesce(scale2_name, '二つ目の評価') ELSE scale_name END
	              FROM scheme WHERE id = sid);
	marks text := (SELECT coalesce(string_agg(s.mark, '・' ORDER BY s.position), 'なし')
	               FROM progress_status s WHERE s.scheme_id = sid AND s.scale = sc);
BEGIN
	RAISE EXCEPTION '「%」はこの計画の%の区分（%）にありません。', st, name, marks
		USING ERRCODE = 'check_violation',
		      CONSTRAINT = CASE WHEN sc = 2 AND tbl = 'activity_year' THEN 'status2_in_scheme'
		                        ELSE 'status_in_scheme' END,
		      TABLE = tbl, COLUMN = CASE WHEN sc = 2 AND tbl = 'activity_year' THEN 'status2' ELSE 'status' END;
END
$$;

CREATE OR REPLACE FUNCTION status_in_scheme() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r jsonb := to_jsonb(NEW);
	sid integer := coalesce((r ->> 'scheme_id')::integer, activity_scheme((r ->> 'activity_id')::integer));
	st text;
	sc integer;
BEGIN
	IF sid IS NULL THEN
		RETURN NEW;
	END IF;
	FOREACH sc IN ARRAY ARRAY[1, 2] LOOP
		st := CASE WHEN TG_TABLE_NAME = 'activity_year'
		           THEN r ->> CASE sc WHEN 1 THEN 'status' ELSE 'status2' END
		           WHEN sc = 1 THEN r ->> 'to_status' END;
		IF st IS NOT NULL AND NOT EXISTS (
		       SELECT 1 FROM progress_status s WHERE s.scheme_id = sid AND s.key = st
		       AND (TG_TABLE_NAME = 'status_request' OR s.scale = sc)) THEN
			PERFORM status_scale_refuse(st, sid, sc, TG_TABLE_NAME);
		END IF;
	END LOOP;
	RETURN NEW;
END
$$;
DROP TRIGGER status_in_scheme ON activity_year;
CREATE TRIGGER status_in_scheme BEFORE INSERT OR UPDATE OF status, status2 ON activity_year
	FOR EACH ROW EXECUTE FUNCTION status_in_scheme();

-- As 014's, the level of the request's own scheme.
CREATE OR REPLACE FUNCTION status_request_reason() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	s progress_status;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.to_status IS NOT DISTINCT FROM OLD.to_status
	   AND NEW.reason IS NOT DISTINCT FROM OLD.reason THEN
		RETURN NEW;
	END IF;
	SELECT * INTO s FROM progress_status WHERE scheme_id = NEW.scheme_id AND key = NEW.to_status;
	IF s.reason_required AND app_blank(NEW.reason) THEN
		RAISE EXCEPTION '%を「%」にするときは、理由を入力してください。',
			(SELECT CASE s.scale WHEN 2 THEN scale2_name ELSE scale_name END FROM scheme WHERE id = s.scheme_id),
			s.mark
			USING ERRCODE = 'check_violation', CONSTRAINT = 'status_request_reason',
			      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'reason';
	END IF;
	RETURN NEW;
END
$$;

-- As 002's: through the API either value changes only by an approval of
-- a request for its scale decided in the same transaction.
CREATE OR REPLACE FUNCTION activity_year_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	sc integer;
	v text;
	was text;
BEGIN
	IF current_setting('app.channel', true) IS DISTINCT FROM 'api' THEN
		RETURN NEW;
	END IF;
	FOREACH sc IN ARRAY ARRAY[1, 2] LOOP
		IF sc = 1 THEN
			v := NEW.status;
			was := OLD.status;
		ELSE
			v := NEW.status2;
			was := OLD.status2;
		END IF;
		IF v IS DISTINCT FROM was AND NOT EXISTS (SELECT 1 FROM status_request r
		                   WHERE r.activity_id = NEW.activity_id AND r.fiscal_year = NEW.fiscal_year
		                     AND r.state = 'approved' AND r.decided_at = now()
		                     AND r.scale = sc AND r.to_status = v) THEN
			RAISE EXCEPTION 'a status changes only through an approved request'
				USING ERRCODE = 'insufficient_privilege';
		END IF;
	END LOOP;
	RETURN NEW;
END
$$;

GRANT UPDATE (status2) ON activity_year TO shinchoku_app;

-- ---------------------------------------------------------------- the definition

-- At commit, as 014's, and: the levels of a second scale exactly when the
-- scheme names one.
CREATE FUNCTION scheme_scales_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
	sid integer := coalesce(r ->> 'scheme_id', r ->> 'id')::integer;
	two boolean;
BEGIN
	SELECT scale2_name IS NOT NULL INTO two FROM scheme WHERE id = sid;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF two <> EXISTS (SELECT 1 FROM progress_status WHERE scheme_id = sid AND scale = 2) THEN
		RAISE EXCEPTION '二つ目の評価には、名前と一つ以上の区分を指定してください。'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'scheme_scale',
			      TABLE = 'progress_status', COLUMN = 'scales';
	END IF;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER scales_check AFTER INSERT OR UPDATE ON scheme
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION scheme_scales_check();
CREATE CONSTRAINT TRIGGER scales_check AFTER INSERT OR UPDATE OR DELETE ON progress_status
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION scheme_scales_check();

DROP TRIGGER audit ON progress_status;
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON progress_status
	FOR EACH ROW EXECUTE FUNCTION audit_row('scheme_id', 'key');

-- As 014's, with scales: [{scale, name}] and each level's scale. "scale"
-- and "scale_name" stay the first scale's.
CREATE OR REPLACE FUNCTION scheme_json(sid integer) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', sc.id, 'name', sc.name, 'scale_name', sc.scale_name,
		'scale2_name', sc.scale2_name,
		'scales', jsonb_build_array(jsonb_build_object('scale', 1, 'name', sc.scale_name))
		          || CASE WHEN sc.scale2_name IS NOT NULL
		             THEN jsonb_build_array(jsonb_build_object('scale', 2, 'name', sc.scale2_name))
		             ELSE '[]' END,
		'levels', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('depth', l.depth, 'name', l.name,
		             'code_pattern', l.code_pattern, 'code_description', l.code_description))
		           ORDER BY l.depth) FROM scheme_level l WHERE l.scheme_id = sc.id),
		'scale', (SELECT jsonb_agg(jsonb_build_object('key', s.key, 'mark', s.mark, 'short', s.short,
		            'label', s.label, 'reason_required', s.reason_required,
		            'counts_as_late', s.counts_as_late, 'min_rate', s.min_rate, 'position', s.position)
		          ORDER BY s.position) FROM progress_status s WHERE s.scheme_id = sc.id AND s.scale = 1),
		'scale2', (SELECT jsonb_agg(jsonb_build_object('key', s.key, 'mark', s.mark, 'short', s.short,
		            'label', s.label, 'reason_required', s.reason_required,
		            'counts_as_late', s.counts_as_late, 'min_rate', s.min_rate, 'position', s.position)
		          ORDER BY s.position) FROM progress_status s WHERE s.scheme_id = sc.id AND s.scale = 2),
		'fixed', scheme_in_use(sc.id))
	FROM scheme sc WHERE sc.id = sid
$$;

-- The levels l (an array) of scale sc of scheme sid, in their order.
CREATE FUNCTION scheme_scale_create(sid integer, sc integer, levels jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	l jsonb;
	i integer := 0;
BEGIN
	IF jsonb_typeof(levels) IS DISTINCT FROM 'array' OR jsonb_array_length(levels) = 0 THEN
		PERFORM scheme_refuse('scale', '評価の区分を一つ以上、配列で指定してください。');
	END IF;
	FOR l IN SELECT * FROM jsonb_array_elements(levels) LOOP
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
		INSERT INTO progress_status (scheme_id, scale, key, mark, short, label, position, reason_required,
		                             counts_as_late, min_rate)
		VALUES (sid, sc, l ->> 'key', l ->> 'mark', coalesce(nullif(l ->> 'short', ''), l ->> 'mark'),
		        coalesce(nullif(l ->> 'label', ''), nullif(l ->> 'short', ''), l ->> 'mark'), i,
		        coalesce((l ->> 'reason_required')::boolean, false),
		        coalesce((l ->> 'counts_as_late')::boolean, false), (l ->> 'min_rate')::numeric);
	END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION scheme_scale_create(integer, integer, jsonb) FROM PUBLIC;

-- As 014's; the scales as "scale_name" and "scale", with "scale2_name" and
-- "scale2" for a second (scheme_json's shape), or as "scales":
-- [{"name", "levels": [...]}, …] (one or two, in their order).
CREATE OR REPLACE FUNCTION scheme_create(def jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	sid integer;
	l jsonb;
	i integer := 0;
	scales jsonb;
BEGIN
	IF jsonb_typeof(def) IS DISTINCT FROM 'object' THEN
		PERFORM scheme_refuse('name', '定義は JSON のオブジェクトで指定してください。');
	END IF;
	IF jsonb_typeof(def -> 'levels') IS DISTINCT FROM 'array' THEN
		PERFORM scheme_refuse('levels', '階層を配列で指定してください。');
	END IF;
	scales := CASE WHEN def ? 'scales' AND jsonb_typeof(def -> 'scales' -> 0 -> 'levels') = 'array'
	               THEN def -> 'scales'
	               ELSE jsonb_build_array(jsonb_build_object('name', coalesce(def ->> 'scale_name', '進捗状況'),
	                                                         'levels', def -> 'scale'))
	                    || CASE WHEN def ? 'scale2' OR def ? 'scale2_name'
	                       THEN jsonb_build_array(jsonb_build_object('name', coalesce(def ->> 'scale2_name', ''),
	                                                                 'levels', def -> 'scale2'))
	                       ELSE '[]' END END;
	IF jsonb_typeof(scales) IS DISTINCT FROM 'array' OR jsonb_array_length(scales) NOT IN (1, 2)
	   OR EXISTS (SELECT 1 FROM jsonb_array_elements(scales) x WHERE jsonb_typeof(x) <> 'object') THEN
		PERFORM scheme_refuse('scales', '評価は一つか二つ、{"name": …, "levels": […]} の配列で指定してください。');
	END IF;
	INSERT INTO scheme (name, scale_name, scale2_name)
	VALUES (coalesce(def ->> 'name', ''), coalesce(scales -> 0 ->> 'name', '進捗状況'),
	        CASE WHEN jsonb_array_length(scales) = 2 THEN coalesce(scales -> 1 ->> 'name', '') END)
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
	FOR i IN 1 .. jsonb_array_length(scales) LOOP
		PERFORM scheme_scale_create(sid, i, scales -> (i - 1) -> 'levels');
	END LOOP;
	RETURN sid;
END
$$;

-- As 014's, with the second scale's name (NULL: one scale).
DROP FUNCTION plan_terms(integer);
CREATE FUNCTION plan_terms(pid integer, OUT coded text, OUT row_level text, OUT scale_name text,
                                      OUT scale2_name text)
LANGUAGE sql STABLE AS $$
	WITH s AS (SELECT coalesce((SELECT scheme_id FROM plan WHERE id = pid), 1) AS id)
	SELECT (SELECT l.name FROM scheme_level l WHERE l.scheme_id = s.id AND l.code_pattern IS NOT NULL),
	       (SELECT l.name FROM scheme_level l WHERE l.scheme_id = s.id ORDER BY l.depth DESC LIMIT 1),
	       (SELECT sc.scale_name FROM scheme sc WHERE sc.id = s.id),
	       (SELECT sc.scale2_name FROM scheme sc WHERE sc.id = s.id)
	FROM s
$$;
GRANT EXECUTE ON FUNCTION plan_terms(integer) TO shinchoku_app;

-- ---------------------------------------------------------------- the appendix

-- The second scale's value of each row (NULL and '' for a plan of one
-- scale, a re-listed row, and a snapshot taken before this migration).
ALTER TYPE report_row ADD ATTRIBUTE status2 text, ADD ATTRIBUTE status2_mark text;

-- As 003's, the levels of the plan's own scheme, and status2.
CREATE OR REPLACE FUNCTION report_appendix(fy integer, plan_id integer)
RETURNS SETOF report_row
LANGUAGE sql STABLE AS $$
	WITH p AS (SELECT report_plan(fy, report_appendix.plan_id) AS id)
	SELECT row_number() OVER (ORDER BY g.number, m.policy, m.number, pl.position),
	       g.number, m.id, m.code, m.name, coalesce(pl.label, a.name),
	       CASE WHEN pl.relisted THEN NULL ELSE y.status END,
	       CASE WHEN pl.relisted THEN '' ELSE coalesce(s.mark, '') END,
	       CASE WHEN pl.relisted THEN '' ELSE coalesce(y.change_reason, '') END,
	       CASE WHEN pl.relisted THEN '' ELSE coalesce(py.result, '') END,
	       CASE WHEN pl.relisted THEN '' ELSE coalesce(y.result, '') END,
	       CASE WHEN pl.relisted THEN '' ELSE coalesce(y.plan_next, '') END,
	       CASE WHEN pl.show_departments THEN
	         (SELECT coalesce(string_agg(d.name, '、' ORDER BY ad.position), '')
	          FROM activity_department ad JOIN department d ON d.id = ad.department_id
	          WHERE ad.activity_id = a.id)
	       ELSE '' END,
	       pl.relisted, CASE WHEN pl.relisted THEN hm.code END,
	       a.id, CASE WHEN pl.relisted THEN NULL ELSE y.version END,
	       CASE WHEN pl.relisted THEN NULL ELSE y.status2 END,
	       CASE WHEN pl.relisted THEN '' ELSE coalesce(s2.mark, '') END
	FROM p JOIN measure m ON m.plan_id = p.id JOIN goal g ON g.id = m.goal_id
	JOIN placement pl ON pl.measure_id = m.id JOIN activity a ON a.id = pl.activity_id
	JOIN measure hm ON hm.id = a.measure_id
	LEFT JOIN activity_year y ON y.activity_id = a.id AND y.fiscal_year = fy
	LEFT JOIN activity_year py ON py.activity_id = a.id AND py.fiscal_year = fy - 1
	LEFT JOIN progress_status s ON s.scheme_id = y.scheme_id AND s.key = y.status
	LEFT JOIN progress_status s2 ON s2.scheme_id = y.scheme_id AND s2.key = y.status2
	ORDER BY 1
$$;

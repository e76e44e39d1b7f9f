-- One definition of each rule (the issue "one definition of each rule"):
--   * the progress statuses (◎○△×): their marks, the legend, the list's short
--     text and whether a move to them needs a reason, read by C (GET
--     /api/statuses) and by the pages from progress_status only;
--   * what "blank" means: app_blank(), used by every rule that wants text;
--   * the Japanese name of a fiscal year: fiscal_era(), also in the message
--     of a locked year.

-- ---------------------------------------------------------------- blank

-- True when s is NULL or holds only white space. The set is written out
-- rather than [[:space:]], whose meaning follows the cluster's locale (under
-- C.UTF-8 it leaves out U+00A0, U+202F and U+FEFF; under C every non-ASCII
-- character): it is the set of JavaScript's \s, which www/dom.js isBlank()
-- uses, so that the page and the database agree on every input. It holds
-- the ideographic space U+3000 that Japanese input methods type.
CREATE FUNCTION app_blank(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT s IS NULL
	    OR s ~ '^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$'
$$;

-- The other "not blank" checks say the same. Existing rows are checked: a
-- text of only ideographic spaces stops the migration, naming the rule.
ALTER TABLE department DROP CONSTRAINT department_name_check,
	ADD CONSTRAINT department_name_check CHECK (NOT app_blank(name) AND length(name) <= 100);
ALTER TABLE plan DROP CONSTRAINT plan_title_check,
	ADD CONSTRAINT plan_title_check CHECK (NOT app_blank(title) AND length(title) <= 200);
ALTER TABLE goal DROP CONSTRAINT goal_title_check,
	ADD CONSTRAINT goal_title_check CHECK (NOT app_blank(title) AND length(title) <= 500);
ALTER TABLE measure DROP CONSTRAINT measure_name_check,
	ADD CONSTRAINT measure_name_check CHECK (NOT app_blank(name) AND length(name) <= 500);
ALTER TABLE activity DROP CONSTRAINT activity_name_check,
	ADD CONSTRAINT activity_name_check CHECK (NOT app_blank(name) AND length(name) <= 500);
ALTER TABLE placement DROP CONSTRAINT placement_label_check,
	ADD CONSTRAINT placement_label_check
		CHECK (label IS NULL OR (NOT app_blank(label) AND length(label) <= 500));
ALTER TABLE footnote DROP CONSTRAINT footnote_body_check,
	ADD CONSTRAINT footnote_body_check CHECK (NOT app_blank(body));
ALTER TABLE indicator DROP CONSTRAINT indicator_name_check,
	ADD CONSTRAINT indicator_name_check CHECK (NOT app_blank(name) AND length(name) <= 500);
ALTER TABLE indicator_value DROP CONSTRAINT indicator_value_value_text_check,
	ADD CONSTRAINT indicator_value_value_text_check
		CHECK (NOT app_blank(value_text) AND length(value_text) <= 100);
ALTER TABLE milestone DROP CONSTRAINT milestone_title_check,
	ADD CONSTRAINT milestone_title_check CHECK (NOT app_blank(title) AND length(title) <= 200);
ALTER TABLE app_user DROP CONSTRAINT app_user_display_name_check,
	ADD CONSTRAINT app_user_display_name_check
		CHECK (NOT app_blank(display_name) AND length(display_name) <= 100);

-- ---------------------------------------------------------------- statuses

-- short: the text of the list and its filter (予定どおり), beside the mark;
-- label stays the legend as the report prints it. reason_required: a move
-- to this status needs a reason (△ and ×).
ALTER TABLE progress_status
	ADD COLUMN short text,
	ADD COLUMN reason_required boolean NOT NULL DEFAULT false,
	DROP CONSTRAINT progress_status_label_check,
	ADD CONSTRAINT progress_status_label_check CHECK (NOT app_blank(label));

UPDATE progress_status s SET short = v.short, reason_required = v.reason_required
FROM (VALUES ('exceeded', '予定を上回る', false),
             ('on_schedule', '予定どおり', false),
             ('delayed', '予定より遅れ', true),
             ('not_started', '未着手', true)) AS v (key, short, reason_required)
WHERE s.key = v.key;

ALTER TABLE progress_status
	ALTER COLUMN short SET NOT NULL,
	ADD CONSTRAINT progress_status_short_check CHECK (NOT app_blank(short) AND length(short) <= 20),
	ADD CONSTRAINT progress_status_short_key UNIQUE (short);

-- A reason is required for a move to a status that says so. A CHECK cannot
-- read progress_status, so a trigger judges it, and refuses as the CHECK it
-- replaces did: SQLSTATE 23514 with the constraint name status_request_reason
-- (and the column, reason), so that the API can name the field.
-- An update is judged only when it changes the target or the reason: a
-- decision or a withdrawal of an existing request is never refused by it.
ALTER TABLE status_request DROP CONSTRAINT status_request_reason;

CREATE FUNCTION status_request_reason() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	s progress_status;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.to_status IS NOT DISTINCT FROM OLD.to_status
	   AND NEW.reason IS NOT DISTINCT FROM OLD.reason THEN
		RETURN NEW;
	END IF;
	SELECT * INTO s FROM progress_status WHERE key = NEW.to_status;
	IF s.reason_required AND app_blank(NEW.reason) THEN
		RAISE EXCEPTION '進捗状況を「%」にするときは、理由を入力してください。', s.mark
			USING ERRCODE = 'check_violation', CONSTRAINT = 'status_request_reason',
			      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'reason';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER status_request_reason BEFORE INSERT OR UPDATE ON status_request
	FOR EACH ROW EXECUTE FUNCTION status_request_reason();

-- ---------------------------------------------------------------- eras

-- The Japanese name of a fiscal year (April to March) as the report prints
-- it: 2018 平成30年度, 2019 令和元年度, 2020 令和2年度, 2024 令和6年度. The
-- first year of an era is 元年度: 1989 is 平成元年度 (003 said 平成1年度).
-- A fiscal year before 1989 (昭和) is refused: the portal keeps 2000-2100.
CREATE OR REPLACE FUNCTION fiscal_era(fy integer) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	era text;
	n integer;
BEGIN
	IF fy >= 2019 THEN
		era := '令和';
		n := fy - 2018;
	ELSIF fy >= 1989 THEN
		era := '平成';
		n := fy - 1988;
	ELSE
		RAISE EXCEPTION '%年度は和暦（平成・令和）で表せません。', fy
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN era || CASE WHEN n = 1 THEN '元' ELSE n::text END || '年度';
END
$$;

-- A locked year's message, as the API shows it: Japanese only, the year by
-- fiscal_era(). ERRCODE stays SHLCK (the API answers 409 with this message).
-- CONSTRAINT names the rule for the paths that report a refused row by its
-- rule (the year import); DETAIL names the row for whoever reads a log.
CREATE OR REPLACE FUNCTION fiscal_year_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	fy integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.fiscal_year ELSE NEW.fiscal_year END;
BEGIN
	IF EXISTS (SELECT 1 FROM fiscal_year WHERE year = fy AND locked) THEN
		RAISE EXCEPTION '%は締め切られているため、変更できません。', fiscal_era(fy)
			USING ERRCODE = 'SHLCK', CONSTRAINT = 'fiscal_year_locked',
			      DETAIL = format('fiscal_year.year = %s, locked = true', fy);
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

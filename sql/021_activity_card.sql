-- The list's texts of an activity that do not depend on the fiscal year,
-- in one row (issue 14, the uncached list). A page of 105 activities
-- looked up, for each one, the activity, its measure, and each of its
-- departments in two indexes: about 1,000 index probes and 264 result
-- rows for one page, 1.4 ms of the statement's 1.6. The page now reads
-- one row per activity here, next to its yearly record.
--
--   * activity_card holds, per activity, its name, its measure's code and
--     name, and its departments in their order as one text: a line per
--     department, `id TAB name`, the name with backslash, tab and newline
--     written \\, \t and \n (db/activity.c reads it back). A name may
--     contain any character; the format still has one reading.
--   * Kept like activity_search and activity_rank (sql/012): triggers per
--     statement on activity, measure, activity_department and department,
--     in the writing transaction, through activity_card_sync. Derived, not
--     audited; the application only reads it. tests/integration/search
--     checks that it equals activity_card_source after the whole suite.

CREATE TABLE activity_card (
	activity_id  integer PRIMARY KEY REFERENCES activity (id) ON DELETE CASCADE,
	name         text NOT NULL,
	measure_code text NOT NULL,
	measure_name text NOT NULL,
	departments  text NOT NULL
);

-- A department's name as one field of activity_card.departments.
CREATE FUNCTION app_card_field(s text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN replace(replace(replace(s, '\', '\\'), E'\t', '\t'), E'\n', '\n');

CREATE VIEW activity_card_source AS
SELECT a.id AS activity_id, a.name, m.code AS measure_code, m.name AS measure_name,
       coalesce((SELECT string_agg(d.id || E'\t' || app_card_field(d.name), E'\n' ORDER BY ad.position)
                 FROM activity_department ad JOIN department d ON d.id = ad.department_id
                 WHERE ad.activity_id = a.id), '') AS departments
FROM activity a JOIN measure m ON m.id = a.measure_id;

-- PL/pgSQL, so that its plans stay cached for the connection (sql/020).
CREATE FUNCTION activity_card_sync(ids integer[]) RETURNS void
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	INSERT INTO activity_card AS c (activity_id, name, measure_code, measure_name, departments)
	SELECT src.activity_id, src.name, src.measure_code, src.measure_name, src.departments
	FROM activity_card_source src WHERE src.activity_id = ANY (ids)
	ON CONFLICT (activity_id) DO UPDATE
	SET name = EXCLUDED.name, measure_code = EXCLUDED.measure_code,
	    measure_name = EXCLUDED.measure_name, departments = EXCLUDED.departments
	WHERE (c.name, c.measure_code, c.measure_name, c.departments)
	      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.measure_code, EXCLUDED.measure_name,
	                        EXCLUDED.departments);
END
$$;

-- Brings the derived table target ('search', 'rank' or 'card') up to date
-- for the activities ids: the one place that maps a trigger's argument to
-- its table.
CREATE FUNCTION activity_derived_sync(target text, ids integer[]) RETURNS void
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	CASE target
	WHEN 'search' THEN PERFORM activity_search_sync(ids);
	WHEN 'rank' THEN PERFORM activity_rank_sync(ids);
	WHEN 'card' THEN PERFORM activity_card_sync(ids);
	END CASE;
END
$$;

-- The trigger functions of sql/012 find the activities a statement
-- touched, per table, and now serve every derived table: TG_ARGV[0] names
-- it, and without one they do what they did. A migration restates the
-- body of a function it replaces; only the last line of each is new.
CREATE OR REPLACE FUNCTION activity_rank_on_change() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	ids integer[];
BEGIN
	IF TG_TABLE_NAME = 'activity' THEN
		ids := ARRAY(SELECT id FROM new_rows);
	ELSIF TG_TABLE_NAME = 'measure' THEN
		ids := ARRAY(SELECT a.id FROM activity a WHERE a.measure_id IN (SELECT id FROM new_rows));
	ELSE
		ids := ARRAY(SELECT a.id FROM activity a JOIN measure m ON m.id = a.measure_id
		             WHERE m.goal_id IN (SELECT id FROM new_rows));
	END IF;
	PERFORM activity_derived_sync(coalesce(TG_ARGV[0], 'rank'), ids);
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION activity_link_on_change() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	ids integer[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY(SELECT activity_id FROM new_rows);
	ELSIF TG_OP = 'DELETE' THEN
		ids := ARRAY(SELECT activity_id FROM old_rows);
	ELSE
		ids := ARRAY(SELECT activity_id FROM new_rows UNION SELECT activity_id FROM old_rows);
	END IF;
	PERFORM activity_derived_sync(TG_ARGV[0], ids);
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION activity_search_on_department() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM activity_derived_sync(coalesce(TG_ARGV[0], 'search'),
	                              ARRAY(SELECT ad.activity_id FROM activity_department ad
	                                    WHERE ad.department_id IN (SELECT id FROM new_rows)));
	RETURN NULL;
END
$$;

CREATE TRIGGER card_insert AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_on_change('card');
CREATE TRIGGER card_update AFTER UPDATE ON activity REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_on_change('card');
CREATE TRIGGER card_update AFTER UPDATE ON measure REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_on_change('card');
CREATE TRIGGER card_insert AFTER INSERT ON activity_department REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('card');
CREATE TRIGGER card_update AFTER UPDATE ON activity_department
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('card');
CREATE TRIGGER card_delete AFTER DELETE ON activity_department REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('card');
CREATE TRIGGER card_update AFTER UPDATE ON department REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_search_on_department('card');

-- What is there already.
INSERT INTO activity_card SELECT * FROM activity_card_source;

GRANT SELECT ON activity_card TO shinchoku_app;

-- Watched by the response cache's data version (sql/011), like the others.
DO $$
BEGIN
	IF to_regprocedure('data_version_watch(regclass)') IS NOT NULL THEN
		PERFORM data_version_watch('activity_card');
	END IF;
END
$$;

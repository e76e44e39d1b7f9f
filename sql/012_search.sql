-- The activity list at scale (issue 14): `q` uses a trigram index over a
-- precomputed, folded text instead of normalising every row's texts on
-- every request, and the list's order and count read one indexed table
-- (activity_rank) instead of joining four for every activity.
--
--   * app_fold(t): lower(normalize(t, NFKC)), then katakana U+30A1..U+30F6
--     to hiragana (code point - 0x60), so きゃっしゅれす finds キャッシュレス,
--     ＡＩ finds ai and ｶﾞ finds が. The front end's fold() is its twin.
--   * activity_search holds, per activity, the folded text the list searches:
--     one row per yearly record (fiscal_year = that year: the name, that
--     year's result, plan and reason, the departments' names) and one row
--     with fiscal_year 0 for the list of a year without a record (the name and
--     the departments). Triggers per statement keep it (an activity's name,
--     its yearly texts, its departments, a department's name), in the
--     writing transaction. It is derived data, not audited, and the
--     application only reads it.
--   * A GIN trigram index serves `LIKE '%q%'`; queries of one or two
--     characters have no trigram and are answered by the same LIKE over the
--     index's full scan and recheck: slower, still exact.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION app_fold(t text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN translate(lower(normalize(t, NFKC)),
		'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ',
		'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ');

-- A LIKE pattern that matches s anywhere, s taken literally.
CREATE FUNCTION app_like_anywhere(s text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN '%' || replace(replace(replace(s, '\', '\\'), '%', '\%'), '_', '\_') || '%';

CREATE TABLE activity_search (
	activity_id integer NOT NULL REFERENCES activity (id) ON DELETE CASCADE,
	fiscal_year integer NOT NULL CHECK (fiscal_year = 0 OR fiscal_year BETWEEN 2000 AND 2100),
	folded      text NOT NULL,
	PRIMARY KEY (activity_id, fiscal_year)
);
CREATE INDEX activity_search_trgm ON activity_search USING gin (folded gin_trgm_ops);

-- What activity_search holds, computed: per activity one row without a
-- record (fiscal_year 0) and one per yearly record, the text as the list
-- searched it before: concat_ws(' ', name, result, plan_next,
-- change_reason, the departments' names), folded.
CREATE VIEW activity_search_source AS
SELECT a.id AS activity_id, coalesce(y.fiscal_year, 0) AS fiscal_year,
       app_fold(concat_ws(' ', a.name, y.result, y.plan_next, y.change_reason, dn.names)) AS folded
FROM activity a
CROSS JOIN LATERAL (SELECT string_agg(d.name, ' ' ORDER BY ad.position) AS names
                    FROM activity_department ad JOIN department d ON d.id = ad.department_id
                    WHERE ad.activity_id = a.id) dn
CROSS JOIN LATERAL (SELECT NULL::integer AS fiscal_year
                    UNION ALL
                    SELECT yy.fiscal_year FROM activity_year yy WHERE yy.activity_id = a.id) k
LEFT JOIN activity_year y ON y.activity_id = a.id AND y.fiscal_year = k.fiscal_year;

-- Brings the rows of the activities ids (every row) or, with years, of the
-- pairs (ids[i], years[i]) up to date. The triggers below are per
-- statement, over their transition tables, so a bulk load (bench/gen, an
-- import) pays once per statement, not once per row.
CREATE FUNCTION activity_search_sync(ids integer[], years integer[] DEFAULT NULL) RETURNS void
	LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	INSERT INTO activity_search AS s (activity_id, fiscal_year, folded)
	SELECT src.activity_id, src.fiscal_year, src.folded FROM activity_search_source src
	WHERE src.activity_id = ANY (ids)
	  AND (years IS NULL OR (src.activity_id, src.fiscal_year) IN (SELECT * FROM unnest(ids, years)))
	ON CONFLICT (activity_id, fiscal_year) DO UPDATE SET folded = EXCLUDED.folded
	WHERE s.folded IS DISTINCT FROM EXCLUDED.folded
$$;

CREATE FUNCTION activity_search_on_activity() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM activity_search_sync(ARRAY(SELECT id FROM new_rows));
	RETURN NULL;
END
$$;
CREATE TRIGGER search_text_insert AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_search_on_activity();
CREATE TRIGGER search_text_update AFTER UPDATE ON activity REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_search_on_activity();

CREATE FUNCTION activity_search_on_year() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		DELETE FROM activity_search s USING old_rows o
		WHERE s.activity_id = o.activity_id AND s.fiscal_year = o.fiscal_year;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		PERFORM activity_search_sync(ARRAY(SELECT activity_id FROM new_rows),
		                             ARRAY(SELECT fiscal_year FROM new_rows));
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER search_text_insert AFTER INSERT ON activity_year REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_search_on_year();
CREATE TRIGGER search_text_update AFTER UPDATE ON activity_year
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_search_on_year();
CREATE TRIGGER search_text_delete AFTER DELETE ON activity_year REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_search_on_year();

-- A row that names an activity (activity_department, placement) added,
-- moved or removed: the activities on both sides, brought up to date in
-- activity_search (TG_ARGV[0] 'search') or activity_rank ('rank', below).
CREATE FUNCTION activity_link_on_change() RETURNS trigger
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
	IF TG_ARGV[0] = 'search' THEN
		PERFORM activity_search_sync(ids);
	ELSE
		PERFORM activity_rank_sync(ids);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER search_text_insert AFTER INSERT ON activity_department
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('search');
CREATE TRIGGER search_text_update AFTER UPDATE ON activity_department
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('search');
CREATE TRIGGER search_text_delete AFTER DELETE ON activity_department
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('search');

CREATE FUNCTION activity_search_on_department() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM activity_search_sync(ARRAY(SELECT ad.activity_id FROM activity_department ad
	                                   WHERE ad.department_id IN (SELECT id FROM new_rows)));
	RETURN NULL;
END
$$;
CREATE TRIGGER search_text_update AFTER UPDATE ON department REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_search_on_department();

-- ---------------------------------------------------------------- the list's order

-- The list's keys per reported activity, in one table with an index in the
-- list's order (plan, goal number, policy area, measure number, position),
-- so that a page and the count read an index instead of joining activity,
-- measure, goal and placement for every activity of every plan. Kept by
-- triggers per statement on those four tables; derived, not audited.
CREATE TABLE activity_rank (
	activity_id integer PRIMARY KEY REFERENCES activity (id) ON DELETE CASCADE,
	plan_id     integer NOT NULL,
	goal_id     integer NOT NULL,
	goal_number integer NOT NULL,
	measure_id  integer NOT NULL,
	policy      integer NOT NULL,
	measure_no  integer NOT NULL,
	position    integer NOT NULL
);
CREATE INDEX activity_rank_order ON activity_rank
	(plan_id, goal_number, policy, measure_no, position) INCLUDE (activity_id);
CREATE INDEX activity_rank_goal ON activity_rank (goal_id);
CREATE INDEX activity_rank_measure ON activity_rank (measure_id);

CREATE VIEW activity_rank_source AS
SELECT a.id AS activity_id, a.plan_id, g.id AS goal_id, g.number AS goal_number,
       m.id AS measure_id, m.policy, m.number AS measure_no, pl.position
FROM activity a JOIN measure m ON m.id = a.measure_id JOIN goal g ON g.id = m.goal_id
JOIN placement pl ON pl.activity_id = a.id AND NOT pl.relisted;

CREATE FUNCTION activity_rank_sync(ids integer[]) RETURNS void
	LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	DELETE FROM activity_rank WHERE activity_id = ANY (ids);
	INSERT INTO activity_rank SELECT * FROM activity_rank_source WHERE activity_id = ANY (ids);
$$;

-- The activities a statement on activity, measure or goal moved (placement:
-- activity_link_on_change).
CREATE FUNCTION activity_rank_on_change() RETURNS trigger
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
	PERFORM activity_rank_sync(ids);
	RETURN NULL;
END
$$;
CREATE TRIGGER rank_insert AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_on_change();
CREATE TRIGGER rank_update AFTER UPDATE ON activity REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_on_change();
CREATE TRIGGER rank_insert AFTER INSERT ON placement REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('rank');
CREATE TRIGGER rank_update AFTER UPDATE ON placement
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('rank');
CREATE TRIGGER rank_delete AFTER DELETE ON placement REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_link_on_change('rank');
CREATE TRIGGER rank_update AFTER UPDATE ON measure REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_on_change();
CREATE TRIGGER rank_update AFTER UPDATE ON goal REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_on_change();

-- The whole database is small next to the memory that caches it: a random
-- page costs little more than a sequential one (the usual 1.1 for SSD and
-- RAM). With the default 4, a page of 100 activities joined its departments
-- by hashing the whole activity_department table rather than looking 100
-- of them up.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
END
$$;

-- What is there already.
INSERT INTO activity_search (activity_id, fiscal_year, folded)
SELECT activity_id, fiscal_year, folded FROM activity_search_source;
INSERT INTO activity_rank SELECT * FROM activity_rank_source;

GRANT SELECT ON activity_search, activity_rank TO shinchoku_app;
GRANT EXECUTE ON FUNCTION app_fold(text), app_like_anywhere(text) TO shinchoku_app;

-- The response cache's data version (sql/011) watches every table the
-- answers read; these two change only with their sources, in the same
-- statement, but are watched like any other table.
DO $$
BEGIN
	IF to_regprocedure('data_version_watch(regclass)') IS NOT NULL THEN
		PERFORM data_version_watch('activity_search');
		PERFORM data_version_watch('activity_rank');
	END IF;
END
$$;

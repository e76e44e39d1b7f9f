-- Search at scale (issue 14): the activity list's `q` uses a trigram index
-- over a precomputed, folded text instead of normalising every row's texts
-- on every request.
--
--   * app_fold(t): lower(normalize(t, NFKC)), then katakana U+30A1..U+30F6
--     to hiragana (code point - 0x60), so きゃっしゅれす finds キャッシュレス,
--     ＡＩ finds ai and ｶﾞ finds が. The front end's fold() is its twin.
--   * activity_search holds, per activity, the folded text the list searches:
--     one row per yearly record (fiscal_year = that year: the name, that
--     year's result, plan and reason, the departments' names) and one row
--     with fiscal_year 0 for the list of a year without a record (the name and
--     the departments). Triggers keep it: an activity's name, its yearly
--     texts, its departments and a department's name. It is derived data,
--     not audited, and the application only reads it.
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

-- The folded text of activity a in fiscal year fy (0: without a record), as
-- the list searched it before: concat_ws(' ', name, result, plan_next,
-- change_reason, the departments' names).
CREATE FUNCTION activity_search_text(a integer, fy integer) RETURNS text
	LANGUAGE sql STABLE AS $$
	SELECT app_fold(concat_ws(' ', ac.name, y.result, y.plan_next, y.change_reason,
		(SELECT string_agg(d.name, ' ' ORDER BY ad.position)
		 FROM activity_department ad JOIN department d ON d.id = ad.department_id
		 WHERE ad.activity_id = ac.id)))
	FROM activity ac
	LEFT JOIN activity_year y ON y.activity_id = ac.id AND y.fiscal_year = fy
	WHERE ac.id = a AND (fy = 0 OR y.fiscal_year IS NOT NULL)
$$;

-- Recomputes the rows of activity a (fy NULL: every row; else that year's).
CREATE FUNCTION activity_search_refresh(a integer, fy integer) RETURNS void
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	DELETE FROM activity_search s
	WHERE s.activity_id = a AND (fy IS NULL OR s.fiscal_year = fy);
	INSERT INTO activity_search (activity_id, fiscal_year, folded)
	SELECT a, k.fy, t.folded
	FROM (SELECT 0 AS fy WHERE fy IS NULL
	      UNION ALL
	      SELECT y.fiscal_year FROM activity_year y
	      WHERE y.activity_id = a AND (fy IS NULL OR y.fiscal_year = fy)) k
	CROSS JOIN LATERAL (SELECT activity_search_text(a, k.fy) AS folded) t
	WHERE t.folded IS NOT NULL;
END
$$;

CREATE FUNCTION activity_search_on_activity() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM activity_search_refresh(NEW.id, NULL);
	RETURN NULL;
END
$$;
CREATE TRIGGER search_text AFTER INSERT OR UPDATE OF name ON activity
	FOR EACH ROW EXECUTE FUNCTION activity_search_on_activity();

CREATE FUNCTION activity_search_on_year() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM activity_search s
		WHERE s.activity_id = OLD.activity_id AND s.fiscal_year = OLD.fiscal_year;
	ELSE
		IF TG_OP = 'UPDATE' AND (OLD.activity_id, OLD.fiscal_year)
		                        IS DISTINCT FROM (NEW.activity_id, NEW.fiscal_year) THEN
			DELETE FROM activity_search s
			WHERE s.activity_id = OLD.activity_id AND s.fiscal_year = OLD.fiscal_year;
		END IF;
		PERFORM activity_search_refresh(NEW.activity_id, NEW.fiscal_year);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER search_text AFTER INSERT OR DELETE OR UPDATE OF activity_id, fiscal_year,
	result, plan_next, change_reason ON activity_year
	FOR EACH ROW EXECUTE FUNCTION activity_search_on_year();

CREATE FUNCTION activity_search_on_department_link() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM activity_search_refresh(OLD.activity_id, NULL);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR NEW.activity_id <> OLD.activity_id) THEN
		PERFORM activity_search_refresh(NEW.activity_id, NULL);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER search_text AFTER INSERT OR DELETE OR UPDATE ON activity_department
	FOR EACH ROW EXECUTE FUNCTION activity_search_on_department_link();

CREATE FUNCTION activity_search_on_department() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM activity_search_refresh(ad.activity_id, NULL)
	FROM activity_department ad WHERE ad.department_id = NEW.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER search_text AFTER UPDATE OF name ON department
	FOR EACH ROW EXECUTE FUNCTION activity_search_on_department();

-- What is there already.
INSERT INTO activity_search (activity_id, fiscal_year, folded)
SELECT ac.id, 0, activity_search_text(ac.id, 0) FROM activity ac;
INSERT INTO activity_search (activity_id, fiscal_year, folded)
SELECT y.activity_id, y.fiscal_year, activity_search_text(y.activity_id, y.fiscal_year)
FROM activity_year y;

GRANT SELECT ON activity_search TO shinchoku_app;
GRANT EXECUTE ON FUNCTION app_fold(text), app_like_anywhere(text) TO shinchoku_app;

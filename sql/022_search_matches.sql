-- A search whose matches grow with the data (issue 14, "Scale"). At 100 ×
-- the seed, きゃっしゅれす has 973 matches in FY2024 (7 on the seed), and
-- the list's search spent, besides finding and rechecking them:
--
--   * 1.0 ms on 600 year-less rows (fiscal_year 0) that matched by an
--     activity's name or department, each asked of activity_year whether
--     its activity had no record that year; all 600 had one. The year-less
--     row now carries the years of its activity's records (record_years), so the
--     row itself says whether it counts: no look-up per match.
--   * 1.5 ms on the list's place of every match (973 look-ups in
--     activity_rank) for a page of ten. When the matches are many,
--     db/activity.c now has activity_rank_walk (below) walk the list's
--     order index and keep the matches until the page is full; the count
--     takes the matches alone. That needs every searched activity to be in
--     the list (activity_rank): an activity always has its reported
--     placement, checked at commit below.

ALTER TABLE activity_search ADD COLUMN record_years integer[];

-- The years of records of an activity, in order: what a year-less row of
-- activity_search carries.
CREATE FUNCTION activity_record_years(activity integer) RETURNS integer[]
	LANGUAGE sql STABLE PARALLEL SAFE SET search_path = public
	RETURN ARRAY(SELECT y.fiscal_year FROM activity_year y WHERE y.activity_id = activity
	             ORDER BY y.fiscal_year);

-- sql/012's rows, and the year-less row's years (NULL on a year's row).
CREATE OR REPLACE VIEW activity_search_source AS
SELECT a.id AS activity_id, coalesce(y.fiscal_year, 0) AS fiscal_year,
       app_fold(concat_ws(' ', a.name, y.result, y.plan_next, y.change_reason, dn.names)) AS folded,
       CASE WHEN k.fiscal_year IS NULL THEN activity_record_years(a.id) END AS record_years
FROM activity a
CROSS JOIN LATERAL (SELECT string_agg(d.name, ' ' ORDER BY ad.position) AS names
                    FROM activity_department ad JOIN department d ON d.id = ad.department_id
                    WHERE ad.activity_id = a.id) dn
CROSS JOIN LATERAL (SELECT NULL::integer AS fiscal_year
                    UNION ALL
                    SELECT yy.fiscal_year FROM activity_year yy WHERE yy.activity_id = a.id) k
LEFT JOIN activity_year y ON y.activity_id = a.id AND y.fiscal_year = k.fiscal_year;

UPDATE activity_search s SET record_years = activity_record_years(s.activity_id) WHERE s.fiscal_year = 0;
ALTER TABLE activity_search ADD CONSTRAINT activity_search_years_yearless
	CHECK ((fiscal_year = 0) = (record_years IS NOT NULL));

-- sql/020's two statements, with record_years (a column that is not called
-- years, which would be ambiguous with the parameter of that name).
CREATE OR REPLACE FUNCTION activity_search_sync(ids integer[], years integer[] DEFAULT NULL) RETURNS void
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF years IS NULL THEN
		INSERT INTO activity_search AS s (activity_id, fiscal_year, folded, record_years)
		SELECT src.activity_id, src.fiscal_year, src.folded, src.record_years FROM activity_search_source src
		WHERE src.activity_id = ANY (ids)
		ON CONFLICT (activity_id, fiscal_year) DO UPDATE SET folded = EXCLUDED.folded, record_years = EXCLUDED.record_years
		WHERE (s.folded, s.record_years) IS DISTINCT FROM (EXCLUDED.folded, EXCLUDED.record_years);
	ELSE
		INSERT INTO activity_search AS s (activity_id, fiscal_year, folded, record_years)
		SELECT src.activity_id, src.fiscal_year, src.folded, src.record_years FROM activity_search_source src
		WHERE src.activity_id = ANY (ids)
		  AND (src.activity_id, src.fiscal_year) IN (SELECT * FROM unnest(ids, years))
		ON CONFLICT (activity_id, fiscal_year) DO UPDATE SET folded = EXCLUDED.folded, record_years = EXCLUDED.record_years
		WHERE (s.folded, s.record_years) IS DISTINCT FROM (EXCLUDED.folded, EXCLUDED.record_years);
	END IF;
END
$$;

-- sql/020's trigger function; new: a record added or removed (or its key
-- changed by SQL) brings its activity's year-less row up to date too, as
-- the pair (activity, 0).
CREATE OR REPLACE FUNCTION activity_search_on_year() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	ids integer[];
	years integer[];
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM activity_search s USING old_rows o
		WHERE s.activity_id = o.activity_id AND s.fiscal_year = o.fiscal_year;
		SELECT array_agg(DISTINCT o.activity_id) INTO ids FROM old_rows o;
		IF ids IS NOT NULL THEN
			PERFORM activity_search_sync(ids, array_fill(0, ARRAY[cardinality(ids)]));
		END IF;
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(p.activity_id), array_agg(p.fiscal_year) INTO ids, years
		FROM (SELECT n.activity_id, n.fiscal_year FROM new_rows n
		      UNION SELECT n.activity_id, 0 FROM new_rows n) p;
	ELSE
		DELETE FROM activity_search s USING old_rows o
		WHERE s.activity_id = o.activity_id AND s.fiscal_year = o.fiscal_year
		  AND NOT EXISTS (SELECT 1 FROM new_rows n
		                  WHERE n.activity_id = o.activity_id AND n.fiscal_year = o.fiscal_year);
		SELECT array_agg(p.activity_id), array_agg(p.fiscal_year) INTO ids, years
		FROM (SELECT n.activity_id, n.fiscal_year
		      FROM new_rows n LEFT JOIN old_rows o
		        ON o.activity_id = n.activity_id AND o.fiscal_year = n.fiscal_year
		      WHERE o.activity_id IS NULL
		         OR (n.result, n.plan_next, n.change_reason)
		            IS DISTINCT FROM (o.result, o.plan_next, o.change_reason)
		      UNION
		      SELECT k.activity_id, 0
		      FROM ((SELECT activity_id, fiscal_year FROM new_rows
		             EXCEPT SELECT activity_id, fiscal_year FROM old_rows)
		            UNION ALL
		            (SELECT activity_id, fiscal_year FROM old_rows
		             EXCEPT SELECT activity_id, fiscal_year FROM new_rows)) k) p;
	END IF;
	IF ids IS NOT NULL THEN
		PERFORM activity_search_sync(ids, years);
	END IF;
	RETURN NULL;
END
$$;

-- The page of the list's rows (limit lim, offset skip) among the
-- activities ids, walking the list's order index, which stops when the
-- page is full. A function of its own, planned once for its generic plan:
-- in the list's statement the planner takes the walk's hashed filter
-- (IS TRUE keeps it a filter rather than a join) to pass half the index,
-- a tenth of that for the page, and the statement's generic plan then
-- looked so dear that PostgreSQL planned the whole statement anew on
-- every call (1.1 ms, longer than running it).
CREATE FUNCTION activity_rank_walk(ids integer[], lim integer, skip integer) RETURNS SETOF activity_rank
	LANGUAGE plpgsql STABLE ROWS 10 SET search_path = public SET plan_cache_mode = force_generic_plan AS $$
BEGIN
	RETURN QUERY SELECT a.* FROM activity_rank a
	WHERE (a.activity_id IN (SELECT unnest(ids))) IS TRUE
	ORDER BY a.ord LIMIT lim OFFSET skip;
END
$$;

-- An activity is reported under exactly one placement: sql/001 checked it
-- when the activity is written; now also when its reported placement is
-- moved to another activity or removed while the activity stays. Both
-- triggers ask one function, at commit; an activity removed by then has
-- nothing to check.
CREATE FUNCTION placement_require_reported(activity integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM activity a WHERE a.id = activity)
	   AND NOT EXISTS (SELECT 1 FROM placement p WHERE p.activity_id = activity AND NOT p.relisted) THEN
		RAISE EXCEPTION 'activity % has no reported placement', activity
			USING ERRCODE = 'integrity_constraint_violation';
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION placement_check_reported() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM placement_require_reported(NEW.id);
	RETURN NULL;
END
$$;

CREATE FUNCTION placement_check_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NOT OLD.relisted THEN
		PERFORM placement_require_reported(OLD.activity_id);
	END IF;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER placement_reported_kept AFTER UPDATE OR DELETE ON placement
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION placement_check_kept();

-- The appendix table (別紙) of a fiscal year's progress report, as printed:
-- the report's order, re-listed (再掲) rows in their places without status
-- or results. The CSV, the XLSX and the printable page all read it here.
-- plan_id NULL: the adopted plan that reports that year, else the first
-- adopted one.
CREATE TYPE report_row AS (
	seq bigint, goal_number integer, measure_id integer, measure_code text,
	measure_name text, activity text, status text, status_mark text,
	change_reason text, result_prev text, result text, plan_next text,
	departments text, relisted boolean, reported_under text,
	activity_id integer, version integer);

-- The plan a report is about: plan_id when given, else the adopted plan
-- that reports fy, else the first adopted one.
CREATE FUNCTION report_plan(fy integer, plan_id integer) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT id FROM plan
	WHERE (report_plan.plan_id IS NULL AND state = 'adopted') OR id = report_plan.plan_id
	ORDER BY (report_fiscal_year = fy) DESC NULLS LAST, id LIMIT 1
$$;

CREATE FUNCTION report_appendix(fy integer, plan_id integer)
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
	       a.id, CASE WHEN pl.relisted THEN NULL ELSE y.version END
	FROM p JOIN measure m ON m.plan_id = p.id JOIN goal g ON g.id = m.goal_id
	JOIN placement pl ON pl.measure_id = m.id JOIN activity a ON a.id = pl.activity_id
	JOIN measure hm ON hm.id = a.measure_id
	LEFT JOIN activity_year y ON y.activity_id = a.id AND y.fiscal_year = fy
	LEFT JOIN activity_year py ON py.activity_id = a.id AND py.fiscal_year = fy - 1
	LEFT JOIN progress_status s ON s.key = y.status
	ORDER BY 1
$$;

GRANT EXECUTE ON FUNCTION report_appendix(integer, integer) TO shinchoku_app;

-- The Japanese name of a fiscal year as the report prints it: 2024 is
-- 令和6年度, 2019 令和元年度, 2018 平成30年度.
CREATE FUNCTION fiscal_era(fy integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN fy > 2019 THEN '令和' || (fy - 2018) || '年度'
	            WHEN fy = 2019 THEN '令和元年度'
	            ELSE '平成' || (fy - 1988) || '年度' END
$$;

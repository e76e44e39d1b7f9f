-- The PHP peer's list statement (bench/peer/list.php), and the SQL of
-- bench/run's "pgbench: the peer's SQL": the portal's own activity_list
-- as it was before sql/021, the way a conventional stack reads the
-- list: a page of activity_rank's places, then for each activity its
-- row, its measure, its yearly record and the marks of its statuses
-- looked up one by one, and a row for each of its departments. Rows:
-- the header (k 0: the total and the fiscal year), then each item (k 1)
-- followed by its departments (k 2). The parameters are the portal's
-- (src/db/activity.c): 1 plan, 2 goal, 3 measure, 4 department,
-- 5 status, 6 fiscal year, 7 text, 8 limit, 9 offset; only 6, 8 and 9
-- are used here.
WITH f AS (SELECT coalesce($6::int, (SELECT max(fiscal_year) FROM activity_year)) AS fy,
                  $1::int AS plan, $2::int AS goal, $3::text AS measure, $4::int AS dept,
                  $5::text AS status, app_like_anywhere(app_fold($7::text)) AS pat),
page AS (SELECT a.activity_id AS id, a.plan_id, a.goal_id, a.goal_number, a.measure_id,
                a.policy, a.measure_no, a.position, a.ord AS n
         FROM activity_rank a WHERE a.ord > $9::int AND a.ord <= $9::bigint + $8::int
         ORDER BY a.ord)
SELECT 0::bigint AS n, 0 AS k, (SELECT n FROM activity_rank_total)::int AS id,
       NULL::int, NULL::text, NULL::int, NULL::int, NULL::int, NULL::text, NULL::text,
       NULL::int, f.fy, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::int,
       NULL::text, NULL::text
FROM f
UNION ALL
SELECT p.n, 1, p.id, p.plan_id, a.name, p.goal_id, p.goal_number, p.measure_id, m.code, m.name,
       p.position, f.fy, y.status, s.mark, y.change_reason, y.result, y.plan_next, y.version,
       y.status2, s2.mark
FROM page p CROSS JOIN f JOIN activity a ON a.id = p.id
JOIN measure m ON m.id = p.measure_id
LEFT JOIN activity_year y ON y.activity_id = p.id AND y.fiscal_year = f.fy
LEFT JOIN progress_status s ON s.scheme_id = y.scheme_id AND s.key = y.status
LEFT JOIN progress_status s2 ON s2.scheme_id = y.scheme_id AND s2.key = y.status2
UNION ALL
SELECT p.n, 2, d.id, NULL, d.name, NULL, NULL, NULL, NULL, NULL, ad.position, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM page p JOIN activity_department ad ON ad.activity_id = p.id
JOIN department d ON d.id = ad.department_id
ORDER BY 1, 2, 11

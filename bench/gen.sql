-- A synthetic plan set `scale` times the seed (bench/gen runs it): the seed
-- plan (第２次中野区地域情報化推進計画改定版, loaded by scripts/dev up) is the
-- first copy; copies 2..scale are adopted plans with the seed's goals,
-- measures, placements (re-listings included) and activities, whose texts
-- are the seed's taken from another activity of it (so rows differ), spread
-- over 4 × scale departments. Each copied activity has a FY2024 record and
-- one in an earlier year (2015–2023), so the set spans ten fiscal years.
-- Everything goes through the ordinary tables with every trigger active
-- (audit, structure guard, fiscal years, the search text of sql/012), in
-- one transaction as the owning role. At scale 100: 10,500 activities, 400
-- departments, 21,000 yearly records.
\set ON_ERROR_STOP on
BEGIN;
SET LOCAL app.channel = 'import';

CREATE TEMP TABLE g_seed ON COMMIT DROP AS
SELECT id FROM plan WHERE title = '第２次中野区地域情報化推進計画改定版';
ANALYZE g_seed;
DO $$ BEGIN
	IF (SELECT count(*) FROM g_seed) <> 1 THEN
		RAISE EXCEPTION 'bench/gen: the seed plan is not loaded';
	END IF;
	IF EXISTS (SELECT 1 FROM plan WHERE title LIKE '%（合成 %') THEN
		RAISE EXCEPTION 'bench/gen: synthetic plans are there already';
	END IF;
END $$;

CREATE TEMP TABLE g_copy ON COMMIT DROP AS
SELECT k, nextval('plan_id_seq')::int AS plan_id FROM generate_series(2, :scale) k;
ANALYZE g_copy;

-- The seed's departments in a fixed order, then as many more as make 4 × scale.
CREATE TEMP TABLE g_dept ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY d.id) - 1 AS ix, d.id, d.name FROM department d
WHERE d.id IN (SELECT ad.department_id FROM activity_department ad
               JOIN activity a ON a.id = ad.activity_id WHERE a.plan_id = (SELECT id FROM g_seed));
ANALYZE g_dept;
INSERT INTO department (name)
SELECT s.name || '（分室' || n || '）'
FROM generate_series(1, greatest(0, 4 * :scale - (SELECT count(*) FROM g_dept))) n
JOIN g_dept s ON s.ix = (n - 1) % (SELECT count(*) FROM g_dept);
CREATE TEMP TABLE g_alldept ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY d.ix, d.id) - 1 AS ix, d.id FROM (
	SELECT ix, id FROM g_dept
	UNION ALL
	SELECT 1000000 + d.id, d.id FROM department d
	WHERE d.name LIKE '%（分室%）' AND d.id NOT IN (SELECT id FROM g_dept)) d;
ANALYZE g_alldept;

INSERT INTO plan (id, title, state, adopted_month, report_fiscal_year)
SELECT c.plan_id, p.title || '（合成 ' || c.k || '）', 'adopted', p.adopted_month, p.report_fiscal_year
FROM g_copy c CROSS JOIN plan p WHERE p.id = (SELECT id FROM g_seed);

CREATE TEMP TABLE g_goal ON COMMIT DROP AS
SELECT c.k, c.plan_id, g.id AS old, nextval('goal_id_seq')::int AS new
FROM g_copy c CROSS JOIN goal g WHERE g.plan_id = (SELECT id FROM g_seed);
ANALYZE g_goal;
INSERT INTO goal (id, plan_id, number, title)
SELECT m.new, m.plan_id, g.number, g.title FROM g_goal m JOIN goal g ON g.id = m.old;

CREATE TEMP TABLE g_measure ON COMMIT DROP AS
SELECT c.k, c.plan_id, m.id AS old, nextval('measure_id_seq')::int AS new
FROM g_copy c CROSS JOIN measure m WHERE m.plan_id = (SELECT id FROM g_seed);
ANALYZE g_measure;
INSERT INTO measure (id, plan_id, goal_id, policy, number, code, name, relisted_from_id)
SELECT x.new, x.plan_id, gm.new, m.policy, m.number, m.code, m.name, rf.new
FROM g_measure x JOIN measure m ON m.id = x.old
JOIN g_goal gm ON gm.k = x.k AND gm.old = m.goal_id
LEFT JOIN g_measure rf ON rf.k = x.k AND rf.old = m.relisted_from_id;

-- Activity i of copy k takes the texts of seed activity (i + 7k) mod n.
CREATE TEMP TABLE g_seed_activity ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY a.id) - 1 AS ix, a.id FROM activity a
WHERE a.plan_id = (SELECT id FROM g_seed);
ANALYZE g_seed_activity;
CREATE TEMP TABLE g_activity ON COMMIT DROP AS
SELECT c.k, c.plan_id, s.id AS old, nextval('activity_id_seq')::int AS new, t.id AS texts
FROM g_copy c CROSS JOIN g_seed_activity s
JOIN g_seed_activity t ON t.ix = (s.ix + 7 * c.k) % (SELECT count(*) FROM g_seed_activity);
ANALYZE g_activity;
INSERT INTO activity (id, plan_id, measure_id, name)
SELECT x.new, x.plan_id, gm.new, a.name || '（' || x.k || '）'
FROM g_activity x JOIN activity a ON a.id = x.old
JOIN g_measure gm ON gm.k = x.k AND gm.old = a.measure_id;

INSERT INTO placement (measure_id, position, activity_id, relisted, label, show_departments)
SELECT gm.new, pl.position, ga.new, pl.relisted, pl.label, pl.show_departments
FROM placement pl JOIN g_measure gm ON gm.old = pl.measure_id
JOIN g_activity ga ON ga.k = gm.k AND ga.old = pl.activity_id;

INSERT INTO activity_department (activity_id, department_id, position)
SELECT ga.new, nd.id, ad.position
FROM activity_department ad JOIN g_activity ga ON ga.old = ad.activity_id
JOIN g_dept sd ON sd.id = ad.department_id
JOIN g_alldept nd ON nd.ix = (sd.ix + (SELECT count(*) FROM g_dept) * (ga.k - 1)) % (SELECT count(*) FROM g_alldept);

INSERT INTO activity_year (activity_id, fiscal_year, status, change_reason, result, plan_next)
SELECT ga.new, CASE WHEN y.fiscal_year = 2024 THEN 2024 ELSE 2015 + ga.k % 9 END,
       y.status, y.change_reason, y.result, y.plan_next
FROM g_activity ga JOIN activity_year y ON y.activity_id = ga.texts
WHERE y.fiscal_year IN (2023, 2024);

-- What was made, on one line (the smoke test, tests/integration/generator.test.mjs,
-- checks it): seed activities, synthetic plans, activities, yearly records,
-- search rows, all departments, fiscal years, synthetic rows that the fold
-- of きゃっしゅれす finds.
SELECT 'bench/gen', (SELECT count(*) FROM g_seed_activity), (SELECT count(*) FROM g_copy),
	(SELECT count(*) FROM g_activity),
	(SELECT count(*) FROM activity_year WHERE activity_id IN (SELECT new FROM g_activity)),
	(SELECT count(*) FROM activity_search WHERE activity_id IN (SELECT new FROM g_activity)),
	(SELECT count(*) FROM department), (SELECT count(DISTINCT fiscal_year) FROM activity_year),
	(SELECT count(*) FROM activity_search WHERE activity_id IN (SELECT new FROM g_activity)
	 AND folded LIKE app_like_anywhere(app_fold('きゃっしゅれす')));

-- rollback=1 (the smoke test): leave the database as it was.
\if :{?rollback}
ROLLBACK;
\else
COMMIT;
-- VACUUM as well: a page reads activity_rank by an index-only scan
-- (sql/016), which needs the visibility map that a fresh load has not set,
-- and the triggers of the load left a dead version of each activity_card
-- row (sql/021) that every look-up of the card read until it was vacuumed.
VACUUM (ANALYZE) department, plan, goal, measure, activity, placement, activity_department,
	activity_year, activity_search, activity_rank, activity_card;
\endif

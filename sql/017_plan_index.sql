-- A plan's activities by an index (issue 14, "Scale"). The summary, the
-- report table and every list filtered by plan find a plan's activities
-- with plan_id = …; without an index on it each of them read the whole
-- activity table. At 100 × the seed (10,500 activities in 100 plans) the
-- summary's count of the reporting plan's 105 records went through 10,500
-- rows (0.9 ms of PostgreSQL per summary; 0.45 ms with this index, which is
-- the seed's cost).
CREATE INDEX activity_plan_idx ON activity (plan_id);

-- The list at 100 × the seed (issue 14, "Scale"): a search and a deep page
-- read indexes shaped for them rather than every row.
--
--   * A search reads the activity_search rows of one fiscal year (and the
--     year-less rows, fiscal_year 0) only: the trigram index gets the year
--     as a column of its own (btree_gin), so the index intersects the text's
--     trigrams with the year before the heap is read and the LIKE recheck
--     sees about a tenth of the candidates. At 100 × the seed, a search for
--     きゃっしゅれす had 3,145 candidates over ten years for the 973 of
--     FY2024; the planner, seeing all years, read the whole table instead.
--   * A page (any offset) reads activity_rank's order index alone: the
--     index carries every column the page and the count take (goal and
--     measure ids too), so offset 10,000 walks 10,100 index entries instead
--     of fetching 10,100 heap rows. Index-only scans need the visibility
--     map: the table is kept vacuumed more eagerly than the default.

CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX activity_search_year_trgm ON activity_search
	USING gin (fiscal_year, folded gin_trgm_ops);
DROP INDEX activity_search_trgm;

CREATE INDEX activity_rank_order_all ON activity_rank
	(plan_id, goal_number, policy, measure_no, position) INCLUDE (activity_id, goal_id, measure_id);
DROP INDEX activity_rank_order;

-- activity_rank and activity_search change by whole rows (delete and
-- insert, or update) with every edit of what they derive from; vacuum them
-- after a few hundred such rows, not after a fifth of the table.
ALTER TABLE activity_rank SET (autovacuum_vacuum_scale_factor = 0.01,
	autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE activity_search SET (autovacuum_vacuum_scale_factor = 0.01,
	autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02);

-- A page of the unfiltered list by its position (issue 14, "Scale"). The
-- list's page walked activity_rank's order index from the start and threw
-- away `offset` entries: at 100 × the seed, offset 10,000 read 10,100
-- entries for 100 (3.8 × the seed's first page), and the planner, seeing
-- offset and limit as parameters, planned the statement anew on every
-- call (about 3 ms, more than running it).
--
--   * activity_rank.ord is each activity's place in the list's order
--     (1, 2, …, no gaps), so a page is `ord > offset ORDER BY ord LIMIT n`:
--     n index entries whatever the offset, and one generic plan.
--   * activity_rank_sync renumbers after it has moved rows, from the first
--     place that changed on (an activity added at the end renumbers itself
--     alone); the rows before keep their numbers.
--   * Writers of the order take the lock on activity_rank_total's row first
--     (sql/018's triggers take it anyway): two transactions that both move
--     activities number one after the other, the second from a snapshot
--     that sees the first's rows, so the numbers stay dense and unique.
--     Taking it before the first delete, not after, means no writer holds a
--     row of activity_rank another writer's renumbering waits for.

-- NULL only between a sync's insert and its renumbering.
ALTER TABLE activity_rank ADD COLUMN ord integer;

-- The list's order with the activity as the last key, so that it is total.
CREATE INDEX activity_rank_order_key ON activity_rank
	(plan_id, goal_number, policy, measure_no, position, activity_id) INCLUDE (ord);
CREATE UNIQUE INDEX activity_rank_ord ON activity_rank (ord)
	INCLUDE (activity_id, plan_id, goal_id, goal_number, measure_id, policy, measure_no, position);

-- Renumbers the rows from key lo on (an empty row: nothing moved), after
-- the last place before lo.
CREATE FUNCTION activity_rank_renumber(lo activity_rank) RETURNS void
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	base integer;
BEGIN
	IF lo.activity_id IS NULL THEN
		RETURN;
	END IF;
	SELECT coalesce((SELECT r.ord FROM activity_rank r
	                 WHERE (r.plan_id, r.goal_number, r.policy, r.measure_no, r.position, r.activity_id)
	                     < (lo.plan_id, lo.goal_number, lo.policy, lo.measure_no, lo.position, lo.activity_id)
	                 ORDER BY r.plan_id DESC, r.goal_number DESC, r.policy DESC, r.measure_no DESC,
	                          r.position DESC, r.activity_id DESC
	                 LIMIT 1), 0) INTO base;
	-- Two steps: numbers past every current one first, so that the unique
	-- index never sees two rows with one number in between.
	UPDATE activity_rank r SET ord = -x.n
	FROM (SELECT k.activity_id, base + row_number() OVER (ORDER BY k.plan_id, k.goal_number, k.policy,
	                                                       k.measure_no, k.position, k.activity_id) AS n
	      FROM activity_rank k
	      WHERE (k.plan_id, k.goal_number, k.policy, k.measure_no, k.position, k.activity_id)
	         >= (lo.plan_id, lo.goal_number, lo.policy, lo.measure_no, lo.position, lo.activity_id)) x
	WHERE r.activity_id = x.activity_id AND r.ord IS DISTINCT FROM x.n;
	UPDATE activity_rank SET ord = -ord WHERE ord < 0;
END
$$;

-- The first row, in the list's order, of the activities ids.
CREATE FUNCTION activity_rank_first(ids integer[]) RETURNS activity_rank
	LANGUAGE sql STABLE SET search_path = public AS $$
	SELECT r FROM activity_rank r WHERE r.activity_id = ANY (ids)
	ORDER BY r.plan_id, r.goal_number, r.policy, r.measure_no, r.position, r.activity_id LIMIT 1
$$;

CREATE OR REPLACE FUNCTION activity_rank_sync(ids integer[]) RETURNS void
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	was activity_rank;
	now activity_rank;
BEGIN
	PERFORM 1 FROM activity_rank_total FOR UPDATE;
	was := activity_rank_first(ids);
	DELETE FROM activity_rank WHERE activity_id = ANY (ids);
	INSERT INTO activity_rank (activity_id, plan_id, goal_id, goal_number, measure_id, policy,
	                           measure_no, position)
	SELECT activity_id, plan_id, goal_id, goal_number, measure_id, policy, measure_no, position
	FROM activity_rank_source WHERE activity_id = ANY (ids);
	now := activity_rank_first(ids);
	-- From the earlier of where the moved rows were and where they are.
	IF was.activity_id IS NULL OR (now.activity_id IS NOT NULL AND
	    (now.plan_id, now.goal_number, now.policy, now.measure_no, now.position, now.activity_id)
	  < (was.plan_id, was.goal_number, was.policy, was.measure_no, was.position, was.activity_id)) THEN
		was := now;
	END IF;
	PERFORM activity_rank_renumber(was);
END
$$;

-- What is there already.
SELECT activity_rank_renumber((SELECT r FROM activity_rank r
	ORDER BY r.plan_id, r.goal_number, r.policy, r.measure_no, r.position, r.activity_id LIMIT 1));
DROP INDEX activity_rank_order_all;

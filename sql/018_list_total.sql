-- The unfiltered list's total without counting (issue 14, "Scale"). The
-- list's first page counted every entry of activity_rank on each request:
-- at 100 × the seed 10,500 index entries for a page of 100, which made the
-- first page 2.5 × the seed's cost. The number is kept here instead, by
-- statement triggers on activity_rank that add what a statement inserted
-- and take away what it deleted: "n = n + k" under the row's lock, so two
-- concurrent statements both count (each reads the other's committed n).
CREATE TABLE activity_rank_total (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	n   bigint NOT NULL CHECK (n >= 0)
);
INSERT INTO activity_rank_total (n) SELECT count(*) FROM activity_rank;

CREATE FUNCTION activity_rank_count() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE activity_rank_total SET n = n + (SELECT count(*) FROM new_rows);
	ELSIF TG_OP = 'DELETE' THEN
		UPDATE activity_rank_total SET n = n - (SELECT count(*) FROM old_rows);
	ELSE
		UPDATE activity_rank_total SET n = 0;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER rank_count_insert AFTER INSERT ON activity_rank REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_count();
CREATE TRIGGER rank_count_delete AFTER DELETE ON activity_rank REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_count();
CREATE TRIGGER rank_count_truncate AFTER TRUNCATE ON activity_rank
	FOR EACH STATEMENT EXECUTE FUNCTION activity_rank_count();

GRANT SELECT ON activity_rank_total TO shinchoku_app;
SELECT data_version_watch('activity_rank_total');

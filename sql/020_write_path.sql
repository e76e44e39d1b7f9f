-- The cost of one edit (issue 14, the mix of reads and PATCH writes). A
-- PATCH of one yearly record took about 2.6 ms of CPU, 2.2 ms of it in
-- PostgreSQL, and most of that was not the update:
--
--   * SQL-language functions that cannot be inlined (SECURITY DEFINER, SET
--     search_path, a data-modifying body) are planned again on every call
--     in PostgreSQL 15: activity_search_sync planned its insert through the
--     view on each edit (0.6 ms of its 1.0), and app_may_edit, called by the
--     statement and by the row-level policy, planned its EXISTS each time.
--     As PL/pgSQL they keep their plans for the connection's life, and the
--     workers' connections are long-lived.
--   * activity_search_on_year deleted an edited record's search row and
--     inserted it again, so every edit rewrote the row and its trigram
--     entries even when no searched text had changed (a status decided by
--     an approval). Now a row goes only when its record went, and a record
--     whose texts did not change is not looked at.
--   * year_get's 'updated_by' took the newest audit entry of a record by
--     sorting all of them (the index is by time): a record edited often
--     read its whole history on every read. The index below gives the
--     newest directly, and serves the history's pages (audit_list) too.

CREATE OR REPLACE FUNCTION app_may_edit(activity integer, roles text[]) RETURNS boolean
	LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
	RETURN EXISTS (
		SELECT 1 FROM app_user u
		WHERE u.id = app_current_user() AND u.active AND u.role = ANY (roles)
		  AND (u.role = 'admin' OR EXISTS (
			SELECT 1 FROM activity_department ad
			WHERE ad.activity_id = activity AND ad.department_id = u.department_id)));
END
$$;

-- The same rows as before (sql/012), one statement for each form of the
-- call so that each keeps a plan of its own: sql/012's single statement
-- (`years IS NULL OR ...`) as PL/pgSQL took 0.6 ms for one unchanged pair,
-- these 0.2 ms.
CREATE OR REPLACE FUNCTION activity_search_sync(ids integer[], years integer[] DEFAULT NULL) RETURNS void
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF years IS NULL THEN
		INSERT INTO activity_search AS s (activity_id, fiscal_year, folded)
		SELECT src.activity_id, src.fiscal_year, src.folded FROM activity_search_source src
		WHERE src.activity_id = ANY (ids)
		ON CONFLICT (activity_id, fiscal_year) DO UPDATE SET folded = EXCLUDED.folded
		WHERE s.folded IS DISTINCT FROM EXCLUDED.folded;
	ELSE
		INSERT INTO activity_search AS s (activity_id, fiscal_year, folded)
		SELECT src.activity_id, src.fiscal_year, src.folded FROM activity_search_source src
		WHERE src.activity_id = ANY (ids)
		  AND (src.activity_id, src.fiscal_year) IN (SELECT * FROM unnest(ids, years))
		ON CONFLICT (activity_id, fiscal_year) DO UPDATE SET folded = EXCLUDED.folded
		WHERE s.folded IS DISTINCT FROM EXCLUDED.folded;
	END IF;
END
$$;

-- An update keeps the rows of the records it kept (a record's key does not
-- change through the application, but SQL may change it) and brings up to
-- date only those whose searched texts changed.
CREATE OR REPLACE FUNCTION activity_search_on_year() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	ids integer[];
	years integer[];
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM activity_search s USING old_rows o
		WHERE s.activity_id = o.activity_id AND s.fiscal_year = o.fiscal_year;
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(n.activity_id), array_agg(n.fiscal_year) INTO ids, years FROM new_rows n;
	ELSE
		DELETE FROM activity_search s USING old_rows o
		WHERE s.activity_id = o.activity_id AND s.fiscal_year = o.fiscal_year
		  AND NOT EXISTS (SELECT 1 FROM new_rows n
		                  WHERE n.activity_id = o.activity_id AND n.fiscal_year = o.fiscal_year);
		SELECT array_agg(n.activity_id), array_agg(n.fiscal_year) INTO ids, years
		FROM new_rows n LEFT JOIN old_rows o
		  ON o.activity_id = n.activity_id AND o.fiscal_year = n.fiscal_year
		WHERE o.activity_id IS NULL
		   OR (n.result, n.plan_next, n.change_reason)
		      IS DISTINCT FROM (o.result, o.plan_next, o.change_reason);
	END IF;
	IF ids IS NOT NULL THEN
		PERFORM activity_search_sync(ids, years);
	END IF;
	RETURN NULL;
END
$$;

CREATE INDEX audit_log_entity_newest ON audit_log (entity, entity_id, id);

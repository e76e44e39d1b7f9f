-- The data version: one number that changes with every committed write to
-- any table a GET answer reads. The workers put it in their ETags and the
-- keys of their response cache (src/api/conditional.c), so a write makes
-- every cached answer and every ETag a client holds out of date at once.
--
-- How it moves without a global lock held through the write: each table
-- has a statement-level trigger (data_version_touch) that, once per
-- transaction, inserts a mark; the mark's deferred constraint trigger
-- (data_version_bump) runs at COMMIT, the last thing the transaction does,
-- and bumps the version and notifies 'shinchoku_version' with it. The one
-- row of data_version is locked only from then until the commit ends, after
-- every other lock the transaction takes, so two writers cannot deadlock on
-- it. A rolled-back transaction bumps nothing.
--
-- The number is microseconds since 1970 or the last one plus one, whichever
-- is larger: it never goes back, even for a database made anew from a
-- backup, so a worker that keeps the largest version it has seen is never
-- fooled by a smaller one.
CREATE TABLE data_version (
	id boolean PRIMARY KEY DEFAULT true CHECK (id),
	v bigint NOT NULL
);
INSERT INTO data_version (v) VALUES ((extract(epoch FROM clock_timestamp()) * 1000000)::bigint);

-- At most one row per open transaction; emptied by the bump at its commit.
CREATE UNLOGGED TABLE data_version_mark (
	tx xid8 PRIMARY KEY
);

CREATE FUNCTION data_version_bump() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	nv bigint;
BEGIN
	UPDATE data_version SET v = greatest(v + 1,
		(extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
		RETURNING v INTO nv;
	DELETE FROM data_version_mark WHERE tx = NEW.tx;
	PERFORM pg_notify('shinchoku_version', nv::text);
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER data_version_bump AFTER INSERT ON data_version_mark
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();

-- The statement trigger of every table the answers read. The setting is
-- local to the transaction (and to a savepoint rolled back with the mark).
CREATE FUNCTION data_version_touch() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF current_setting('shinchoku.version_marked', true) IS DISTINCT FROM '1' THEN
		PERFORM set_config('shinchoku.version_marked', '1', true);
		INSERT INTO data_version_mark (tx) VALUES (pg_current_xact_id())
			ON CONFLICT DO NOTHING;
	END IF;
	RETURN NULL;
END
$$;

-- What a later migration that adds a table calls:
--   SELECT data_version_watch('new_table');
CREATE FUNCTION data_version_watch(t regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('CREATE TRIGGER data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE'
		' ON %s FOR EACH STATEMENT EXECUTE FUNCTION data_version_touch()', t);
END
$$;

-- Every table of the schema but the version's own and those no answer
-- reads: sessions and the sign-in throttle (written on every sign-in and
-- request; tests/integration/version.test.mjs lists the same ones).
DO $$
DECLARE
	t text;
BEGIN
	FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		  AND c.relname NOT IN ('data_version', 'data_version_mark', 'session',
			'login_failure', 'schema_migration')
		ORDER BY c.relname LOOP
		PERFORM data_version_watch(t::regclass);
	END LOOP;
END
$$;

GRANT SELECT ON data_version TO shinchoku_app;

-- Fiscal years: opening the next one (rollover) and locking a closed one.
-- A locked year's records cannot change by any path (API, import, SQL
-- session): a trigger refuses it with SQLSTATE SHLCK, which the API
-- answers as 409.

CREATE TABLE fiscal_year (
	year      integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
	locked    boolean NOT NULL DEFAULT false,
	opened_at timestamptz NOT NULL DEFAULT now(),
	locked_at timestamptz,
	version   integer NOT NULL DEFAULT 1 CHECK (version > 0),
	CHECK (locked = (locked_at IS NOT NULL))
);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON fiscal_year
	FOR EACH ROW EXECUTE FUNCTION audit_row('year');

INSERT INTO fiscal_year (year) SELECT DISTINCT fiscal_year FROM activity_year;

-- Every year that has records is in fiscal_year, however the records came
-- (the dataset import, a rollover).
CREATE FUNCTION fiscal_year_register() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	INSERT INTO fiscal_year (year) VALUES (NEW.fiscal_year) ON CONFLICT DO NOTHING;
	RETURN NEW;
END
$$;
CREATE TRIGGER fiscal_year_register BEFORE INSERT ON activity_year
	FOR EACH ROW EXECUTE FUNCTION fiscal_year_register();

CREATE FUNCTION fiscal_year_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	fy integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.fiscal_year ELSE NEW.fiscal_year END;
BEGIN
	IF EXISTS (SELECT 1 FROM fiscal_year WHERE year = fy AND locked) THEN
		RAISE EXCEPTION '令和%年度 (fiscal year %) is locked: its records no longer change', fy - 2018, fy
			USING ERRCODE = 'SHLCK';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER fiscal_year_guard BEFORE INSERT OR UPDATE OR DELETE ON activity_year
	FOR EACH ROW EXECUTE FUNCTION fiscal_year_guard();
CREATE TRIGGER fiscal_year_guard BEFORE INSERT OR UPDATE ON status_request
	FOR EACH ROW EXECUTE FUNCTION fiscal_year_guard();

-- The application opens years (admins only, by the policy below) and locks them.
GRANT INSERT (activity_id, fiscal_year, plan_next) ON activity_year TO shinchoku_app;
GRANT SELECT, UPDATE (locked, locked_at, version) ON fiscal_year TO shinchoku_app;
CREATE POLICY open_year ON activity_year FOR INSERT
	WITH CHECK (app_may_edit(activity_id, ARRAY['admin']));

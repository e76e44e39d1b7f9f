-- Reporting rounds (照会): each spring the Digital Policy Division asks every
-- department for a fiscal year's results. A round has a due date; an
-- activity-year counts as updated once its record was saved after the round
-- opened. Closing the round freezes the year's report as a snapshot (確定版):
-- the printed report and its files for that year then come from the
-- snapshot, and later edits show as differences against it.

CREATE TABLE reporting_round (
	id          serial PRIMARY KEY,
	fiscal_year integer NOT NULL UNIQUE REFERENCES fiscal_year (year),
	due_date    date NOT NULL,
	state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
	opened_at   timestamptz NOT NULL DEFAULT now(),
	opened_by   integer REFERENCES app_user (id),
	closed_at   timestamptz,
	closed_by   integer REFERENCES app_user (id),
	version     integer NOT NULL DEFAULT 1 CHECK (version > 0),
	CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON reporting_round
	FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- The report as it stood when its round closed: the appendix rows (the
-- columns of report_appendix) and the plan they belong to.
CREATE TABLE report_snapshot (
	round_id    integer PRIMARY KEY REFERENCES reporting_round (id),
	fiscal_year integer NOT NULL UNIQUE,
	plan_id     integer NOT NULL REFERENCES plan (id),
	taken_at    timestamptz NOT NULL DEFAULT now(),
	appendix    jsonb NOT NULL CHECK (jsonb_typeof(appendix) = 'array')
);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON report_snapshot
	FOR EACH ROW EXECUTE FUNCTION audit_row('round_id');

-- A snapshot is written once and never changed.
CREATE FUNCTION report_snapshot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'a report snapshot (確定版) is never changed' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER immutable BEFORE UPDATE OR DELETE ON report_snapshot
	FOR EACH ROW EXECUTE FUNCTION report_snapshot_immutable();

-- The appendix of the report for fy: the snapshot when its round closed,
-- else the live table. The CSV, the XLSX and the printable page read this.
CREATE FUNCTION report_table(fy integer, plan_id integer)
RETURNS SETOF report_row LANGUAGE sql STABLE AS $$
	SELECT r.* FROM report_snapshot s, jsonb_populate_recordset(NULL::report_row, s.appendix) r
	WHERE s.fiscal_year = fy AND (report_table.plan_id IS NULL OR s.plan_id = report_table.plan_id)
	UNION ALL
	SELECT * FROM report_appendix(fy, plan_id)
	WHERE NOT EXISTS (SELECT 1 FROM report_snapshot s WHERE s.fiscal_year = fy
	                  AND (report_table.plan_id IS NULL OR s.plan_id = report_table.plan_id))
	ORDER BY 1
$$;

GRANT SELECT ON reporting_round, report_snapshot TO shinchoku_app;
GRANT INSERT ON reporting_round, report_snapshot TO shinchoku_app;
GRANT UPDATE (state, closed_at, closed_by, version) ON reporting_round TO shinchoku_app;
GRANT USAGE ON SEQUENCE reporting_round_id_seq TO shinchoku_app;

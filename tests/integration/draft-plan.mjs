// A draft plan of a test's own, made and removed through psql as the owning
// role, so that the seeded plans stay exactly as other test files expect.
import { sql } from './accounts.mjs';

export const createPlan = (title) =>
  Number(sql(`INSERT INTO plan (title) VALUES ('${title}') RETURNING id`).split('\n')[0]);

// Every row of plan id, children first (the audit trail keeps its record),
// and the scheme of its own it leaves (sql/014). An adopted plan's
// structure is read-only (sql/008): the owner unlocks it for this.
export function removePlan(id) {
  sql(`SET app.structure_unlock = 'on';
    BEGIN;
    CREATE TEMP TABLE gone_scheme ON COMMIT DROP AS SELECT scheme_id FROM plan WHERE id = ${id};
    DELETE FROM status_request WHERE activity_id IN (SELECT id FROM activity WHERE plan_id = ${id});
    DELETE FROM indicator_footnote WHERE plan_id = ${id};
    DELETE FROM indicator_value WHERE indicator_id IN (SELECT id FROM indicator WHERE plan_id = ${id});
    DELETE FROM indicator WHERE plan_id = ${id};
    DELETE FROM footnote WHERE plan_id = ${id};
    DELETE FROM activity_proposal WHERE plan_id = ${id};
    DELETE FROM activity_year WHERE activity_id IN (SELECT id FROM activity WHERE plan_id = ${id});
    DELETE FROM placement WHERE measure_id IN (SELECT id FROM measure WHERE plan_id = ${id});
    DELETE FROM activity_department WHERE activity_id IN (SELECT id FROM activity WHERE plan_id = ${id});
    DELETE FROM activity WHERE plan_id = ${id};
    DELETE FROM measure WHERE plan_id = ${id};
    DELETE FROM goal WHERE plan_id = ${id};
    DELETE FROM plan WHERE id = ${id};
    DELETE FROM scheme WHERE id IN (SELECT scheme_id FROM gone_scheme) AND id <> 1
      AND NOT EXISTS (SELECT 1 FROM plan p WHERE p.scheme_id = scheme.id);
    COMMIT;`);
}

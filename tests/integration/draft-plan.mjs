// A draft plan of a test's own, made and removed through psql as the owning
// role, so that the seeded plans stay exactly as other test files expect.
import { sql } from './accounts.mjs';

export const createPlan = (title) =>
  Number(sql(`INSERT INTO plan (title) VALUES ('${title}') RETURNING id`).split('\n')[0]);

// Every row of plan id, children first (the audit trail keeps its record).
export function removePlan(id) {
  sql(`BEGIN;
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
    COMMIT;`);
}

// A draft plan of a test's own, made and removed through psql as the owning
// role, so that the seeded plans stay exactly as other test files expect.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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

// A plan file of data/ loaded with `shinchoku import` as a user would:
// resolves to { example (the file's JSON), plan (its id), remove() }, where
// remove() takes the plan and the departments the import added away again.
export function importPlanFile(name) {
  const src = process.env.SHINCHOKU_SOURCE_DIR || process.cwd();
  const file = `${src}/data/${name}`;
  const example = JSON.parse(readFileSync(file, 'utf8'));
  const lastDepartment = Number(sql('SELECT coalesce(max(id), 0) FROM department'));
  const r = spawnSync(process.env.SHINCHOKU_BIN,
    ['import', `--config=${process.env.SHINCHOKU_TEST_CONFIG}`, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`shinchoku import ${name}: ${r.stderr}`);
  const plan = Number(sql(`SELECT id FROM plan WHERE title = '${example.plan.title}'`));
  const remove = () => {
    removePlan(plan);
    sql(`DELETE FROM department WHERE id > ${lastDepartment}`);
  };
  return { example, plan, remove };
}

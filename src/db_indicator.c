/* SQL of outcome indicators (成果指標) with their footnotes and values. */
#include "handlers.h"

/* SQL reads better laid out by hand. */
/* clang-format off */

const struct db_stmt db_indicator_stmts[] = {
    {"indicator_list",
     "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
     " 'id', i.id, 'plan_id', i.plan_id,"
     " 'goal', json_build_object('id', g.id, 'number', g.number),"
     " 'position', i.position, 'name', i.name, 'unit', i.unit,"
     " 'notes', (SELECT coalesce(json_agg(json_build_object('mark', f.mark, 'text', f.body)"
     "   ORDER BY f.mark), '[]') FROM indicator_footnote x"
     "   JOIN footnote f ON f.plan_id = x.plan_id AND f.mark = x.mark"
     "   WHERE x.indicator_id = i.id),"
     " 'values', (SELECT coalesce(json_agg(json_build_object('fiscal_year', v.fiscal_year,"
     "   'kind', v.kind, 'value', v.value, 'text', v.value_text)"
     "   ORDER BY v.kind, v.fiscal_year), '[]') FROM indicator_value v"
     "   WHERE v.indicator_id = i.id))"
     " ORDER BY i.plan_id, g.number, i.position), '[]'))::text "
     "FROM indicator i JOIN goal g ON g.id = i.goal_id WHERE ($1::int IS NULL OR i.plan_id = $1)",
     1},
    {NULL, NULL, 0},
};
/* clang-format on */

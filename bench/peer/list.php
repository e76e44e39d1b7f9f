<?php
// The PHP-FPM peer of bench/run (issue 14's "PHP-FPM ×4 + PDO, same
// list"): /api/activities?fy=&limit=&offset= served as a conventional PHP
// stack would, for the uncached list's comparison. The SQL of a
// conventional stack, joins over the normalised tables (bench/peer/list.sql,
// the portal's own list statement before sql/021, in PEER_SQL), prepared
// once per persistent connection, its rows made into the same document by
// PHP arrays and json_encode. bench/run checks that the answer is byte for
// byte the portal's before it measures.
declare(strict_types=1);

function param(string $name, int $default, int $max): int
{
    $v = $_GET[$name] ?? null;
    if ($v === null) {
        return $default;
    }
    if (!is_string($v) || !preg_match('/^(0|[1-9][0-9]{0,8})$/', $v) || (int)$v > $max) {
        http_response_code(400);
        header('Content-Type: application/json; charset=utf-8');
        echo json_encode(['error' => ['code' => 'bad_parameter', 'field' => $name]]);
        exit;
    }
    return (int)$v;
}

function int_or_null(?string $v): ?int
{
    return $v === null ? null : (int)$v;
}

$fy = param('fy', 0, 9999);
$limit = param('limit', 100, 500);
$offset = param('offset', 0, 1000000);
$params = [null, null, null, null, null, $fy === 0 ? null : $fy, null, $limit, $offset];

$db = pg_pconnect(getenv('PEER_DSN'));
// A new connection has not prepared it yet: the first call fails, once.
$r = @pg_execute($db, 'activity_list', $params);
if ($r === false) {
    pg_prepare($db, 'activity_list', file_get_contents(getenv('PEER_SQL')));
    $r = pg_execute($db, 'activity_list', $params);
}
if ($r === false) {
    http_response_code(503);
    exit;
}
$rows = pg_fetch_all($r, PGSQL_NUM);

// Rows: the header (k 0: total, fiscal year), then each item (k 1) followed
// by its departments (k 2); see bench/peer/list.sql.
$items = [];
$item = null;
foreach ($rows as $i => $x) {
    if ($i === 0) {
        continue;
    }
    if ($x[1] === '1') {
        if ($item !== null) {
            $items[] = $item;
        }
        $item = [
            'id' => (int)$x[2],
            'plan_id' => int_or_null($x[3]),
            'name' => $x[4],
            'goal' => ['id' => int_or_null($x[5]), 'number' => int_or_null($x[6])],
            'measure' => ['id' => int_or_null($x[7]), 'code' => $x[8], 'name' => $x[9]],
            'position' => int_or_null($x[10]),
            'departments' => [],
            'fiscal_year' => int_or_null($x[11]),
            'status' => $x[12],
            'status_mark' => $x[13],
            'change_reason' => $x[14] ?? '',
            'result' => $x[15] ?? '',
            'plan_next' => $x[16] ?? '',
            'version' => int_or_null($x[17]),
        ];
        if ($x[18] !== null) {
            $item['status2'] = $x[18];
            $item['status2_mark'] = $x[19];
        }
    } elseif ($x[1] === '2' && $item !== null) {
        $item['departments'][] = ['id' => (int)$x[2], 'name' => $x[4]];
    }
}
if ($item !== null) {
    $items[] = $item;
}
$doc = [
    'items' => $items,
    'total' => (int)$rows[0][2],
    'limit' => $limit,
    'offset' => $offset,
    'fiscal_year' => int_or_null($rows[0][11]),
];
header('Content-Type: application/json; charset=utf-8');
echo json_encode($doc, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_LINE_TERMINATORS);

/* The dataset validator: the real FY2024 file passes with every row in
 * place, and each kind of damage is refused with the JSON path named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "dataset_file.h"
#include "fileio.h"
#include "scale.h"

static char *original;
static size_t original_len;

static int
setup(void **state)
{
	char path[4096], err[256];
	const char *dir = getenv("SHINCHOKU_SOURCE_DIR");

	/* The scale of sql/001_schema.sql, as a connect would load it. */
	static const struct scale_level levels[] = {
	    {"exceeded", "◎", false, 1, 1},
	    {"on_schedule", "○", false, 1, 1},
	    {"delayed", "△", true, 1, 1},
	    {"not_started", "×", true, 1, 1},
	};

	(void)state;
	scale_set(levels, sizeof levels / sizeof levels[0]);
	snprintf(path, sizeof path, "%s/data/nakano-plan-r6.json", dir ? dir : ".");
	original = file_read(path, 16 << 20, &original_len, err, sizeof err);
	if (original == NULL)
		fprintf(stderr, "%s\n", err);
	return original == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(original);
	return 0;
}

static void
test_real_dataset(void **state)
{
	char err[256];
	struct dataset *ds = dataset_parse(original, original_len, err, sizeof err);
	size_t i, relisted = 0, delayed = 0, open = 0, values = 0;

	(void)state;
	assert_non_null(ds);
	assert_string_equal(ds->title, "第２次中野区地域情報化推進計画改定版");
	assert_int_equal(ds->adopted_year, 2024);
	assert_int_equal(ds->adopted_month, 3);
	assert_int_equal(ds->report_fiscal_year, 2024);
	assert_int_equal(ds->ngoals, 2);
	assert_int_equal(ds->nmeasures, 39);
	assert_int_equal(ds->nactivities, 113);
	for (i = 0; i < ds->nactivities; i++) {
		relisted += ds->activities[i].relisted_of >= 0;
		delayed += ds->activities[i].status && !strcmp(ds->activities[i].status, "delayed");
	}
	assert_int_equal(relisted, 8);
	assert_int_equal(delayed, 3);
	/* seq 55 re-lists seq 8 (1-1-③) under 2-1-①. */
	assert_int_equal(ds->activities[54].seq, 55);
	assert_int_equal(ds->activities[ds->activities[54].relisted_of].seq, 8);
	assert_string_equal(ds->measures[ds->activities[54].measure].code, "2-1-①");
	assert_string_equal(
	    ds->measures[ds->measures[ds->activities[54].measure].relisted_from].code, "1-1-③");
	assert_string_equal(
	    ds->activities[0].result_prev,
	    "夜間日曜開庁などカード受取の利便性を図った。（令和５年度交付数４４，０２５件）");
	assert_string_equal(ds->activities[0].plan_next, "（推進）");
	assert_int_equal(ds->nindicators, 10);
	for (i = 0; i < ds->nindicators; i++)
		values += ds->indicators[i].nactuals + ds->indicators[i].ntargets;
	assert_int_equal(values, 40);
	assert_int_equal(ds->nfootnotes, 3);
	assert_int_equal(ds->ntimeline, 7);
	for (i = 0; i < ds->ntimeline; i++)
		open += ds->timeline[i].open_ended;
	assert_int_equal(open, 1);
	assert_true(ds->timeline[3].open_ended);
	assert_int_equal(ds->timeline[3].month, 11);
	dataset_free(ds);
}

/* The original with the first occurrence of from replaced by to; the
 * parse must fail with a message containing expect. */
static void
expect_refused(const char *from, const char *to, const char *expect)
{
	char err[256], *text, *at;
	struct dataset *ds;
	size_t head;

	at = strstr(original, from);
	assert_non_null(at);
	head = (size_t)(at - original);
	text = malloc(original_len + strlen(to) + 1);
	assert_non_null(text);
	memcpy(text, original, head);
	strcpy(text + head, to);
	strcat(text + head, at + strlen(from));
	err[0] = '\0';
	ds = dataset_parse(text, strlen(text), err, sizeof err);
	if (ds != NULL || strstr(err, expect) == NULL)
		fail_msg("replacing %s: expected an error with \"%s\", got \"%s\"", from, expect,
		         err);
	free(text);
}

static void
test_damage_refused(void **state)
{
	(void)state;
	expect_refused("\"status\": \"○\"", "\"status\": \"◯\"", "$.activities[0].status");
	expect_refused("\"measure\": \"1-1-①\"", "\"measure\": \"9-9-⑨\"",
	               "$.activities[0].measure");
	expect_refused("\"seq\": 1,", "\"seq\": 2,", "$.activities[1].seq: 2 appears twice");
	expect_refused("\"relisted_of_seq\": 8", "\"relisted_of_seq\": 56",
	               "relisted_of_seq: must name a reported row");
	expect_refused("\"relisted_of_seq\": 8", "\"relisted_of_seq\": 999",
	               "relisted_of_seq: no row with that seq");
	expect_refused("\"○\": 102", "\"○\": 101", "$.status_counts_reported.○");
	expect_refused("\"code\": \"1-1-②\"", "\"code\": \"1-1-③\"", "$.measures[1].code");
	expect_refused("\"※1\"\n", "\"※9\"\n", "$.indicators[0].notes[0]");
	expect_refused("\"report_fiscal_year\": 2024", "\"report_fiscal_year\": \"2024\"",
	               "$.plan.report_fiscal_year: must be an integer");
	expect_refused("\"adopted\": \"2024-03\"", "\"adopted\": \"2024-13\"", "$.plan.adopted");
	expect_refused("\"date\": \"2025-08\"", "\"date\": \"2025/08\"", "$.timeline[0].date");
	expect_refused("\"戸籍住民課\"", "\"\"", "$.activities[0].departments[0]");
	expect_refused("\"result_2024\": \"", "\"result_2024x\": \"",
	               "$.activities[0].result_2024: missing");
	expect_refused("\"name\": \"マイナンバーカードの普及促進\"", "\"name\": \"a\\u0001b\"",
	               "$.measures[0].name: must be UTF-8 text");
	expect_refused("\"goal\": 1,", "\"goal\": 7,", "$.indicators[0].goal: no goal 7");
}

static void
test_not_json(void **state)
{
	char err[256];

	(void)state;
	assert_null(dataset_parse("{\"plan\": ", 9, err, sizeof err));
	assert_non_null(strstr(err, "not JSON"));
	assert_null(dataset_parse("{} x", 4, err, sizeof err));
	assert_non_null(strstr(err, "not JSON"));
	assert_null(dataset_parse("[]", 2, err, sizeof err));
	assert_string_equal(err, "$: must be an object");
	assert_null(dataset_load("/nonexistent/file.json", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/file.json"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_dataset),
	    cmocka_unit_test(test_damage_refused),
	    cmocka_unit_test(test_not_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

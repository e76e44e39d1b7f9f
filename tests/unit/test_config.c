/* Settings: defaults, file syntax, validation and command-line overrides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#include "config.h"

static void
test_defaults(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.socket_mode, 0660);
	assert_int_equal(c.max_requests, 10000);
	assert_int_equal(c.body_limit, 1024 * 1024);
	assert_string_equal(c.sql_dir, "sql");
	/* The workers' time limits stay well under nginx's 60 s. */
	assert_int_equal(c.db_statement_timeout_ms, 10000);
	assert_int_equal(c.db_lock_timeout_ms, 5000);
	assert_int_equal(c.db_idle_tx_timeout_ms, 10000);
}

static void
test_time_limits(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load_text(&c,
	                                  "db_statement_timeout_ms = 2500\n"
	                                  "db_lock_timeout_ms = 0\n",
	                                  "t.conf", err, sizeof err),
	                 0);
	assert_int_equal(c.db_statement_timeout_ms, 2500);
	assert_int_equal(c.db_lock_timeout_ms, 0);
	assert_int_equal(config_set(&c, "db-idle-tx-timeout-ms", "750", err, sizeof err), 0);
	assert_int_equal(c.db_idle_tx_timeout_ms, 750);
	assert_int_equal(config_set(&c, "db_lock_timeout_ms", "-1", err, sizeof err), -1);
	assert_non_null(strstr(err, "db_lock_timeout_ms"));
	assert_int_equal(config_set(&c, "db_statement_timeout_ms", "3600001", err, sizeof err), -1);
	assert_int_equal(c.db_statement_timeout_ms, 2500);
}

static void
test_file_syntax(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load_text(&c,
	                                  "# comment\n"
	                                  "\n"
	                                  "listen = unix:/run/shinchoku.sock\n"
	                                  "  workers=4  \n"
	                                  "socket_mode = 0600\n"
	                                  "db = \"host=/tmp dbname=x user=shinchoku_app\"\n"
	                                  "max_requests = 0",
	                                  "t.conf", err, sizeof err),
	                 0);
	assert_string_equal(c.listen, "unix:/run/shinchoku.sock");
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.socket_mode, 0600);
	assert_int_equal(c.max_requests, 0);
	assert_string_equal(c.db, "host=/tmp dbname=x user=shinchoku_app");
}

static void
test_errors_name_line_and_key(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(
	    config_load_text(&c, "workers = 2\nwokers = 3\n", "a.conf", err, sizeof err), -1);
	assert_string_equal(err, "a.conf:2: unknown setting \"wokers\"");
	assert_int_equal(config_load_text(&c, "workers = many", "b.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "b.conf:1: workers:"));
	assert_int_equal(config_load_text(&c, "workers", "c.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "expected key = value"));
	assert_int_equal(config_set(&c, "grace_seconds", "0", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "body_limit", "10", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "socket_mode", "0999", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "workers", "-1", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "workers", "2x", err, sizeof err), -1);
	/* A failed setting leaves the previous value. */
	assert_int_equal(c.workers, 2);
}

static void
test_overrides(void **state)
{
	struct config c;
	char err[256], big[2000];

	(void)state;
	config_defaults(&c);
	/* --max-requests on the command line is the key max_requests. */
	assert_int_equal(config_set(&c, "max-requests", "50", err, sizeof err), 0);
	assert_int_equal(c.max_requests, 50);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(config_set(&c, "listen", big, err, sizeof err), -1);
	assert_non_null(strstr(err, "listen: longer than"));
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/shinchoku-test-config-XXXXXX", err[512];
	struct config c;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("workers = 3\npid_file = /tmp/x.pid\n", f);
	fclose(f);
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, err, sizeof err), 0);
	assert_int_equal(c.workers, 3);
	assert_string_equal(c.pid_file, "/tmp/x.pid");
	unlink(path);
	assert_int_equal(config_load_file(&c, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "No such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),    cmocka_unit_test(test_file_syntax),
	    cmocka_unit_test(test_time_limits), cmocka_unit_test(test_errors_name_line_and_key),
	    cmocka_unit_test(test_overrides),   cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The command-line jobs: argument checks, the db_admin connection, then
 * the job (migrate.c, import.c, useradd.c, report/yearimport.c). */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <json-c/json.h>

#include "crypto.h"
#include "db.h"
#include "fileio.h"
#include "import.h"
#include "log.h"
#include "migrate.h"
#include "useradd.h"
#include "valid.h"
#include "yearimport.h"

const char cli_usage[] =
    "usage: shinchoku COMMAND [--config=FILE] [--KEY=VALUE ...] [ARGS]\n"
    "\n"
    "commands:\n"
    "  serve      run the FastCGI master and its workers\n"
    "  migrate    apply the SQL migrations in sql_dir to db_admin\n"
    "  import     load a plan dataset (JSON) into db_admin:\n"
    "             import [--timeline-plan=TITLE] [--if-empty] FILE\n"
    "             or a year's updates in the columns of progress.csv (rolled\n"
    "             back unless every row is right; the report goes to stdout):\n"
    "             import --fiscal-year=YYYY [--plan=ID] [--dry-run] [--decided] FILE.csv\n"
    "  user add   create a user in db_admin, the password read from stdin:\n"
    "             user add LOGIN ROLE DEPARTMENT|- DISPLAY_NAME [--if-missing]\n"
    "  statement  print the SQL of a prepared statement: statement NAME\n"
    "  --help     this text\n"
    "  --version  the version\n"
    "\n"
    "settings (config file lines \"key = value\", or --key=value):\n"
    "  listen, socket_mode, socket_group, workers, max_requests, grace_seconds,\n"
    "  db, db_admin, sql_dir, body_limit, pid_file, session_idle_minutes,\n"
    "  session_max_hours, cookie_secure, login_max_failures, addr_max_failures,\n"
    "  login_lock_minutes, db_statement_timeout_ms, db_lock_timeout_ms,\n"
    "  db_idle_tx_timeout_ms\n";

/* The owning role's connection, with every statement prepared and the
 * scale loaded (db_ensure); NULL (logged) when it cannot connect. */
static struct db *
admin_db(const struct config *cfg)
{
	struct db *db = db_new(cfg->db_admin);

	if (db != NULL && db_ensure(db) == 0)
		return db;
	log_error("cannot connect to db_admin");
	db_free(db);
	return NULL;
}

/* A year's updates from a CSV file; the report (JSON) goes to stdout. */
static int
import_year(const struct config *cfg, const char *file, const struct yearimport_options *opt)
{
	struct json_object *report = NULL;
	enum yearimport_result rc;
	char err[256];
	size_t len;
	char *text;
	struct db *db;

	if ((text = file_read(file, 16u << 20, &len, err, sizeof err)) == NULL) {
		log_error("import: %s", err);
		return 1;
	}
	if ((db = admin_db(cfg)) == NULL) {
		free(text);
		return 1;
	}
	rc = yearimport_run(db, text, len, opt, &report);
	puts(json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY |
	                                                JSON_C_TO_STRING_NOSLASHESCAPE));
	if (rc == YI_PROBLEMS)
		log_error("import: %s has problems; nothing was imported", file);
	else if (rc == YI_DB_ERROR)
		log_error("import: the database failed; nothing was imported");
	json_object_put(report);
	db_free(db);
	free(text);
	return rc == YI_OK ? 0 : 1;
}

int
cli_import(const struct config *cfg, int argc, char **argv)
{
	struct import_options opt = {0};
	struct yearimport_options year = {0};
	const char *file = NULL;
	struct db *db;
	int64_t fy;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--timeline-plan=", 16) == 0)
			opt.timeline_plan = argv[i] + 16;
		else if (strcmp(argv[i], "--if-empty") == 0)
			opt.if_empty = true;
		else if (strcmp(argv[i], "--dry-run") == 0)
			year.dry_run = true;
		else if (strcmp(argv[i], "--decided") == 0)
			year.decided = true;
		else if (strncmp(argv[i], "--plan=", 7) == 0 &&
		         valid_int(argv[i] + 7, 1, INT32_MAX, &fy))
			year.plan = fy;
		else if (strncmp(argv[i], "--fiscal-year=", 14) == 0 &&
		         valid_int(argv[i] + 14, FY_MIN, FY_MAX, &fy))
			year.fiscal_year = (int)fy;
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else {
			fprintf(stderr, "import: unexpected argument %s\n%s", argv[i], cli_usage);
			return 2;
		}
	}
	if (file == NULL) {
		fprintf(stderr, "import: no dataset file given\n%s", cli_usage);
		return 2;
	}
	if (year.fiscal_year != 0)
		return import_year(cfg, file, &year);
	/* import_file connects once it has read the file. */
	if ((db = db_new(cfg->db_admin)) == NULL) {
		log_error("import: out of memory");
		return 1;
	}
	rc = import_file(db, file, &opt);
	db_free(db);
	return rc == 0 ? 0 : 1;
}

int
cli_migrate(const struct config *cfg, int argc, char **argv)
{
	struct db *db;
	int rc;

	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "migrate: takes no arguments\n%s", cli_usage);
		return 2;
	}
	/* Without preparing: the tables the statements name may not exist yet. */
	if ((db = db_new(cfg->db_admin)) == NULL || db_connect_only(db) != 0) {
		log_error("cannot connect to db_admin");
		db_free(db);
		return 1;
	}
	rc = migrate_run(db, cfg->sql_dir);
	db_free(db);
	return rc == 0 ? 0 : 1;
}

/* The password, the first line of stdin; without echo on a terminal. */
static int
read_password(char *buf, size_t size)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	char *ok;

	if (tty) {
		fputs("password: ", stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ok = fgets(buf, (int)size, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (ok == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int
cli_user(const struct config *cfg, int argc, char **argv)
{
	struct useradd u = {0};
	char password[256];
	struct db *db;
	int rc;

	if (argc >= 1 && strcmp(argv[argc - 1], "--if-missing") == 0)
		u.if_missing = true, argc--;
	if (argc != 5 || strcmp(argv[0], "add") != 0) {
		fprintf(stderr, "user: expected add LOGIN ROLE DEPARTMENT|- DISPLAY_NAME\n%s",
		        cli_usage);
		return 2;
	}
	u.login = argv[1], u.role = argv[2], u.display_name = argv[4];
	u.department = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
	if (read_password(password, sizeof password) != 0) {
		crypto_wipe(password, sizeof password);
		log_error("user add: no password on stdin");
		return 2;
	}
	if ((db = admin_db(cfg)) == NULL) {
		crypto_wipe(password, sizeof password);
		return 1;
	}
	rc = useradd_run(db, &u, password);
	/* useradd_run wiped the password up to its NUL; this wipes the rest
	 * of the buffer (what fgets read after a \r, say). */
	crypto_wipe(password, sizeof password);
	db_free(db);
	return rc == 0 ? 0 : 1;
}

int
cli_statement(int argc, char **argv)
{
	const char *sql;

	if (argc != 1) {
		fprintf(stderr, "statement: one statement name expected\n%s", cli_usage);
		return 2;
	}
	if ((sql = db_statement_sql(argv[0])) == NULL) {
		fprintf(stderr, "statement: no statement %s\n", argv[0]);
		return 1;
	}
	printf("%s\n", sql);
	return 0;
}

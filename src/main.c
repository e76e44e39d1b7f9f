/* shinchoku: one binary, a few subcommands. Settings come from the config
 * file and then --key=value overrides; the same parsing serves a reload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "db.h"
#include "fileio.h"
#include "handlers.h"
#include "import.h"
#include "log.h"
#include "master.h"
#include "migrate.h"
#include "useradd.h"
#include "valid.h"
#include "yearimport.h"

static const char usage[] =
    "usage: shinchoku COMMAND [--config=FILE] [--KEY=VALUE ...] [ARGS]\n"
    "\n"
    "commands:\n"
    "  serve      run the FastCGI master and its workers\n"
    "  migrate    apply the SQL migrations in sql_dir to db_admin\n"
    "  import     load a plan dataset (JSON) into db_admin:\n"
    "             import [--timeline-plan=TITLE] [--if-empty] FILE\n"
    "             or a year's updates in the columns of progress.csv (rolled\n"
    "             back unless every row is right; the report goes to stdout):\n"
    "             import --fiscal-year=YYYY [--dry-run] [--decided] FILE.csv\n"
    "  user add   create a user in db_admin, the password read from stdin:\n"
    "             user add LOGIN ROLE DEPARTMENT|- DISPLAY_NAME [--if-missing]\n"
    "  --help     this text\n"
    "  --version  the version\n"
    "\n"
    "settings (config file lines \"key = value\", or --key=value):\n"
    "  listen, socket_mode, socket_group, workers, max_requests, grace_seconds,\n"
    "  db, db_admin, sql_dir, body_limit, pid_file, session_idle_minutes,\n"
    "  session_max_hours, cookie_secure, login_max_failures, addr_max_failures,\n"
    "  login_lock_minutes\n";

/* What the command line said, kept so that a reload can apply it again. */
static struct {
	const char *config_file;
	char **overrides;
	int noverrides;
} cli;

static int
load_settings(struct config *cfg)
{
	char err[1024], key[64];
	const char *arg, *eq;
	int i;

	config_defaults(cfg);
	if (cli.config_file != NULL && config_load_file(cfg, cli.config_file, err, sizeof err)) {
		log_error("%s", err);
		return -1;
	}
	for (i = 0; i < cli.noverrides; i++) {
		arg = cli.overrides[i] + 2;
		eq = strchr(arg, '=');
		snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
		if (config_set(cfg, key, eq + 1, err, sizeof err) != 0) {
			log_error("--%s", err);
			return -1;
		}
	}
	return 0;
}

/* The owning role's connection, with the statements of sets prepared
 * (NULL: none; the year import uses the server's). */
static struct db *
admin_db(const struct config *cfg, const struct db_stmt *const *sets)
{
	struct db *db = db_new(cfg->db_admin);

	if (db != NULL && db_ensure(db, sets) == 0)
		return db;
	log_error("cannot connect to db_admin");
	db_free(db);
	return NULL;
}

/* A year's updates from a CSV file; the report (JSON) goes to stdout. */
static int
cmd_import_year(const struct config *cfg, const char *file, const struct yearimport_options *opt)
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
	if ((db = admin_db(cfg, app_statements)) == NULL) {
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

static int
cmd_import(const struct config *cfg, int argc, char **argv)
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
		else if (strncmp(argv[i], "--fiscal-year=", 14) == 0 &&
		         valid_int(argv[i] + 14, FY_MIN, FY_MAX, &fy))
			year.fiscal_year = (int)fy;
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else {
			fprintf(stderr, "import: unexpected argument %s\n%s", argv[i], usage);
			return 2;
		}
	}
	if (file == NULL) {
		fprintf(stderr, "import: no dataset file given\n%s", usage);
		return 2;
	}
	if (year.fiscal_year != 0)
		return cmd_import_year(cfg, file, &year);
	if ((db = admin_db(cfg, NULL)) == NULL)
		return 1;
	rc = import_file(db, file, &opt);
	db_free(db);
	return rc == 0 ? 0 : 1;
}

static int
cmd_migrate(const struct config *cfg, int argc)
{
	struct db *db;
	int rc;

	if (argc > 0) {
		fprintf(stderr, "migrate: takes no arguments\n%s", usage);
		return 2;
	}
	if ((db = admin_db(cfg, NULL)) == NULL)
		return 1;
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

static int
cmd_user(const struct config *cfg, int argc, char **argv)
{
	struct useradd u = {0};
	char password[256];
	struct db *db;
	int rc;

	if (argc >= 1 && strcmp(argv[argc - 1], "--if-missing") == 0)
		u.if_missing = true, argc--;
	if (argc != 5 || strcmp(argv[0], "add") != 0) {
		fprintf(stderr, "user: expected add LOGIN ROLE DEPARTMENT|- DISPLAY_NAME\n%s",
		        usage);
		return 2;
	}
	u.login = argv[1], u.role = argv[2], u.display_name = argv[4];
	u.department = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
	if (read_password(password, sizeof password) != 0) {
		log_error("user add: no password on stdin");
		return 2;
	}
	if ((db = admin_db(cfg, NULL)) == NULL)
		return 1;
	rc = useradd_run(db, &u, password);
	db_free(db);
	return rc == 0 ? 0 : 1;
}

/* Splits argv after the command into settings (--key=value, --config=)
 * and the command's own arguments, which stay in order in rest. */
static int
split_args(int argc, char **argv, char **rest, int *nrest)
{
	int i;

	cli.overrides = argv;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--config=", 9) == 0)
			cli.config_file = argv[i] + 9;
		else if (strncmp(argv[i], "--", 2) == 0 && strchr(argv[i], '=') != NULL &&
		         strncmp(argv[i], "--timeline-plan=", 16) != 0 &&
		         strncmp(argv[i], "--fiscal-year=", 14) != 0)
			argv[cli.noverrides++] = argv[i];
		else
			rest[(*nrest)++] = argv[i];
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	char **rest;
	int nrest = 0, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("shinchoku %s\n", SHINCHOKU_VERSION);
		return 0;
	}
	if ((rest = calloc((size_t)argc, sizeof *rest)) == NULL)
		return 1;
	split_args(argc - 2, argv + 2, rest, &nrest);
	if (load_settings(&cfg) != 0) {
		rc = 2;
	} else if (strcmp(argv[1], "serve") == 0) {
		rc = nrest == 0 ? master_run(&cfg, load_settings) : 2;
		if (nrest != 0)
			fprintf(stderr, "serve: unexpected argument %s\n", rest[0]);
	} else if (strcmp(argv[1], "migrate") == 0) {
		rc = cmd_migrate(&cfg, nrest);
	} else if (strcmp(argv[1], "import") == 0) {
		rc = cmd_import(&cfg, nrest, rest);
	} else if (strcmp(argv[1], "user") == 0) {
		rc = cmd_user(&cfg, nrest, rest);
	} else {
		fprintf(stderr, "unknown command \"%s\"\n%s", argv[1], usage);
		rc = 2;
	}
	free(rest);
	return rc;
}

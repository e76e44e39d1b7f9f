/* shinchoku: one binary, a few subcommands. Settings come from the config
 * file and then --key=value overrides; the same parsing serves a reload.
 * serve runs the master (master.c); the others are in cli/commands.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "log.h"
#include "master.h"

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
		fputs(cli_usage, argc < 2 ? stderr : stdout);
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
		rc = cli_migrate(&cfg, nrest, rest);
	} else if (strcmp(argv[1], "import") == 0) {
		rc = cli_import(&cfg, nrest, rest);
	} else if (strcmp(argv[1], "user") == 0) {
		rc = cli_user(&cfg, nrest, rest);
	} else if (strcmp(argv[1], "statement") == 0) {
		rc = cli_statement(nrest, rest);
	} else {
		fprintf(stderr, "unknown command \"%s\"\n%s", argv[1], cli_usage);
		rc = 2;
	}
	free(rest);
	return rc;
}

/* The subcommands of the shinchoku binary other than serve, each given the
 * settings and its own arguments (in order, settings taken out). Each
 * returns the process exit status: 0 done, 1 failed (logged), 2 misused
 * (the usage printed). */
#ifndef SHINCHOKU_COMMANDS_H
#define SHINCHOKU_COMMANDS_H

#include "config.h"

/* The text of --help. */
extern const char cli_usage[];

/* migrate: takes no arguments. */
int cli_migrate(const struct config *cfg, int argc, char **argv);
/* import [--timeline-plan=TITLE] [--if-empty] FILE
 * import --fiscal-year=YYYY [--dry-run] [--decided] FILE.csv */
int cli_import(const struct config *cfg, int argc, char **argv);
/* user add LOGIN ROLE DEPARTMENT|- DISPLAY_NAME [--if-missing], the
 * password the first line of stdin. */
int cli_user(const struct config *cfg, int argc, char **argv);
/* statement NAME: prints the SQL of a prepared statement (bench/run gives
 * it to pgbench); 1 when there is none. */
int cli_statement(int argc, char **argv);

#endif

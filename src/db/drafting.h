/* Writing the next plan: the structure of a draft plan (goals, measures,
 * activities, their departments), staff proposals of activities, measures
 * carried over from another plan, the comparison of two plans, and the
 * outcome indicators with their values and footnotes. */
#ifndef SHINCHOKU_DB_DRAFTING_H
#define SHINCHOKU_DB_DRAFTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* Every write of this resource, one per route. */
enum db_dr_op {
	DR_GOAL_CREATE,     /* id plan; num[0] number; text[0] title */
	DR_GOAL_UPDATE,     /* id goal, version; num[0] number?; text[0] title? */
	DR_GOAL_DELETE,     /* id goal, version */
	DR_MEASURE_CREATE,  /* id plan; text[0] code, text[1] name */
	DR_MEASURE_UPDATE,  /* id measure, version; text[0] code?, text[1] name? */
	DR_MEASURE_DELETE,  /* id measure, version */
	DR_ACTIVITY_CREATE, /* id measure; text[0] name; num[0] position? */
	DR_ACTIVITY_UPDATE, /* id activity, version; text[0] name?; num[0] position?, num[1]
	                       measure? */
	DR_ACTIVITY_DELETE, /* id activity, version */
	DR_DEPT_ADD,        /* id activity; num[0] department, num[1] position? */
	DR_DEPT_MOVE,       /* id activity, id2 department, version; num[0] position */
	DR_DEPT_REMOVE,     /* id activity, id2 department, version */
	DR_CARRY_OVER,      /* id plan (the draft); num[0] measure of another plan; text[0] code? */
	DR_PROPOSE, /* id plan; num[0] measure, num[1] department; text[0] name, text[1] note? */
	DR_DECIDE,  /* id proposal, version; flag accept; text[0] comment? */
	DR_INDICATOR_CREATE, /* id plan; num[0] goal, num[1] position?; text[0] name, text[1] unit
	                      */
	DR_INDICATOR_UPDATE, /* id indicator, version; num[0] goal?, num[1] position?; text[0]
	                        name?, text[1] unit? */
	DR_INDICATOR_DELETE, /* id indicator, version */
	DR_VALUE_CREATE,     /* id indicator; num[0] fiscal year; text[0] kind, text[1] value ("":
	                        none), text[2] text as reported */
	DR_VALUE_UPDATE,    /* id indicator, id2 fiscal year, version; text[0] kind, text[1] value?,
	                       text[2] text? */
	DR_VALUE_DELETE,    /* id indicator, id2 fiscal year, version; text[0] kind */
	DR_FOOTNOTE_CREATE, /* id plan; num[0] number (※n); text[0] text */
	DR_FOOTNOTE_UPDATE, /* id plan, id2 number, version; text[0] text */
	DR_NOTE_ADD,        /* id indicator; num[0] footnote number */
	DR_NOTE_REMOVE,     /* id indicator, id2 footnote number */
	DR_NOPS
};

struct db_dr_write {
	enum db_dr_op op;
	int64_t id, id2; /* the path's ids, as the op says */
	int64_t version; /* If-Match, for the ops that say version */
	const char *text[3];
	int64_t num[2]; /* 0: absent */
	bool flag;
};

/* user (an admin, or for DR_PROPOSE staff of the department) does w, in one
 * audited transaction. Returns
 *   DB_OK       *json the record written (a removal: what was removed),
 *               *version its version (0 when it has none);
 *   DB_STALE    the version is not current (or a proposal was decided
 *               already): *json and *version the record as it is now;
 *   DB_MISSING  no such record (or, carrying over, no such measure in
 *               another plan);
 *   DB_DENIED   the user may not (not an admin; a proposal for another
 *               department);
 *   DB_REFUSED  a rule of the database: the plan is no draft (SHDRF), a
 *               taken code or number (23505), a removal something depends
 *               on (23503), …: see db/refusal.c;
 *   DB_AWAY, DB_BUG. Nothing changed unless DB_OK. */
enum db_rc db_drafting_write(struct db *db, int user, const struct db_dr_write *w, char **json,
                             int64_t *version);

/* The reads. */
enum db_dr_read {
	DR_OUTLINE,    /* id plan: goals, measures, activities with versions and origins */
	DR_MEASURE,    /* id measure */
	DR_PROPOSALS,  /* id plan; id2 the user: what they may see */
	DR_COMPARISON, /* id the draft; id2 the plan compared with (0: the adopted one) */
	DR_INDICATOR,  /* id indicator, with versions of its values */
};
/* DB_OK with *json; DB_MISSING when the plan (measure, indicator) is not
 * there; DB_AWAY, DB_BUG. */
enum db_rc db_drafting_read(struct db *db, enum db_dr_read what, int64_t id, int64_t id2,
                            char **json);

/* The comparison as a table for the CSV: DB_COMPARE_COLUMNS texts a row,
 * cells[row * DB_COMPARE_COLUMNS + col], owned by the struct. */
#define DB_COMPARE_COLUMNS 9
struct db_compare_table {
	size_t nrows;
	const char **cells;
	void *result; /* what the cells point into */
};
/* DB_OK with the table, DB_MISSING when either plan is not there. */
enum db_rc db_drafting_compare_table(struct db *db, int64_t draft, int64_t with,
                                     struct db_compare_table *out);
void db_drafting_compare_free(struct db_compare_table *t);

#endif

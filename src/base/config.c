/* Settings: defaults, then a file, then --key=value overrides. Each key is
 * one row of the table below with its own validator, so a typo or a bad
 * value is an error naming the key, never silently ignored. */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ckind { C_STR, C_INT, C_LONG, C_SIZE, C_MODE };

struct ckey {
	const char *name;
	enum ckind kind;
	size_t off;
	size_t size; /* of a string buffer */
	long long min, max;
};

#define STR(f)                                                                                     \
	{                                                                                          \
#f, C_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0       \
	}
#define NUM(f, k, lo, hi)                                                                          \
	{                                                                                          \
#f, k, offsetof(struct config, f), 0, lo, hi                                       \
	}

static const struct ckey config_keys[] = {
    STR(listen),
    NUM(socket_mode, C_MODE, 0, 0777),
    STR(socket_group),
    NUM(workers, C_INT, 0, 256),
    NUM(max_requests, C_LONG, 0, 1000000000),
    NUM(grace_seconds, C_INT, 1, 3600),
    STR(db),
    STR(db_admin),
    STR(sql_dir),
    NUM(body_limit, C_SIZE, 1024, 64 * 1024 * 1024),
    STR(pid_file),
    NUM(session_idle_minutes, C_INT, 1, 24 * 60),
    NUM(session_max_hours, C_INT, 1, 24 * 30),
    NUM(cookie_secure, C_INT, 0, 1),
    NUM(login_max_failures, C_INT, 1, 1000),
    NUM(addr_max_failures, C_INT, 1, 100000),
    NUM(login_lock_minutes, C_INT, 1, 24 * 60),
    NUM(db_statement_timeout_ms, C_INT, 0, 3600 * 1000),
    NUM(db_lock_timeout_ms, C_INT, 0, 3600 * 1000),
    NUM(db_idle_tx_timeout_ms, C_INT, 0, 3600 * 1000),
    NUM(response_cache_kb, C_INT, 0, 1024 * 1024),
    NUM(cache_trust_notify, C_INT, 0, 1),
};

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:9000");
	c->socket_mode = 0660;
	c->workers = 0;
	c->max_requests = 10000;
	c->grace_seconds = 10;
	snprintf(c->db, sizeof c->db, "dbname=shinchoku user=shinchoku_app connect_timeout=3");
	snprintf(c->db_admin, sizeof c->db_admin, "dbname=shinchoku user=shinchoku");
	snprintf(c->sql_dir, sizeof c->sql_dir, "sql");
	c->body_limit = 1024 * 1024;
	c->session_idle_minutes = 60;
	c->session_max_hours = 12;
	c->login_max_failures = 5;
	c->addr_max_failures = 50;
	c->login_lock_minutes = 15;
	/* Well under nginx's fastcgi_read_timeout (60 s), so that the worker
	 * answers before nginx gives up and a write it could not finish in
	 * time is rolled back, not committed after the client saw an error. */
	c->db_statement_timeout_ms = 10000;
	c->db_lock_timeout_ms = 5000;
	c->db_idle_tx_timeout_ms = 10000;
	/* 1.5 MiB a worker: the year's lists, the report's files and their
	 * compressed copies, and a full cache leaves a worker well under
	 * 10 MiB resident (about 8 MiB measured). */
	c->response_cache_kb = 1536;
}

static const struct ckey *
config_find(const char *key)
{
	char norm[64];
	size_t i;

	/* --max-requests and max_requests name the same key. */
	for (i = 0; key[i] != '\0' && i < sizeof norm - 1; i++)
		norm[i] = key[i] == '-' ? '_' : key[i];
	norm[i] = '\0';
	for (i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++)
		if (strcmp(config_keys[i].name, norm) == 0)
			return &config_keys[i];
	return NULL;
}

static int
config_number(const struct ckey *k, const char *value, long long *out)
{
	char *end;
	long long v;

	if (*value == '\0' || isspace((unsigned char)*value) || *value == '+')
		return -1;
	errno = 0;
	v = strtoll(value, &end, k->kind == C_MODE ? 8 : 10);
	if (errno != 0 || *end != '\0' || v < k->min || v > k->max)
		return -1;
	*out = v;
	return 0;
}

int
config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const struct ckey *k = config_find(key);
	char *field;
	long long v;

	if (k == NULL) {
		snprintf(err, errlen, "unknown setting \"%s\"", key);
		return -1;
	}
	field = (char *)c + k->off;
	if (k->kind == C_STR) {
		if (strlen(value) >= k->size) {
			snprintf(err, errlen, "%s: longer than %zu bytes", k->name, k->size - 1);
			return -1;
		}
		memcpy(field, value, strlen(value) + 1);
		return 0;
	}
	if (config_number(k, value, &v) != 0) {
		snprintf(err, errlen, "%s: \"%s\" is not a %s from %lld to %lld", k->name, value,
		         k->kind == C_MODE ? "octal mode" : "whole number", k->min, k->max);
		return -1;
	}
	switch (k->kind) {
	case C_INT:
		*(int *)field = (int)v;
		break;
	case C_LONG:
		*(long *)field = (long)v;
		break;
	case C_SIZE:
		*(size_t *)field = (size_t)v;
		break;
	case C_MODE:
		*(unsigned *)field = (unsigned)v;
		break;
	case C_STR:
		break;
	}
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* key = value, value optionally in double quotes (for conninfo strings). */
static int
config_line(struct config *c, char *line, char *msg, size_t msglen)
{
	char *eq, *key, *value;
	size_t n;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(msg, msglen, "expected key = value");
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	n = strlen(value);
	if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		value[n - 1] = '\0';
		value++;
	}
	return config_set(c, key, value, msg, msglen);
}

int
config_load_text(struct config *c, const char *text, const char *name, char *err, size_t errlen)
{
	char line[2048], msg[512];
	const char *p = text, *nl;
	int lineno = 0;
	size_t n;

	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof line) {
			snprintf(err, errlen, "%s:%d: line too long", name, lineno);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (config_line(c, line, msg, sizeof msg) != 0) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
			return -1;
		}
		p += n + (nl != NULL);
	}
	return 0;
}

int
config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	char buf[65536];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	if (ferror(f) || !feof(f)) {
		snprintf(err, errlen, "%s: %s", path, ferror(f) ? "read error" : "file too large");
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	return config_load_text(c, buf, path, err, errlen);
}

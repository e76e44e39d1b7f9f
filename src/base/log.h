/* Logging to stderr, one line per event, prefixed with time and pid. */
#ifndef SHINCHOKU_LOG_H
#define SHINCHOKU_LOG_H

#include <stdarg.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The access line: time, worker pid, method, path, status, duration in µs. */
void log_request(const char *method, const char *path, int status, long long micros);

#endif

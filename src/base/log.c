/* Every line goes to stderr in one write(2), so lines from concurrent
 * workers sharing the file never interleave mid-line. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048

/* Declared a printf-style function so that the compilers check its
 * callers' formats (clang's -Wformat-nonliteral asks for it). */
static void log_line(const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	struct timeval tv;
	struct tm tm;
	size_t n, i;
	int m;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
	m = snprintf(line + n, sizeof line - n, ".%03ld [%ld] %s ", (long)(tv.tv_usec / 1000),
	             (long)getpid(), level);
	if (m > 0 && (size_t)m < sizeof line - n)
		n += (size_t)m;
	m = vsnprintf(line + n, sizeof line - n, fmt, ap);
	if (m < 0)
		m = 0;
	n = ((size_t)m < sizeof line - n) ? n + (size_t)m : sizeof line - 1;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
		n--;
	/* libpq messages span lines; one event stays one line for grep. */
	for (i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\t')
			line[i] = ' ';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* Nowhere left to report a failing stderr. */
	}
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

static void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
log_access(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("access", fmt, ap);
	va_end(ap);
}

void
log_request(const char *method, const char *path, int status, long long micros)
{
	log_access("%s %s %d %lldus", method, path, status, micros);
}

/* The worker loop. SIGTERM is blocked except while waiting for a connection
 * in epoll_pwait(2), so a stop request can never interrupt a request in flight:
 * it is noticed between requests, and the worker exits after finishing the
 * one it has. The listening socket is non-blocking, so a worker that loses
 * the race for a connection to a sibling gets EAGAIN instead of sleeping in
 * accept(2) where no signal could reach it. */
#include "worker.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "api.h"
#include "crypto.h"
#include "fcgi_out.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "text.h"
#include "version.h"

static volatile sig_atomic_t worker_stopping;

static void
worker_on_term(int sig)
{
	(void)sig;
	worker_stopping = 1;
}

static char *
param_dup(FCGX_Request *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->envp);

	/* libfcgi's strings die at the next accept: keep copies. */
	return v ? strdup(v) : NULL;
}

/* CONTENT_LENGTH must be digits only; anything else is a 400. */
static int
read_body(FCGX_Request *r, struct http_request *req, size_t limit, struct http_response *res)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", r->envp);
	int64_t n = 0;
	int got;

	if (cl == NULL || *cl == '\0')
		return 0;
	if (!valid_int(cl, 0, INT64_MAX, &n)) {
		http_error(res, 400, "bad_request", "Content-Length", "malformed Content-Length");
		return -1;
	}
	if ((size_t)n > limit) {
		/* Answer without reading: the limit exists to protect memory. */
		http_error(res, 413, "too_large", NULL, "request body over %zu bytes", limit);
		return -1;
	}
	if (n == 0)
		return 0;
	if ((req->body = malloc((size_t)n + 1)) == NULL) {
		http_error(res, 500, "internal", NULL, "out of memory");
		return -1;
	}
	got = FCGX_GetStr(req->body, (int)n, r->in);
	if (got != (int)n) {
		http_error(res, 400, "bad_request", NULL,
		           "request body shorter than Content-Length");
		return -1;
	}
	req->body[n] = '\0';
	req->content_length = (size_t)n;
	return 0;
}

static int
read_request(FCGX_Request *r, struct http_request *req, size_t limit, struct http_response *res)
{
	const char *uri = FCGX_GetParam("DOCUMENT_URI", r->envp);

	req->method_name = param_dup(r, "REQUEST_METHOD");
	req->method = http_method_parse(req->method_name);
	req->path = strdup(uri ? uri : "/");
	req->query = param_dup(r, "QUERY_STRING");
	req->content_type = param_dup(r, "CONTENT_TYPE");
	req->cookie = param_dup(r, "HTTP_COOKIE");
	req->if_match = param_dup(r, "HTTP_IF_MATCH");
	req->csrf_token = param_dup(r, "HTTP_X_CSRF_TOKEN");
	req->remote_addr = param_dup(r, "REMOTE_ADDR");
	req->accept_encoding = param_dup(r, "HTTP_ACCEPT_ENCODING");
	req->if_none_match = param_dup(r, "HTTP_IF_NONE_MATCH");
	if (req->method_name == NULL || req->path == NULL) {
		http_error(res, 400, "bad_request", NULL, "no method or path");
		return -1;
	}
	return read_body(r, req, limit, res);
}

/* Adds one header line to the block. Returns 0, or -1 when it cannot be
 * written whole (a value with a line break would split the header block). */
static int
put_header(FILE *head, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
		return -1;
	fprintf(head, "%s: %s\r\n", name, value);
	return 0;
}

/* The CGI response header block, then the body, in one write (fcgi_out.h).
 * Numbers are formatted here: libfcgi's FCGX_FPrintF has its own printf,
 * which does not know %zu. Returns -1 when the block could not be made. */
static int
write_response(FCGX_Request *r, const struct http_request *req, const struct http_response *res)
{
	char *block = NULL;
	size_t block_len = 0, i;
	FILE *head = open_memstream(&block, &block_len);
	int rc;

	if (head == NULL)
		return -1;
	fprintf(head, "Status: %d %s\r\n", res->status, http_status_text(res->status));
	put_header(head, "Content-Type",
	           res->content_type ? res->content_type : "application/json; charset=utf-8");
	fprintf(head, "Content-Length: %zu\r\n", res->body_len);
	if (http_get_header(res, "Cache-Control") == NULL)
		put_header(head, "Cache-Control", "no-cache");
	put_header(head, "X-Content-Type-Options", "nosniff");
	for (i = 0; i < res->nheaders; i++)
		if (put_header(head, res->headers[i].name, res->headers[i].value) != 0)
			log_error("header %s not written: it holds a line break",
			          res->headers[i].name);
	fputs("\r\n", head);
	if (fclose(head) != 0) {
		free(block);
		return -1;
	}
	rc = fcgi_out_write(r, block, block_len,
	                    req->method != HTTP_HEAD && res->body_len > 0 ? res->body : NULL,
	                    res->body_len);
	free(block);
	return rc;
}

static long long
micros_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000LL + (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* The route's index in the table, for the metrics; api_nroutes: none. */
static size_t
route_index(const struct http_response *res)
{
	if (res->route == NULL || res->route < api_routes || res->route >= api_routes + api_nroutes)
		return api_nroutes;
	return (size_t)(res->route - api_routes);
}

static void
serve_one(FCGX_Request *r, struct db *db, const struct config *cfg, struct metrics *metrics)
{
	long reconnects = db_reconnects(db);
	long long us;
	struct http_request req = {0};
	struct http_response res = {0};
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (read_request(r, &req, cfg->body_limit, &res) == 0)
		api_serve(&req, db, &res);
	if (res.failed || res.status == 0) {
		http_response_free(&res);
		http_error(&res, 500, "internal", NULL, "no response was produced");
	}
	if (write_response(r, &req, &res) != 0)
		log_error("%s %s: the answer could not be sent",
		          req.method_name ? req.method_name : "-", req.path ? req.path : "-");
	us = micros_since(&t0);
	log_request(req.method_name ? req.method_name : "-", req.path ? req.path : "-", res.status,
	            us);
	metrics_request(metrics, route_index(&res), res.status, us);
	metrics_db_reconnects(metrics, db_reconnects(db) - reconnects);
	http_request_free(&req);
	http_response_free(&res);
}

/* A SIGTERM that arrived during a request stays pending: epoll_pwait on a
 * ready socket returns without delivering it, so under steady load it would
 * never be seen. Ask for it directly. */
static bool
stop_requested(void)
{
	sigset_t pending;

	if (!worker_stopping && sigpending(&pending) == 0 && sigismember(&pending, SIGTERM))
		worker_stopping = 1;
	return worker_stopping;
}

/* Waits until the socket is readable or a stop is requested; SIGTERM is
 * deliverable only inside epoll_pwait. The listening socket is registered
 * with EPOLLEXCLUSIVE (worker_wait_setup): a new connection wakes one
 * waiting worker, not all of them to race for it. Returns 0 when readable,
 * -1 to stop. */
static int
wait_readable(int epfd, const sigset_t *waitmask)
{
	struct epoll_event ev;
	int rc;

	while (!stop_requested()) {
		rc = epoll_pwait(epfd, &ev, 1, -1, waitmask);
		if (rc > 0)
			return stop_requested() ? -1 : 0;
		if (rc < 0 && errno != EINTR) {
			log_error("epoll_pwait: %s", strerror(errno));
			return -1;
		}
	}
	return -1;
}

/* The epoll set wait_readable waits on; -1 on failure. */
static int
worker_wait_setup(int listen_fd)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = listen_fd};
	int epfd = epoll_create1(EPOLL_CLOEXEC);

	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev) != 0) {
		log_error("epoll: %s", strerror(errno));
		if (epfd >= 0)
			close(epfd);
		return -1;
	}
	return epfd;
}

static void
worker_signals(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = worker_on_term; /* no SA_RESTART: epoll_pwait must return */
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_SETMASK, &block, NULL);
	sigemptyset(waitmask);
}

/* Every answer allocates and frees the same few large blocks (a result's
 * rows, the JSON text: 60 to 200 KB for the list). With glibc's defaults
 * the larger came from mmap and the freed top of the heap went back to the
 * kernel after each request, to come back as fresh pages: brk, munmap and
 * page faults were a tenth of the worker's time on the uncached list. Up
 * to 2 MiB of free heap now stays; blocks of 1 MiB or more (an export)
 * still come from mmap and go back at once. */
static void
worker_malloc_setup(void)
{
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_TRIM_THRESHOLD, 2 << 20);
}

int
worker_run(const struct config *cfg, int listen_fd, struct metrics *metrics)
{
	FCGX_Request r;
	sigset_t waitmask;
	struct db *db;
	long served = 0;
	int rc, epfd;

	worker_signals(&waitmask);
	worker_malloc_setup();
	if (crypto_setup() != 0) {
		log_error("worker: libsodium did not initialize");
		return 1;
	}
	api_configure(cfg);
	api_cache_configure((size_t)cfg->response_cache_kb, metrics);
	if ((db = db_new(cfg->db)) == NULL || FCGX_InitRequest(&r, listen_fd, 0) != 0) {
		log_error("worker: out of memory");
		return 1;
	}
	if (metrics != NULL)
		db_version_share(db, metrics_version(metrics));
	db_version_trust_notify(db, cfg->cache_trust_notify != 0);
	db_set_limits(db, &(struct db_limits){cfg->db_statement_timeout_ms, cfg->db_lock_timeout_ms,
	                                      cfg->db_idle_tx_timeout_ms});
	db_ensure(db); /* failure is fine: answered 503 later */
	if ((epfd = worker_wait_setup(listen_fd)) < 0) {
		db_free(db);
		return 1;
	}
	while (cfg->max_requests == 0 || served < cfg->max_requests) {
		if (wait_readable(epfd, &waitmask) != 0)
			break;
		rc = FCGX_Accept_r(&r);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
			continue; /* a sibling took it */
		if (rc < 0) {
			log_error("accept: %s", strerror(-rc));
			break;
		}
		serve_one(&r, db, cfg, metrics);
		FCGX_Finish_r(&r);
		served++;
	}
	close(epfd);
	FCGX_Free(&r, 0);
	db_free(db);
	api_cache_configure(0, NULL);
	if (!worker_stopping && cfg->max_requests > 0 && served >= cfg->max_requests)
		log_info("worker recycled after %ld requests", served);
	return 0;
}

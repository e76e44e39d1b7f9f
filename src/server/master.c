/* The master owns the listening socket and a table of worker slots. It
 * never serves a request: it waits for signals synchronously (all blocked,
 * read with sigtimedwait), so there is no async-signal-safety to reason
 * about. Workers of an older generation (before a reload) are asked to stop
 * and finish their request; a worker that ignores that past grace_seconds
 * is killed. */
#include "master.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif
#include <unistd.h>

#include <fcgiapp.h>

#include "api.h"
#include "log.h"
#include "metrics.h"
#include "worker.h"

#define SLOTS_MAX      512 /* two generations of at most 256 during a reload */
#define CRASH_WINDOW_S 1.0 /* a worker dying this soon after start is crash-looping */

struct slot {
	pid_t pid; /* 0 = free */
	unsigned gen;
	double started;
	double stop_asked; /* 0 = running */
	bool killed;       /* SIGKILL sent after the grace period: never twice */
};

struct master {
	struct config cfg;
	int fd;
	unsigned gen;
	bool stopping;
	double respawn_after;
	struct metrics *metrics; /* shared with every worker (mapped before fork) */
	struct slot slots[SLOTS_MAX];
};

/* A worker leaves with _exit: the master's atexit handlers and stdio
 * buffers are not its own. A sanitized build checks the worker's leaks
 * first, since LeakSanitizer runs only from exit(). */
static void __attribute__((noreturn)) worker_exit(int status)
{
#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
#endif
	_exit(status);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
master_nworkers(const struct config *cfg)
{
	long n = cfg->workers > 0 ? cfg->workers : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (int)n;
}

static int
master_spawn(struct master *m)
{
	struct slot *s = NULL;
	pid_t pid;
	size_t i;

	for (i = 0; i < SLOTS_MAX && s == NULL; i++)
		if (m->slots[i].pid == 0)
			s = &m->slots[i];
	if (s == NULL)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		log_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		worker_exit(worker_run(&m->cfg, m->fd, m->metrics));
	*s = (struct slot){.pid = pid, .gen = m->gen, .started = now_s()};
	log_info("worker %ld started (generation %u)", (long)pid, m->gen);
	return 0;
}

static struct slot *
master_slot(struct master *m, pid_t pid)
{
	size_t i;

	for (i = 0; i < SLOTS_MAX; i++)
		if (m->slots[i].pid == pid)
			return &m->slots[i];
	return NULL;
}

static void
master_reap(struct master *m)
{
	struct slot *s;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((s = master_slot(m, pid)) == NULL)
			continue;
		if (WIFSIGNALED(status))
			log_error("worker %ld killed by signal %d", (long)pid, WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			log_error("worker %ld exited with status %d", (long)pid,
			          WEXITSTATUS(status));
		else
			log_info("worker %ld exited", (long)pid);
		/* Back off instead of fork-bombing when workers die at once. */
		if (s->stop_asked == 0 && now_s() - s->started < CRASH_WINDOW_S &&
		    (WIFSIGNALED(status) || WEXITSTATUS(status) != 0))
			m->respawn_after = now_s() + CRASH_WINDOW_S;
		if (!m->stopping)
			metrics_worker_restart(m->metrics);
		s->pid = 0;
	}
}

/* Keeps the current generation at full strength. */
static void
master_fill(struct master *m)
{
	int want = master_nworkers(&m->cfg), have = 0;
	size_t i;

	if (m->stopping || now_s() < m->respawn_after)
		return;
	for (i = 0; i < SLOTS_MAX; i++)
		if (m->slots[i].pid != 0 && m->slots[i].gen == m->gen &&
		    m->slots[i].stop_asked == 0)
			have++;
	while (have++ < want)
		if (master_spawn(m) != 0)
			return;
}

/* Asks the workers of older generations (or all of them, when stopping) to
 * finish their request and exit. */
static void
master_retire(struct master *m, bool all)
{
	struct slot *s;
	size_t i;

	for (i = 0; i < SLOTS_MAX; i++) {
		s = &m->slots[i];
		if (s->pid == 0 || s->stop_asked != 0 || (!all && s->gen == m->gen))
			continue;
		s->stop_asked = now_s();
		kill(s->pid, SIGTERM);
	}
}

/* Kills the workers that outlived their grace period. Returns how many
 * workers are still alive. */
static int
master_enforce(struct master *m)
{
	struct slot *s;
	int alive = 0;
	size_t i;

	for (i = 0; i < SLOTS_MAX; i++) {
		s = &m->slots[i];
		if (s->pid == 0)
			continue;
		alive++;
		if (s->stop_asked != 0 && !s->killed &&
		    now_s() - s->stop_asked > m->cfg.grace_seconds) {
			log_error("worker %ld did not stop in %d s: killing it", (long)s->pid,
			          m->cfg.grace_seconds);
			kill(s->pid, SIGKILL);
			s->killed = true;
		}
	}
	return alive;
}

static void
master_reload(struct master *m, master_reload_fn reload)
{
	struct config next;

	if (reload == NULL || reload(&next) != 0) {
		log_error("reload failed: keeping the running configuration");
		return;
	}
	/* The socket stays open across reloads: that is what keeps them
	 * lossless. Changing it needs a restart. */
	if (strcmp(next.listen, m->cfg.listen) != 0)
		log_error("reload: listen changed; it takes effect at the next restart");
	memcpy(next.listen, m->cfg.listen, sizeof next.listen);
	m->cfg = next;
	m->gen++;
	m->respawn_after = 0;
	log_info("reloading: starting generation %u", m->gen);
	master_fill(m);
	master_retire(m, false);
}

static int
master_write_pid(const char *path)
{
	FILE *f;

	if (path[0] == '\0')
		return 0;
	if ((f = fopen(path, "w")) == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 ||
	    fclose(f) != 0) {
		log_error("pid_file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void
master_loop(struct master *m, master_reload_fn reload, const sigset_t *set)
{
	struct timespec tick;
	siginfo_t info;
	int sig, alive;

	for (;;) {
		master_reap(m);
		master_fill(m);
		alive = master_enforce(m);
		if (m->stopping && alive == 0)
			return;
		tick = (struct timespec){.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000};
		sig = sigtimedwait(set, &info, &tick);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT) {
			if (!m->stopping)
				log_info("stopping: waiting for %d worker(s) to finish", alive);
			m->stopping = true;
			master_retire(m, true);
		} else if (sig == SIGHUP && !m->stopping) {
			master_reload(m, reload);
		}
	}
}

int
master_run(const struct config *cfg, master_reload_fn reload)
{
	struct master *m = calloc(1, sizeof *m);
	char err[512];
	sigset_t set;
	int status = 1;

	if (m == NULL)
		return 1;
	m->cfg = *cfg;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((m->fd = master_listen(cfg, err, sizeof err)) < 0) {
		log_error("%s", err);
	} else if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
	} else if ((m->metrics = metrics_create(api_nroutes)) == NULL) {
		log_error("metrics: no shared memory: %s", strerror(errno));
	} else if (master_write_pid(cfg->pid_file) == 0) {
		log_info("shinchoku %s master started: %d workers on %s", SHINCHOKU_VERSION,
		         master_nworkers(cfg), cfg->listen);
		master_loop(m, reload, &set);
		log_info("stopped");
		if (cfg->pid_file[0] != '\0')
			unlink(cfg->pid_file);
		status = 0;
	}
	if (m->fd >= 0)
		close(m->fd);
	metrics_destroy(m->metrics);
	if (status == 0 && strncmp(cfg->listen, "unix:", 5) == 0)
		unlink(cfg->listen + 5);
	free(m);
	return status;
}

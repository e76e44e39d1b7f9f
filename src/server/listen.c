/* Opening the FastCGI socket ourselves: libfcgi's FCGX_OpenSocket exits the
 * process when bind fails and knows only IPv4; here a failure is a clear
 * message, and IPv6 and unix sockets work. */
#include "master.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_BACKLOG 256

static int
listen_unix(const struct config *cfg, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct group *gr;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "listen: socket path longer than %zu bytes: %s",
		         sizeof sa.sun_path - 1, path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	/* A stale socket file from a crash would make bind fail. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || chmod(path, cfg->socket_mode) != 0)
		goto fail;
	if (cfg->socket_group[0] != '\0') {
		if ((gr = getgrnam(cfg->socket_group)) == NULL) {
			snprintf(err, errlen, "socket_group: no group \"%s\"", cfg->socket_group);
			close(fd);
			return -1;
		}
		if (chown(path, (uid_t)-1, gr->gr_gid) != 0)
			goto fail;
	}
	if (listen(fd, LISTEN_BACKLOG) != 0)
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "listen on unix:%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
listen_tcp(const char *spec, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char host[256];
	const char *colon = strrchr(spec, ':');
	int fd = -1, one = 1, rc;

	if (colon == NULL || colon == spec || (size_t)(colon - spec) >= sizeof host) {
		snprintf(err, errlen, "listen: expected unix:/path or host:port, got \"%s\"", spec);
		return -1;
	}
	/* [::1]:9000 for IPv6. */
	if (spec[0] == '[' && colon[-1] == ']')
		snprintf(host, sizeof host, "%.*s", (int)(colon - spec - 2), spec + 1);
	else
		snprintf(host, sizeof host, "%.*s", (int)(colon - spec), spec);
	if ((rc = getaddrinfo(host, colon + 1, &hints, &ai)) != 0) {
		snprintf(err, errlen, "listen: %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
		snprintf(err, errlen, "listen on %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int
master_listen(const struct config *cfg, char *err, size_t errlen)
{
	int fd, flags;

	if (strncmp(cfg->listen, "unix:", 5) == 0)
		fd = listen_unix(cfg, cfg->listen + 5, err, errlen);
	else
		fd = listen_tcp(cfg->listen, err, errlen);
	if (fd < 0)
		return -1;
	/* Workers wait in pselect and must never block in accept: see worker.c. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "listen: fcntl: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* bench/peer/fcgi_bytes: the FastCGI reference of bench/run. CHILDREN
 * processes answer every request on SOCKET with the bytes of FILE (the
 * list's answer, as the portal sent it), read once at start: no routing,
 * no cache lookup, no database. Behind an nginx of the stack's settings it
 * shows what nginx's FastCGI relaying of that answer costs by itself: the
 * ceiling of a cached list from a libfcgi backend behind that nginx.
 *
 * usage: fcgi_bytes SOCKET FILE CHILDREN (built with src/base/fileio.c)
 * The parent waits for its children; bench/run stops the process group. */
#include <fcgiapp.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"

static void
serve(int sock, const char *body, size_t len)
{
	FCGX_Request rq;

	if (FCGX_InitRequest(&rq, sock, 0) != 0)
		exit(1);
	while (FCGX_Accept_r(&rq) >= 0) {
		FCGX_FPrintF(rq.out,
		             "Status: 200 OK\r\n"
		             "Content-Type: application/json; charset=utf-8\r\n"
		             "Content-Length: %lu\r\n"
		             "ETag: \"bench\"\r\n"
		             "\r\n",
		             (unsigned long)len);
		FCGX_PutStr(body, (int)len, rq.out);
		FCGX_Finish_r(&rq);
	}
	exit(0);
}

int
main(int argc, char **argv)
{
	char err[256], *body;
	size_t len;
	int sock, n, i;

	if (argc != 4 || (n = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: fcgi_bytes SOCKET FILE CHILDREN\n");
		return 2;
	}
	if ((body = file_read(argv[2], 16 << 20, &len, err, sizeof err)) == NULL) {
		fprintf(stderr, "fcgi_bytes: %s\n", err);
		return 1;
	}
	if (FCGX_Init() != 0 || (sock = FCGX_OpenSocket(argv[1], 128)) < 0) {
		fprintf(stderr, "fcgi_bytes: cannot listen on %s\n", argv[1]);
		return 1;
	}
	chmod(argv[1], 0666);
	for (i = 0; i < n; i++)
		if (fork() == 0)
			serve(sock, body, len);
	while (wait(NULL) > 0)
		;
	free(body);
	return 0;
}

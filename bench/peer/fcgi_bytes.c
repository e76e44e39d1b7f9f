/* bench/peer/fcgi_bytes: the FastCGI reference of bench/run. CHILDREN
 * processes answer every request on SOCKET with the bytes of FILE (the
 * list's answer, as the portal sent it), read once at start: no routing,
 * no cache lookup, no database. Behind an nginx of the stack's settings it
 * shows what nginx's FastCGI relaying of that answer costs by itself, the
 * ceiling of any FastCGI backend's cached list on this machine.
 *
 * usage: fcgi_bytes SOCKET FILE CHILDREN
 * The parent waits for its children; bench/run stops the process group. */
#include <fcgiapp.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The whole of path, in a buffer the caller frees; NULL on failure. */
static char *
slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(*len > 0 ? *len : 1)) != NULL &&
	    fread(buf, 1, *len, f) != (size_t)*len) {
		free(buf);
		buf = NULL;
	}
	if (f != NULL)
		fclose(f);
	return buf;
}

static void
serve(int sock, const char *body, long len)
{
	FCGX_Request rq;

	if (FCGX_InitRequest(&rq, sock, 0) != 0)
		exit(1);
	while (FCGX_Accept_r(&rq) >= 0) {
		FCGX_FPrintF(rq.out,
		             "Status: 200 OK\r\n"
		             "Content-Type: application/json; charset=utf-8\r\n"
		             "Content-Length: %ld\r\n"
		             "ETag: \"bench\"\r\n"
		             "\r\n",
		             len);
		FCGX_PutStr(body, (int)len, rq.out);
		FCGX_Finish_r(&rq);
	}
	exit(0);
}

int
main(int argc, char **argv)
{
	long len = 0;
	char *body;
	int sock, n, i;

	if (argc != 4 || (n = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: fcgi_bytes SOCKET FILE CHILDREN\n");
		return 2;
	}
	if ((body = slurp(argv[2], &len)) == NULL) {
		perror(argv[2]);
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

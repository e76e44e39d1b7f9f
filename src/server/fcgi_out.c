/* FCGI_STDOUT records written straight to the request's socket. */
#include "fcgi_out.h"

#include <errno.h>
#include <fastcgi.h>
#include <limits.h>
#include <string.h>
#include <sys/uio.h>

/* The largest record content; a multiple of 8, so no padding is needed. */
#define RECORD_MAX 65528u
/* Records per writev: 16 × 64 KiB, beyond any cached answer; a larger
 * body (an export) takes more than one call. */
#define BATCH_RECORDS 16

struct out {
	const char *part[2];
	size_t left[2];
	int cur;
};

static void
record_header(FCGI_Header *h, int request_id, size_t len)
{
	memset(h, 0, sizeof *h);
	h->version = FCGI_VERSION_1;
	h->type = FCGI_STDOUT;
	h->requestIdB1 = (unsigned char)((request_id >> 8) & 0xff);
	h->requestIdB0 = (unsigned char)(request_id & 0xff);
	h->contentLengthB1 = (unsigned char)((len >> 8) & 0xff);
	h->contentLengthB0 = (unsigned char)(len & 0xff);
}

/* Adds up to RECORD_MAX bytes of what is left as iovecs after *h; returns
 * the number of iovecs used (the header's included), 0 when all is out. */
static int
next_record(struct out *o, FCGI_Header *h, int request_id, struct iovec *iov)
{
	size_t room = RECORD_MAX, take, len = 0;
	int n = 1;

	while (o->cur < 2 && room > 0) {
		if (o->left[o->cur] == 0) {
			o->cur++;
			continue;
		}
		take = o->left[o->cur] < room ? o->left[o->cur] : room;
		iov[n++] = (struct iovec){(void *)o->part[o->cur], take};
		o->part[o->cur] += take;
		o->left[o->cur] -= take;
		room -= take;
		len += take;
	}
	if (len == 0)
		return 0;
	record_header(h, request_id, len);
	iov[0] = (struct iovec){h, sizeof *h};
	return n;
}

/* writev until every byte of iov is out. */
static int
write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int
fcgi_out_write(FCGX_Request *r, const char *head, size_t head_len, const char *body,
               size_t body_len)
{
	struct out o = {{head, body}, {head_len, body ? body_len : 0}, 0};
	FCGI_Header hdr[BATCH_RECORDS];
	struct iovec iov[BATCH_RECORDS * 3];
	int n, used, k;

	if (r->ipcFd < 0)
		return -1;
	for (;;) {
		for (used = 0, k = 0; k < BATCH_RECORDS; k++) {
			if ((n = next_record(&o, &hdr[k], r->requestId, iov + used)) == 0)
				break;
			used += n;
		}
		if (used == 0)
			return 0;
		if (write_all(r->ipcFd, iov, used) != 0)
			return -1;
	}
}

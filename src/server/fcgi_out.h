/* A whole FastCGI answer in one writev(2). libfcgi's output stream sends a
 * record for every 8 KiB it buffers, one write each: a 64 KiB list became
 * nine writes and as many wake-ups of nginx. Here the header block and the
 * body are framed into as few FCGI_STDOUT records as the protocol allows
 * (64 KiB less one each) and written at once; FCGX_Finish_r then closes
 * the stream (the empty record and FCGI_END_REQUEST) as usual. */
#ifndef SHINCHOKU_SERVER_FCGI_OUT_H
#define SHINCHOKU_SERVER_FCGI_OUT_H

#include <stddef.h>

#include <fcgiapp.h>

/* Writes head (head_len bytes) then body (body_len) as the request's
 * stdout. Call only while nothing is buffered in r->out. Returns 0, or -1
 * when the connection failed (the answer is lost: nginx saw it close). */
int fcgi_out_write(FCGX_Request *r, const char *head, size_t head_len, const char *body,
                   size_t body_len);

#endif

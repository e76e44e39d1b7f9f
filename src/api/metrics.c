/* GET /api/metrics: the counters of every worker (http/metrics.h) in the
 * Prometheus text format, for a scraper on the same machine (REMOTE_ADDR
 * is the loopback: nginx passes the client's) or a signed-in admin. */
#include <stdlib.h>
#include <string.h>

#include "endpoints.h"
#include "metrics.h"

static bool
loopback(const char *addr)
{
	return addr != NULL && (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	                        strncmp(addr, "::ffff:127.", 11) == 0);
}

static void
metrics(const struct api_req *rq, struct db *db, struct http_response *res)
{
	static const char *names[256];
	struct api_req who = *rq;
	char *text;
	size_t i, len;

	if (!loopback(rq->http->remote_addr) &&
	    api_authorize(&who, db, false, ROLE_ADMIN, res) != 0)
		return;
	if (api_metrics() == NULL || api_nroutes > sizeof names / sizeof names[0]) {
		http_error(res, 503, "unavailable", NULL, "メトリクスはありません。");
		return;
	}
	for (i = 0; i < api_nroutes; i++)
		names[i] = api_routes[i].pattern;
	if (metrics_render(api_metrics(), names, &text, &len) != 0) {
		http_error(res, 500, "internal", NULL, "メトリクスを作れませんでした。");
		return;
	}
	http_body(res, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}

const struct api_endpoint ep_metrics = {.handler = metrics, .flags = API_LIVE};

/* The headers the door parses: Cookie (http_cookie_sid) and If-Match
 * (door.c's parser, reached through api_dispatch with a one-route table
 * and the fake db of the unit tests). The input is the Cookie value, a
 * newline, and the If-Match value; without a newline there is no If-Match. */
#include "fuzz.h"

#include "fake_db.h"

static int64_t seen_version;

static void
handler(const struct api_req *rq, struct db *db, struct http_response *res)
{
	(void)db;
	seen_version = rq->version;
	http_json_text(res, 200, strdup("{}"));
}

static const struct api_endpoint ep = {.handler = handler, .flags = API_IF_MATCH};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *input = fuzz_string(data, size), *nl = strchr(input, '\n');
	char sid[HTTP_SID_LEN + 1];
	struct http_route route = {HTTP_PATCH, "/x/{id}", &ep};
	struct http_request req;
	struct http_response res;

	if (nl != NULL)
		*nl = '\0';
	if (http_cookie_sid(input, sid)) {
		FUZZ_CHECK(strlen(sid) == HTTP_SID_LEN &&
		           strspn(sid, "0123456789abcdef") == HTTP_SID_LEN);
		FUZZ_CHECK(strstr(input, sid) != NULL);
	}

	memset(&req, 0, sizeof req);
	memset(&res, 0, sizeof res);
	req.method = HTTP_PATCH;
	req.path = strdup("/x/5");
	req.cookie = strdup(input);
	req.if_match = nl != NULL ? strdup(nl + 1) : NULL;
	seen_version = 0;
	api_dispatch(&route, 1, &req, fake_db_handle(), &res);
	if (res.status == 200)
		FUZZ_CHECK(seen_version >= 1 && seen_version <= INT32_MAX);
	else
		FUZZ_CHECK(res.status == (nl != NULL ? 400 : 428));
	http_request_free(&req);
	http_response_free(&res);
	free(input);
	return 0;
}

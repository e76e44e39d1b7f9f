/* A JSON request body against the door's field tables: the status
 * request's (src/api/status.c: a status checked against the scale, a
 * multi-line reason), and one with every other kind (integer range,
 * boolean, a date and a login validator). */
#include "fuzz.h"

#include "json_body.h"
#include "valid.h"

static const struct json_bfield propose_fields[] = {
    {.name = "status",
     .kind = JB_TEXT,
     .required = true,
     .max = 20,
     .nonempty = true,
     .valid = valid_status},
    {.name = "reason", .kind = JB_TEXT, .max = 2000, .multiline = true},
};
static const struct json_bfield mixed_fields[] = {
    {.name = "name", .kind = JB_TEXT, .required = true, .max = 200, .nonempty = true},
    {.name = "count", .kind = JB_INT, .min = -5, .max = 100},
    {.name = "flag", .kind = JB_BOOL},
    {.name = "due", .kind = JB_TEXT, .max = 10, .valid = valid_date},
    {.name = "login", .kind = JB_TEXT, .max = 40, .valid = valid_login},
};

static void
try_table(struct http_request *req, const struct json_bfield *fields, size_t n)
{
	struct json_bvalue out[8];
	struct json_body body;
	struct http_response res;
	size_t i;

	memset(&res, 0, sizeof res);
	if (json_body_parse(req, fields, n, out, &body, &res) != 0) {
		FUZZ_CHECK(res.status == 400 && res.body != NULL);
		FUZZ_CHECK(body.root == NULL);
	} else {
		/* Every value keeps the promise of its field. */
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(out[i].present || !fields[i].required);
			if (!out[i].present)
				continue;
			if (fields[i].kind == JB_INT)
				FUZZ_CHECK(out[i].i >= fields[i].min && out[i].i <= fields[i].max);
			if (fields[i].kind == JB_TEXT) {
				FUZZ_CHECK(out[i].s != NULL);
				FUZZ_CHECK(fields[i].valid != NULL ||
				           (valid_utf8_text(out[i].s, strlen(out[i].s),
				                            fields[i].multiline) &&
				            utf8_length(out[i].s) <= (size_t)fields[i].max));
				FUZZ_CHECK(!fields[i].nonempty || !text_blank(out[i].s));
			}
		}
		json_body_free(&body);
	}
	http_response_free(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;

	/* As the worker hands it over: a NUL-terminated copy of exactly
	 * Content-Length bytes. */
	memset(&req, 0, sizeof req);
	req.content_type = "application/json; charset=utf-8";
	req.body = fuzz_string(data, size);
	req.content_length = size;
	try_table(&req, propose_fields, sizeof propose_fields / sizeof propose_fields[0]);
	try_table(&req, mixed_fields, sizeof mixed_fields / sizeof mixed_fields[0]);
	free(req.body);
	return 0;
}

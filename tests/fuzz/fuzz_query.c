/* The query string as the door sees it: http_parse_query splits and
 * percent-decodes it, http_query_validate checks it against the activity
 * list's filters (the door's largest query table), and every named
 * validator is tried on every value. */
#include "fuzz.h"

#include "http.h"
#include "valid.h"

/* The filters of GET /api/activities (src/api/activities.c). */
static const struct http_qfield activity_filters[] = {
    {"plan", valid_id},       {"goal", valid_id},       {"measure", valid_measure_ref},
    {"department", valid_id}, {"status", valid_status}, {"fy", valid_fiscal_year},
    {"q", valid_search},      {"limit", valid_limit},   {"offset", valid_offset},
};
#define NFILTERS (sizeof activity_filters / sizeof activity_filters[0])

typedef const char *(*validator)(const char *raw, union http_qval *out);

/* Each validator with the integer range it promises (lo > hi: a text,
 * which may be empty: an empty q means no search, docs/API.md). */
static const struct {
	validator fn;
	int64_t lo, hi;
} validators[] = {
    {valid_id, 1, INT32_MAX},    {valid_fiscal_year, FY_MIN, FY_MAX},
    {valid_limit, 1, LIMIT_MAX}, {valid_offset, 0, 100000},
    {valid_status, 1, 0},        {valid_search, 1, 0},
    {valid_measure_code, 1, 0},  {valid_measure_ref, 1, 0},
    {valid_login, 1, 0},         {valid_password, 1, 0},
    {valid_date, 1, 0},
};

static void
try_validators(const char *raw)
{
	union http_qval v;
	size_t i;

	for (i = 0; i < sizeof validators / sizeof validators[0]; i++) {
		memset(&v, 0, sizeof v);
		if (validators[i].fn(raw, &v) != NULL)
			continue;
		if (validators[i].lo <= validators[i].hi)
			FUZZ_CHECK(v.i >= validators[i].lo && v.i <= validators[i].hi);
		else
			FUZZ_CHECK(v.s != NULL);
	}
	/* A search term the validator let through is text a page can show. */
	if (valid_search(raw, &v) == NULL)
		FUZZ_CHECK(valid_utf8_text(raw, strlen(raw), false));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	struct http_response res;
	struct http_qresult out[NFILTERS];
	size_t i;

	memset(&req, 0, sizeof req);
	memset(&res, 0, sizeof res);
	req.query = fuzz_string(data, size);
	if (http_parse_query(&req, &res) != 0) {
		FUZZ_CHECK(res.status == 400 && res.body != NULL);
	} else {
		FUZZ_CHECK(req.nparams <= HTTP_MAX_PARAMS);
		for (i = 0; i < req.nparams; i++) {
			FUZZ_CHECK(req.params[i].key != NULL && req.params[i].val != NULL);
			try_validators(req.params[i].val);
		}
		if (http_query_validate(&req, activity_filters, NFILTERS, out, &res) != 0)
			FUZZ_CHECK(res.status == 400 && res.body != NULL);
		else
			for (i = 0; i < NFILTERS; i++)
				FUZZ_CHECK(!out[i].present ||
				           activity_filters[i].valid != valid_search ||
				           utf8_length(out[i].v.s) <= SEARCH_MAX);
	}
	http_request_free(&req);
	http_response_free(&res);
	return 0;
}

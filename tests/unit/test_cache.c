/* The response cache (LRU, the byte bound, eviction, keys), the encodings
 * (Accept-Encoding, gzip and brotli round trips) and the metrics text. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <brotli/decode.h>
#include <zlib.h>

#include "cache.h"
#include "compress.h"
#include "http.h"
#include "metrics.h"

/* A 200 with a body of n bytes of c and one header. */
static void
answer(struct http_response *res, size_t n, char c)
{
	char *body = malloc(n + 1);

	memset(res, 0, sizeof *res);
	memset(body, c, n);
	body[n] = '\0';
	http_body(res, 200, "application/json; charset=utf-8", body, n);
	http_set_header(res, "Content-Disposition", "inline");
}

static struct cache_entry *
put(struct cache *c, const char *key, size_t n, char ch)
{
	struct http_response res;
	struct cache_entry *e;

	answer(&res, n, ch);
	e = cache_put(c, key, &res);
	http_response_free(&res);
	return e;
}

static void
test_hit_copies_the_answer(void **state)
{
	struct cache_counters n = {0};
	struct cache *c = cache_new(64 * 1024, &n);
	struct cache_entry *e;

	(void)state;
	assert_null(cache_get(c, "1 /api/plans?"));
	assert_non_null(put(c, "1 /api/plans?", 100, 'a'));
	e = cache_get(c, "1 /api/plans?");
	assert_non_null(e);
	assert_int_equal(e->len[HTTP_IDENTITY], 100);
	assert_int_equal(e->body[HTTP_IDENTITY][99], 'a');
	assert_string_equal(e->content_type, "application/json; charset=utf-8");
	assert_int_equal(e->nheaders, 1);
	assert_string_equal(e->headers[0].value, "inline");
	/* The key is the whole string: another version or query is a miss. */
	assert_null(cache_get(c, "2 /api/plans?"));
	assert_null(cache_get(c, "1 /api/plans?x=1"));
	assert_int_equal(n.hits, 1);
	assert_int_equal(n.misses, 3);
	assert_int_equal(n.stores, 1);
	cache_free(c);
}

static void
test_only_200_is_kept(void **state)
{
	struct cache *c = cache_new(64 * 1024, NULL);
	struct http_response res = {0};

	(void)state;
	http_error(&res, 404, "not_found", NULL, "no plan");
	assert_null(cache_put(c, "k", &res));
	assert_int_equal(cache_count(c), 0);
	http_response_free(&res);
	cache_free(c);
}

static void
test_bound_and_lru_eviction(void **state)
{
	struct cache_counters n = {0};
	struct cache *c = cache_new(10 * 1024, &n);

	(void)state;
	assert_non_null(put(c, "a", 3000, 'a'));
	assert_non_null(put(c, "b", 3000, 'b'));
	assert_non_null(put(c, "c", 3000, 'c'));
	assert_non_null(cache_get(c, "a")); /* a is now the most recent: b goes first */
	assert_non_null(put(c, "d", 3000, 'd'));
	assert_true(cache_bytes(c) <= 10 * 1024);
	assert_null(cache_get(c, "b"));
	assert_non_null(cache_get(c, "a"));
	assert_non_null(cache_get(c, "c"));
	assert_non_null(cache_get(c, "d"));
	assert_int_equal(n.evictions, 1);
	/* Larger than the whole bound: not kept, nothing evicted for it. */
	assert_null(put(c, "huge", 20 * 1024, 'h'));
	assert_int_equal(cache_count(c), 3);
	/* The same key again replaces, never doubles. */
	assert_non_null(put(c, "a", 10, 'z'));
	assert_int_equal(cache_count(c), 3);
	assert_int_equal(cache_get(c, "a")->body[HTTP_IDENTITY][0], 'z');
	cache_free(c);
}

static void
test_encoded_copies_count_and_spare_their_entry(void **state)
{
	struct cache_counters n = {0};
	struct cache *c = cache_new(10 * 1024, &n);
	struct cache_entry *e;
	size_t before;

	(void)state;
	put(c, "old", 4000, 'o');
	e = put(c, "new", 4000, 'n');
	before = cache_bytes(c);
	assert_int_equal(cache_add(c, e, HTTP_GZIP, strdup("0123456789"), 10), 0);
	assert_int_equal(cache_bytes(c), before + 10);
	/* Room for a big copy is made by evicting others, never e. */
	assert_int_equal(cache_add(c, e, HTTP_BR, calloc(1, 3000), 3000), 0);
	assert_null(cache_get(c, "old"));
	assert_ptr_equal(cache_get(c, "new"), e);
	assert_int_equal(e->len[HTTP_BR], 3000);
	/* A copy that cannot fit beside e is refused (and freed). */
	assert_int_equal(cache_add(c, e, HTTP_BR, calloc(1, 10), 10), -1);
	cache_free(c);
}

static void
test_off_keeps_nothing(void **state)
{
	struct cache *c = cache_new(0, NULL);

	(void)state;
	assert_null(put(c, "a", 10, 'a'));
	assert_null(cache_get(c, "a"));
	assert_int_equal(cache_counters(c)->misses, 1);
	cache_free(c);
}

static void
test_accept_encoding(void **state)
{
	(void)state;
	assert_int_equal(http_accepted(NULL), HTTP_IDENTITY);
	assert_int_equal(http_accepted(""), HTTP_IDENTITY);
	assert_int_equal(http_accepted("gzip"), HTTP_GZIP);
	assert_int_equal(http_accepted("gzip, deflate, br"), HTTP_BR);
	assert_int_equal(http_accepted("br;q=0, gzip;q=0.5"), HTTP_GZIP);
	assert_int_equal(http_accepted("br;q=0.0,gzip;q=0"), HTTP_IDENTITY);
	assert_int_equal(http_accepted("GZIP"), HTTP_GZIP);
	assert_int_equal(http_accepted("*"), HTTP_BR);
	assert_int_equal(http_accepted("br;q=0, *"), HTTP_GZIP);
	assert_int_equal(http_accepted("identity, deflate"), HTTP_IDENTITY);
	assert_int_equal(http_accepted("gzipx, brotli"), HTTP_IDENTITY);
	assert_true(http_compressible(NULL, 2000));
	assert_true(http_compressible("text/csv; charset=utf-8", 2000));
	assert_false(http_compressible("application/json", 100));
	assert_false(http_compressible(
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 100000));
}

/* A JSON-like text that compresses, as the list does. */
static char *
sample(size_t *len)
{
	static const char row[] =
	    "{\"id\":12,\"name\":\"電子申請の拡充\",\"status\":\"on_schedule\"},";
	size_t i, n = sizeof row - 1;
	char *s = malloc(n * 400 + 1);

	for (i = 0; i < 400; i++)
		memcpy(s + i * n, row, n);
	*len = n * 400;
	s[*len] = '\0';
	return s;
}

static void
test_gzip_round_trip(void **state)
{
	size_t len, zlen;
	char *in = sample(&len), *z, *back = malloc(len);
	z_stream s = {0};

	(void)state;
	assert_int_equal(http_compress(HTTP_GZIP, in, len, &z, &zlen), 0);
	assert_true(zlen < len / 10);
	assert_int_equal((unsigned char)z[0], 0x1f); /* the gzip magic */
	assert_int_equal((unsigned char)z[1], 0x8b);
	assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = (Bytef *)z;
	s.avail_in = (uInt)zlen;
	s.next_out = (Bytef *)back;
	s.avail_out = (uInt)len;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, len);
	assert_memory_equal(back, in, len);
	inflateEnd(&s);
	free(in), free(z), free(back);
}

static void
test_brotli_round_trip(void **state)
{
	size_t len, zlen, out;
	char *in = sample(&len), *z, *back;

	(void)state;
	assert_int_equal(http_compress(HTTP_BR, in, len, &z, &zlen), 0);
	assert_true(zlen < len / 10);
	out = len;
	back = malloc(len);
	assert_int_equal(BrotliDecoderDecompress(zlen, (const uint8_t *)z, &out, (uint8_t *)back),
	                 BROTLI_DECODER_RESULT_SUCCESS);
	assert_int_equal(out, len);
	assert_memory_equal(back, in, len);
	free(z);
	assert_int_equal(http_compress(HTTP_IDENTITY, in, len, &z, &zlen), -1);
	assert_null(z);
	free(in), free(back);
}

static void
test_metrics_text(void **state)
{
	static const char *const names[] = {"/api/plans", "/api/activities"};
	struct metrics *m = metrics_create(2);
	char *text;
	size_t len;

	(void)state;
	assert_non_null(m);
	metrics_request(m, 1, 200, 300);     /* 0.3 ms */
	metrics_request(m, 1, 200, 20000);   /* 20 ms */
	metrics_request(m, 1, 304, 100);     /* 0.1 ms */
	metrics_request(m, 0, 418, 100);     /* a status counted as other */
	metrics_request(m, 9, 404, 7000000); /* no route; past every bound */
	metrics_cache(m)->hits = 5;
	metrics_db_reconnects(m, 2);
	metrics_worker_restart(m);
	*metrics_version(m) = 42;
	assert_int_equal(metrics_render(m, names, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "# TYPE shinchoku_requests_total counter\n"));
	assert_non_null(
	    strstr(text, "shinchoku_requests_total{route=\"/api/activities\",status=\"200\"} 2\n"));
	assert_non_null(
	    strstr(text, "shinchoku_requests_total{route=\"/api/activities\",status=\"304\"} 1\n"));
	assert_non_null(
	    strstr(text, "shinchoku_requests_total{route=\"/api/plans\",status=\"other\"} 1\n"));
	assert_non_null(
	    strstr(text, "shinchoku_requests_total{route=\"none\",status=\"404\"} 1\n"));
	assert_null(strstr(text, "status=\"201\""));
	/* Cumulative buckets: 2 at 0.25 ms, 3 at 0.5 ms, 4 at 25 ms, 5 at +Inf. */
	assert_non_null(
	    strstr(text, "shinchoku_request_duration_seconds_bucket{le=\"0.00025\"} 2\n"));
	assert_non_null(
	    strstr(text, "shinchoku_request_duration_seconds_bucket{le=\"0.0005\"} 3\n"));
	assert_non_null(
	    strstr(text, "shinchoku_request_duration_seconds_bucket{le=\"0.025\"} 4\n"));
	assert_non_null(strstr(text, "shinchoku_request_duration_seconds_bucket{le=\"5\"} 4\n"));
	assert_non_null(strstr(text, "shinchoku_request_duration_seconds_bucket{le=\"+Inf\"} 5\n"));
	assert_non_null(strstr(text, "shinchoku_request_duration_seconds_count 5\n"));
	assert_non_null(strstr(text, "shinchoku_request_duration_seconds_sum 7.020500\n"));
	assert_non_null(strstr(text, "shinchoku_cache_hits_total 5\n"));
	assert_non_null(strstr(text, "shinchoku_db_reconnects_total 2\n"));
	assert_non_null(strstr(text, "shinchoku_worker_restarts_total 1\n"));
	assert_non_null(strstr(text, "shinchoku_data_version 42\n"));
	free(text);
	metrics_destroy(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hit_copies_the_answer),
	    cmocka_unit_test(test_only_200_is_kept),
	    cmocka_unit_test(test_bound_and_lru_eviction),
	    cmocka_unit_test(test_encoded_copies_count_and_spare_their_entry),
	    cmocka_unit_test(test_off_keeps_nothing),
	    cmocka_unit_test(test_accept_encoding),
	    cmocka_unit_test(test_gzip_round_trip),
	    cmocka_unit_test(test_brotli_round_trip),
	    cmocka_unit_test(test_metrics_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

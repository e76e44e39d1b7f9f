/* The one meaning of blank, and the progress scale's look-ups. */
#include "test_util.h"

#include <string.h>

#include "scale.h"
#include "text.h"

static void
test_blank(void **state)
{
	(void)state;
	assert_true(text_blank(NULL));
	assert_true(text_blank(""));
	assert_true(text_blank(" \t\n\r"));
	assert_true(text_blank("　")); /* U+3000, what a Japanese IME types */
	assert_true(text_blank(" 　\n　 "));
	assert_false(text_blank("a"));
	assert_false(text_blank("　理由　"));
	assert_false(text_blank("\xE3\x80")); /* a cut U+3000 is not white space */
	/* The same set as SQL app_blank() and JavaScript's \s. */
	assert_true(text_blank("\xC2\xA0"));      /* U+00A0 */
	assert_true(text_blank("\xE2\x80\x8A"));  /* U+200A */
	assert_true(text_blank("\xEF\xBB\xBF"));  /* U+FEFF */
	assert_false(text_blank("\xE2\x80\x8B")); /* U+200B is not white space */
	assert_false(text_blank("\xE3\x80\x81")); /* 、 */
}

/* What sql/021's app_card_field writes, read back. */
static void
test_unescape(void **state)
{
	char out[32];
	size_t n;

	(void)state;
	n = text_unescape("政策課", strlen("政策課"), out);
	assert_int_equal(n, strlen("政策課"));
	assert_memory_equal(out, "政策課", n);
	/* a \\ b \t c \n d: backslash, tab and newline written out */
	n = text_unescape("a\\\\b\\tc\\nd", 10, out);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "a\\b\tc\nd", 7);
	/* Any other escaped character stands for itself. */
	n = text_unescape("\\x", 2, out);
	assert_int_equal(n, 1);
	assert_memory_equal(out, "x", 1);
	/* A lone backslash at the end stays. */
	n = text_unescape("x\\", 2, out);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "x\\", 2);
}

static void
test_scale(void **state)
{
	static const struct scale_level levels[] = {
	    {"exceeded", "◎", false, 1, 1},
	    {"delayed", "△", true, 1, 1},
	};
	const struct scale_level *l;

	(void)state;
	scale_set(levels, 2);
	assert_true(scale_loaded());
	assert_non_null(l = scale_find("△"));
	assert_string_equal(l->key, "delayed");
	assert_true(l->reason_required);
	assert_non_null(l = scale_find("exceeded"));
	assert_false(l->reason_required);
	assert_null(scale_find("×"));
	assert_null(scale_find(NULL));
	assert_string_equal(scale_describe(), "exceeded (◎), delayed (△)");
	assert_string_equal(scale_marks(), "◎、△");
}

/* Two schemes: keys are unique across them, marks only within one; the
 * first loaded is the default, and describes the scale. */
static void
test_scales(void **state)
{
	static const struct scale_level levels[] = {
	    {"on_schedule", "○", false, 1, 1}, {"delayed", "△", true, 1, 1},
	    {"grade_a", "A", false, 7, 1},     {"grade_d", "D", true, 7, 1},
	    {"done", "○", false, 8, 1},
	};
	const struct scale_level *l;

	(void)state;
	scale_set(levels, 5);
	assert_non_null(l = scale_find("grade_d"));
	assert_int_equal(l->scheme, 7);
	assert_true(l->reason_required);
	assert_null(scale_find_in(1, "D"));
	assert_non_null(l = scale_find_in(7, "D"));
	assert_string_equal(l->key, "grade_d");
	assert_string_equal(scale_find_in(8, "○")->key, "done");
	assert_string_equal(scale_find_in(0, "○")->key, "on_schedule");
	assert_string_equal(scale_find("○")->key, "on_schedule");
	assert_null(scale_find_in(7, "delayed"));
	assert_string_equal(scale_describe(), "on_schedule (○), delayed (△)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blank),
	    cmocka_unit_test(test_unescape),
	    cmocka_unit_test(test_scale),
	    cmocka_unit_test(test_scales),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

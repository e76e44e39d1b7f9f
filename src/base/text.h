/* Plain text checks shared by every layer (the door's validators, the CSV
 * import, the dataset loader). */
#ifndef SHINCHOKU_TEXT_H
#define SHINCHOKU_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strict decimal integer in [min, max]: no sign unless min < 0, no spaces,
 * no leading zeros, no overflow. */
bool valid_int(const char *raw, int64_t min, int64_t max, int64_t *out);

/* Valid UTF-8 without control characters (newline allowed when multiline). */
bool valid_utf8_text(const char *s, size_t len, bool multiline);

/* Counts code points of valid UTF-8. */
size_t utf8_length(const char *s);

/* The one meaning of "blank" (a reason left empty): NULL, "", or only white
 * space: ASCII's, NBSP, the Unicode spaces and U+3000 — the set of SQL
 * app_blank() and of the page's isBlank() (JavaScript's \s). */
bool text_blank(const char *s);

/* A field written with backslash, tab and newline as \\, \t and \n
 * (sql/021's app_card_field) read back into out, which holds n bytes:
 * returns the length written. Any other escaped character stands for
 * itself. */
size_t text_unescape(const char *s, size_t n, char *out);

#endif

/* What every libFuzzer harness of tests/fuzz/ shares: the entry point's
 * prototype (clang declares none), the progress scale the validators read
 * (the seed's, as the unit tests load it), and a check that aborts, so
 * that a broken promise of the code under test is a crash libFuzzer keeps. */
#ifndef SHINCHOKU_FUZZ_H
#define SHINCHOKU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scale.h"
#include "test_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Once, before the first input: each harness is one source file, so this
 * header may define it. The fake db of fuzz_headers starts zeroed too. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	test_load_scale();
	return 0;
}

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The input as a C string (what FastCGI hands the worker): a copy cut at
 * the first NUL. */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The input in a buffer of exactly its size, so that ASan catches a read
 * one byte past its end (the CSV reader and the dataset loader take a
 * length, not a terminator). */
static inline char *
fuzz_exact(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	return s;
}

#endif

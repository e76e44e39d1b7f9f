/* The dataset validator (src/cli/dataset_file.c): any bytes as a plan
 * dataset file, which `shinchoku import` reads before it touches the
 * database. */
#include "fuzz.h"

#include "dataset_file.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_exact(data, size), err[256] = "";
	struct dataset *ds = dataset_parse(text, size, err, sizeof err);
	size_t i;

	if (ds == NULL) {
		FUZZ_CHECK(err[0] != '\0');
	} else {
		/* What dataset_file.h promises once it succeeded: every
		 * reference resolves. */
		FUZZ_CHECK(ds->ngoals > 0 && ds->title != NULL);
		for (i = 0; i < ds->nactivities; i++) {
			FUZZ_CHECK(ds->activities[i].measure >= 0 &&
			           (size_t)ds->activities[i].measure < ds->nmeasures);
			FUZZ_CHECK(ds->activities[i].relisted_of < (int)ds->nactivities);
			FUZZ_CHECK(ds->activities[i].relisted_of >= 0 || ds->activities[i].status);
		}
		for (i = 0; i < ds->nmeasures; i++)
			FUZZ_CHECK(ds->measures[i].relisted_from < (int)ds->nmeasures);
		dataset_free(ds);
	}
	free(text);
	return 0;
}

/* Must not compile: db/ may not include api/ (tests/CMakeLists.txt). */
#include "db_int.h"
#include "api.h"

int layering_check(void);
int
layering_check(void)
{
	return API_MAX_FIELDS;
}

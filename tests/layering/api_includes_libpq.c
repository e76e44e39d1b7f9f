/* Must not compile: api/ never sees libpq; only db/ links it. */
#include "api.h"
#include <libpq-fe.h>

int layering_check(void);
int
layering_check(void)
{
	return PQlibVersion();
}

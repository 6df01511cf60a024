#include "build_info.h"

#ifndef COLDTRACE_BUILD_COMMIT
#define COLDTRACE_BUILD_COMMIT "unknown"
#endif

const char *coldtrace_build_commit(void) { return COLDTRACE_BUILD_COMMIT; }

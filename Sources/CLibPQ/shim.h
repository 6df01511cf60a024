#ifndef COLDTRACE_CLIBPQ_SHIM_H
#define COLDTRACE_CLIBPQ_SHIM_H
// libpq, PostgreSQL's C client library (Debian's libpq-dev; pkg-config adds -I/usr/include/postgresql).
#include <libpq-fe.h>
#endif

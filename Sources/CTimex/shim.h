#ifndef COLDTRACE_CTIMEX_SHIM_H
#define COLDTRACE_CTIMEX_SHIM_H
// The kernel clock's synchronisation status (`ntp_adjtime`, `STA_UNSYNC`, `TIME_ERROR`), which Swift's Glibc module
// does not include.
#include <sys/timex.h>
#endif

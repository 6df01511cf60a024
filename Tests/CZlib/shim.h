#ifndef COLDTRACE_CZLIB_SHIM_H
#define COLDTRACE_CZLIB_SHIM_H
#include <zlib.h>
#endif

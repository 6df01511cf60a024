#ifndef COLDTRACE_CQRENCODE_SHIM_H
#define COLDTRACE_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif

#ifndef COLDTRACE_CMODBUS_SHIM_H
#define COLDTRACE_CMODBUS_SHIM_H
#include <modbus.h>
#endif

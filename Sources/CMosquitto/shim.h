#ifndef COLDTRACE_CMOSQUITTO_SHIM_H
#define COLDTRACE_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif

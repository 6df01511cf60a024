#ifndef COLDTRACE_CMOSQUITTO_SHIM_H
#define COLDTRACE_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
/* The certificate check's result after a failed TLS handshake (MosquittoClient's TLS diagnosis). */
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#endif

#ifndef COLDTRACE_CCRYPTO_SHIM_H
#define COLDTRACE_CCRYPTO_SHIM_H
#include <openssl/sha.h>
#endif

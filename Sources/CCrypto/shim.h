#ifndef COLDTRACE_CCRYPTO_SHIM_H
#define COLDTRACE_CCRYPTO_SHIM_H
#include <openssl/sha.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#endif

// OpenSSL's SHA-256 through its one-block-at-a-time API on a stack context: no allocation,
// no provider lookup, and the SHA extensions where the CPU has them. OpenSSL 3 marks this API
// deprecated in favour of EVP, whose per-call fetch costs ~2.5× more on 64-byte inputs (the
// merkle and header hashes that dominate a mining gateway); the functions stay supported.
#ifndef RG_OPENSSL_SHA_SHIM_H
#define RG_OPENSSL_SHA_SHIM_H
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stddef.h>
#include <openssl/sha.h>

static inline void rg_sha256(const void *data, size_t length, unsigned char digest[32]) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, data, length);
    SHA256_Final(digest, &context);
}

static inline void rg_sha256_concatenation(const void *a, size_t a_length, const void *b, size_t b_length,
                                           unsigned char digest[32]) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, a, a_length);
    SHA256_Update(&context, b, b_length);
    SHA256_Final(digest, &context);
}

static inline void rg_sha256d(const void *data, size_t length, unsigned char digest[32]) {
    unsigned char first[32];
    rg_sha256(data, length, first);
    rg_sha256(first, 32, digest);
}
#endif

/* Passwords (argon2id) and random tokens, through libsodium. */
#ifndef SHINCHOKU_CRYPTO_H
#define SHINCHOKU_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define CRYPTO_TOKEN_HEX 65 /* 32 random bytes as hex, and the NUL */
#define CRYPTO_HASH_MAX  128

/* Initializes libsodium; 0 on success. */
int crypto_setup(void);

/* argon2id hash of password into out (CRYPTO_HASH_MAX bytes); 0 on success. */
int crypto_password_hash(const char *password, char out[CRYPTO_HASH_MAX]);
bool crypto_password_verify(const char *hash, const char *password);
/* The same cost as a real check, for a login that does not exist. */
void crypto_password_burn(const char *password);

/* Overwrites len bytes of a secret (a password read from a request or
 * stdin) so it does not linger in freed memory. */
void crypto_wipe(void *p, size_t len);

/* A fresh random token, and the SHA-256 (hex) under which it is stored. */
void crypto_token_new(char out[CRYPTO_TOKEN_HEX]);
void crypto_token_hash(const char *token, char out[CRYPTO_TOKEN_HEX]);

/* Constant-time comparison of two hex tokens. */
bool crypto_token_equal(const char *a, const char *b);

#endif

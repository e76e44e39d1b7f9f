/* Session tokens are 32 random bytes shown to the browser once, in the
 * cookie; the database keeps only their SHA-256, so a leaked table does
 * not sign anyone in. */
#include "crypto.h"

#include <string.h>

#include <sodium.h>

int
crypto_setup(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
crypto_password_hash(const char *password, char out[CRYPTO_HASH_MAX])
{
	/* crypto_pwhash_str is argon2id in libsodium >= 1.0.15. */
	return crypto_pwhash_str(out, password, strlen(password),
	                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                         crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

bool
crypto_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void
crypto_password_burn(const char *password)
{
	static char dummy[crypto_pwhash_STRBYTES];

	if (dummy[0] == '\0' && crypto_password_hash("not a password", dummy) != 0)
		return;
	(void)crypto_password_verify(dummy, password);
}

void
crypto_wipe(void *p, size_t len)
{
	if (p != NULL)
		sodium_memzero(p, len);
}

void
crypto_token_new(char out[CRYPTO_TOKEN_HEX])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, CRYPTO_TOKEN_HEX, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

void
crypto_token_hash(const char *token, char out[CRYPTO_TOKEN_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, CRYPTO_TOKEN_HEX, h, sizeof h);
}

bool
crypto_token_equal(const char *a, const char *b)
{
	return a != NULL && b != NULL && strlen(a) == CRYPTO_TOKEN_HEX - 1 &&
	       strlen(b) == CRYPTO_TOKEN_HEX - 1 && sodium_memcmp(a, b, CRYPTO_TOKEN_HEX - 1) == 0;
}

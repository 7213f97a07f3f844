/*
 * test_sha: SHA-256 against the FIPS 180-4 example vectors and against
 * lengths around the padding boundary (cross-checked with sha256sum).
 */
#include <string.h>

#include "sha.h"
#include "tap.h"

int
main(void)
{
	char	 hex[65], buf[200];
	int	 i;

	sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc");
	sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "two-block message");
	for (i = 0; i < 200; i++)
		buf[i] = 'a';
	sha256_hex(buf, 55, hex);
	is_str(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318", "55 bytes");
	sha256_hex(buf, 64, hex);
	is_str(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb", "64 bytes");
	return done_testing();
}

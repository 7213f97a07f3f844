/*
 * fuzz_path: libFuzzer target for the name checks that guard what the
 * builder writes: arc_name_ok() (archive members and out_write paths)
 * and sch_slug_ok() (slugs, which become folder names).  The input is
 * taken as a C string (up to its first NUL).  Invariants of an accepted
 * member name: not empty, no leading '/', no empty, "." or ".."
 * component, no NUL, control character, DEL, backslash or non-ASCII
 * byte, at most 255 bytes.  Of an accepted slug: 1-64 bytes of
 * [a-z0-9-], no edge hyphen, and itself a valid member name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"
#include "sch.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_name(const char *s)
{
	const char	*c, *e;
	size_t		 n = strlen(s), k;

	if (n == 0 || n > 255 || s[0] == '/')
		abort();
	for (c = s; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f ||
		    *c == '\\')
			abort();
	for (c = s; ; c = e + 1) {
		e = strchr(c, '/');
		k = e ? (size_t)(e - c) : strlen(c);
		if (k == 0 || (k == 1 && c[0] == '.') ||
		    (k == 2 && c[0] == '.' && c[1] == '.'))
			abort();
		if (e == NULL)
			break;
	}
}

static void
check_slug(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
		abort();
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			abort();
	if (arc_name_ok(s) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (arc_name_ok(s) == 0)
		check_name(s);
	if (sch_slug_ok(s))
		check_slug(s);
	free(s);
	return 0;
}

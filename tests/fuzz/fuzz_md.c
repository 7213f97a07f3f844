/*
 * fuzz_md: libFuzzer target for md_render() and md_plain() with the
 * production options and extensions (not cmark's own NULL extension
 * list).  Invariants: no crash, leak or sanitizer report; a failure
 * leaves a diagnostic and the output untouched; a success stays under
 * MD_MAXOUT; safe mode holds: in the HTML's tags (text is escaped, so
 * every '<' in the output opens a tag cmark wrote) there is no
 * <script, no event-handler attribute and no href or src whose value
 * starts with a javascript: or vbscript: scheme, whatever the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "diag.h"
#include "md.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 inited;

static int
prefix(const char *p, const char *end, const char *s)
{
	size_t	 k = strlen(s);

	return (size_t)(end - p) >= k && strncasecmp(p, s, k) == 0;
}

/* Returns 0 if the tags in [h, h + n) are safe, else -1. */
static int
tags_safe(const char *h, size_t n)
{
	const char	*p = h, *end = h + n, *q;
	char		 quote;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (prefix(p, end, "<!--")) {
			if ((q = strstr(p, "-->")) == NULL)
				return -1;
			p = q + 3;
			continue;
		}
		if (prefix(p, end, "<script"))
			return -1;
		quote = 0;
		for (q = p + 1; q < end && (quote || *q != '>'); q++) {
			if (quote) {
				if (*q == quote)
					quote = 0;
				continue;
			}
			if (*q == '"' || *q == '\'') {
				quote = *q;
				continue;
			}
			if ((q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n') &&
			    prefix(q, end, "on") && q + 2 < end &&
			    q[2] >= 'a' && q[2] <= 'z')
				return -1;
			if ((prefix(q, end, "href=\"") ||
			    prefix(q, end, "src=\"")) &&
			    (prefix(strchr(q, '"') + 1, end, "javascript:") ||
			    prefix(strchr(q, '"') + 1, end, "vbscript:")))
				return -1;
		}
		p = q;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 out;
	struct diag	 d;
	char		*p;

	if (!inited) {
		md_init();
		inited = 1;
	}
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	buf_init(&out, 0);
	diag_init(&d);
	if (md_render(p, size, &out, "f.md", 1, &d) == 0) {
		if (d.nerr != 0 || out.len > MD_MAXOUT)
			abort();
		if (tags_safe(buf_cstr(&out), out.len) == -1)
			abort();
	} else if (d.nerr == 0 || out.len != 0)
		abort();
	buf_reset(&out);
	if (md_plain(p, size, &out) == 0 && out.len > MD_MAXOUT)
		abort();
	buf_free(&out);
	diag_free(&d);
	free(p);
	return 0;
}

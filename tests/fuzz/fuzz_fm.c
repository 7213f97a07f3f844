/*
 * fuzz_fm: libFuzzer target for the front-matter loader.  Feeds
 * arbitrary bytes to fm_parse() as a content file, and the part after
 * the first line to fm_parse_yaml() as a whole YAML file, in a fresh
 * arena each time.  Invariants checked beyond "no crash, no leak, no
 * sanitizer report": a failure leaves a diagnostic; a success yields a
 * tree no deeper than the cap, a body that is the input's tail, and a
 * body line that counts the input's newlines.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fm.h"
#include "val.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
depth(const struct val *v)
{
	size_t	 i, d, m = 0;

	if (v == NULL || (v->kind != VAL_SEQ && v->kind != VAL_MAP))
		return 0;
	for (i = 0; i < (v->kind == VAL_SEQ ? v->u.seq.n : v->u.map.n); i++) {
		d = depth(v->kind == VAL_SEQ ? v->u.seq.v[i] : v->u.map.v[i]);
		if (d > m)
			m = d;
	}
	return m + 1;
}

static void
one(const char *src, size_t len)
{
	struct arena	*ar = ar_new();
	struct diag	 d;
	struct fm_doc	 doc;
	struct val	*v;
	size_t		 i, nl = 0;

	diag_init(&d);
	if (fm_parse(ar, "f.md", src, len, &doc, &d) == 0) {
		if (d.nerr != 0 || doc.meta == NULL ||
		    depth(doc.meta) > FM_MAXDEPTH ||
		    doc.body < src || doc.body + doc.bodylen != src + len)
			abort();
		for (i = 0; i < (size_t)(doc.body - src); i++)
			nl += src[i] == '\n';
		/* An empty body after a closing line with no newline is
		 * on the line after it. */
		if (doc.body_line != nl + 1 &&
		    !(doc.bodylen == 0 && doc.body_line == nl + 2))
			abort();
	} else if (d.nerr == 0 || d.text.len == 0)
		abort();
	diag_free(&d);
	diag_init(&d);
	if (fm_parse_yaml(ar, "f.yaml", src, len, 1, 0, &v, &d) == 0) {
		if (v == NULL || depth(v) > FM_MAXDEPTH)
			abort();
	} else if (d.nerr == 0)
		abort();
	diag_free(&d);
	ar_free(ar);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*p;

	/* A private copy, so reads past the end are caught. */
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	one(p, size);
	free(p);
	return 0;
}

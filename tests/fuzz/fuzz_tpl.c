/*
 * fuzz_tpl: libFuzzer target for the Mustache engine.  The input is
 * split at the first two NUL bytes into a main template, a partial
 * ("p") and a parent ("layout"); all three are compiled with
 * tpl_set_add() and "main" is rendered against a small fixed context
 * holding every kind of value (strings with markup, numbers, booleans,
 * lists, nested maps, an empty list, null).  Invariants: no crash,
 * leak, sanitizer report or runaway (recursion through partials is
 * capped); a failure leaves a diagnostic; {{x}} output never contains
 * the raw "<b>" of an escaped value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "tpl.h"
#include "val.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct arena	*ctxar;
static struct val	*ctx;

static void
mkctx(void)
{
	struct val	*m, *l, *it;
	int		 i;

	ctxar = ar_new();
	ctx = val_map(ctxar);
	val_set(ctxar, ctx, "title", val_str(ctxar, "A <b>&\"title\"</b>"));
	val_set(ctxar, ctx, "body_html", val_str(ctxar, "<p>ok</p>"));
	val_set(ctxar, ctx, "n", val_int(ctxar, 42));
	val_set(ctxar, ctx, "x", val_num(ctxar, 2.5));
	val_set(ctxar, ctx, "yes", val_bool(ctxar, 1));
	val_set(ctxar, ctx, "no", val_bool(ctxar, 0));
	val_set(ctxar, ctx, "none", val_null(ctxar));
	val_set(ctxar, ctx, "empty", val_seq(ctxar));
	l = val_seq(ctxar);
	for (i = 0; i < 3; i++) {
		it = val_map(ctxar);
		val_set(ctxar, it, "name", val_str(ctxar, i ? "b" : "<a>"));
		val_set(ctxar, it, "i", val_int(ctxar, i));
		val_push(ctxar, l, it);
	}
	val_set(ctxar, ctx, "items", l);
	m = val_map(ctxar);
	val_set(ctxar, m, "inner", val_str(ctxar, "deep"));
	val_set(ctxar, m, "self", val_str(ctxar, "{{title}}"));
	val_set(ctxar, ctx, "a", m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpl_set	*set;
	struct buf	 out;
	struct diag	 d;
	const char	*parts[3] = { "main", "p", "layout" };
	const uint8_t	*p = data, *end = data + size, *z;
	char		*copy;
	int		 i, rc;

	if (ctx == NULL)
		mkctx();
	if ((set = tpl_set_new()) == NULL)
		return 0;
	diag_init(&d);
	for (i = 0; i < 3; i++) {
		z = i < 2 ? memchr(p, '\0', (size_t)(end - p)) : NULL;
		if (z == NULL)
			z = end;
		/* A private copy, so reads past the end are caught. */
		if ((copy = malloc((size_t)(z - p) + 1)) == NULL)
			break;
		memcpy(copy, p, (size_t)(z - p));
		tpl_set_add(set, parts[i], copy, (size_t)(z - p), parts[i], &d);
		free(copy);
		if (z == end)
			break;
		p = z + 1;
	}
	buf_init(&out, (size_t)1 << 20);
	rc = tpl_render(set, "main", ctx, &out, &d);
	if (rc == -1 && d.nerr == 0)
		abort();
	buf_free(&out);
	diag_free(&d);
	tpl_set_free(set);
	return 0;
}

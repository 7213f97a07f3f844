/*
 * bnd: bundle assembly (see bnd.h).  VERIFIED.md is a Markdown table
 * with one row per file: file, method (executed, schema, syntax,
 * unverifiable), the named check the test suite runs for it, and how.
 * tests/bundles/verify.sh reads that table back and fails when a row
 * has no passing result.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"
#include "bnd.h"
#include "sha.h"

static const char *const bnd_methods[] = {
	"executed", "schema", "syntax", "unverifiable", NULL
};

static const char *const bnd_method_label[] = {
	"executed here", "schema-checked", "syntax only",
	"not verifiable here", NULL
};

static int
bnd_pathcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct val *
bnd_layers(const struct kb *kb, const char *primary, struct arena *ar)
{
	struct val	*out = val_seq(ar), *e, *dl;
	size_t		 i, j;

	for (i = 0; primary != NULL && i < val_len(kb->frameworks); i++) {
		e = val_at(kb->frameworks, i);
		dl = val_get(e, "delegates_to");
		for (j = 0; j < val_len(dl); j++)
			if (strcmp(val_cstr(val_at(dl, j)), primary) == 0)
				val_push(ar, out, e);
	}
	return out;
}

/* Escapes a table cell: pipes and newlines. */
static void
bnd_cell(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '|')
			buf_puts(b, "\\|");
		else if (*s == '\n' || *s == '\r')
			buf_putc(b, ' ');
		else
			buf_putc(b, *s);
	}
}

struct val *
bnd_make(struct pl_host *pl, const struct kb *kb, const struct val *scn,
    const struct val *rec, const char *top, struct arena *ar, struct diag *d)
{
	struct val	*files = val_map(ar), *verify = val_map(ar), *res;
	struct val	*ctx, *args[3], *fields, *vt, *out, *tpls;
	const struct val *primary = NULL, *fallback = NULL;
	const char	*pslug, *fslug, *family = NULL, *pf, *pname, *method;
	char		**paths, hex[65];
	struct buf	 vm, sums;
	size_t		 i, j, k, np;
	int		 family_done = 0, errs = d->nerr;

	pslug = val_cstr(val_get(rec, "primary"));
	fslug = val_cstr(val_get(rec, "fallback"));
	if (pslug != NULL) {
		primary = kb_framework(kb, pslug);
		family = val_getstr(primary, "bundle_family");
	}
	if (fslug != NULL)
		fallback = kb_framework(kb, fslug);
	ctx = val_map(ar);
	val_append(ar, ctx, "top", val_str(ar, top));
	val_append(ar, ctx, "scenario", scn ? (struct val *)scn :
	    val_null(ar));
	val_append(ar, ctx, "recommendation", (struct val *)rec);
	val_append(ar, ctx, "fallback", fallback ? (struct val *)fallback :
	    val_null(ar));
	val_append(ar, ctx, "layers", bnd_layers(kb, pslug, ar));
	val_append(ar, ctx, "site", kb->site);
	val_append(ar, ctx, "build_date", val_str(ar, kb->date));
	/* Whether a plugin writes this family's files: the common plugin
	 * runs first (plugins run in name order) and says so in README. */
	for (i = 0; family != NULL && i < pl_count(pl); i++) {
		if (!pl_has(pl, i, "bundle"))
			continue;
		pf = val_getstr(pl_fields(pl, i, ar), "family");
		if (pf != NULL && strcmp(pf, family) == 0)
			family_done = 1;
	}
	val_append(ar, ctx, "family_files", val_bool(ar, family_done));
	args[0] = primary ? (struct val *)primary : val_null(ar);
	args[1] = val_get(rec, "requirements");
	args[2] = ctx;
	for (i = 0; i < pl_count(pl); i++) {
		if (!pl_has(pl, i, "bundle"))
			continue;
		pname = pl_name(pl, i);
		fields = pl_fields(pl, i, ar);
		pf = val_getstr(fields, "family");
		if (pf == NULL || (strcmp(pf, "*") != 0 && (family == NULL ||
		    strcmp(pf, family) != 0)))
			continue;
		if (family != NULL && strcmp(pf, family) == 0)
			family_done = 1;
		/* The plugin's templates: content/bundles/<family>/. */
		tpls = val_get(kb->templates, strcmp(pf, "*") == 0 ? "common" :
		    pf);
		val_set(ar, ctx, "templates", tpls ? tpls : val_map(ar));
		/* content/bundles/common/, shared by every family. */
		tpls = val_get(kb->templates, "common");
		val_set(ar, ctx, "common", tpls ? tpls : val_map(ar));
		if (pl_call(pl, i, "bundle", args, 3, ar, &res, d) == -1)
			return NULL;
		if (res != NULL && res->kind == VAL_SEQ && res->u.seq.n == 0)
			continue;	/* an empty table: no files */
		if (res == NULL || res->kind != VAL_MAP)
			return diag_error(d, ar_printf(ar, "plugins/%s.lua",
			    pname), 0, 0, "bundle must return a table of "
			    "path = text"), NULL;
		vt = val_get(fields, "verify");
		for (j = 0; j < res->u.map.n; j++) {
			const char *p = res->u.map.k[j];

			if (arc_name_ok(p) == -1 || val_cstr(res->u.map.v[j])
			    == NULL || strcmp(p, "VERIFIED.md") == 0 ||
			    strcmp(p, "SHA256SUMS") == 0) {
				diag_error(d, ar_printf(ar, "plugins/%s.lua",
				    pname), 0, 0, "bundle: bad file '%s' (a "
				    "safe relative path with text contents, "
				    "not VERIFIED.md or SHA256SUMS)", p);
				continue;
			}
			if (val_get(files, p) != NULL) {
				diag_error(d, ar_printf(ar, "plugins/%s.lua",
				    pname), 0, 0, "bundle: '%s' is also "
				    "written by another plugin", p);
				continue;
			}
			method = val_getstr(val_get(vt, p), "method");
			for (k = 0; method && bnd_methods[k] != NULL; k++)
				if (strcmp(bnd_methods[k], method) == 0)
					break;
			if (method == NULL || bnd_methods[k] == NULL ||
			    val_getstr(val_get(vt, p), "check") == NULL ||
			    val_getstr(val_get(vt, p), "how") == NULL) {
				diag_error(d, ar_printf(ar, "plugins/%s.lua",
				    pname), 0, 0, "bundle: '%s' has no "
				    "verification line (verify[path] = {method "
				    "= executed|schema|syntax|unverifiable, "
				    "check, how})", p);
				continue;
			}
			val_append(ar, files, p, res->u.map.v[j]);
			val_append(ar, verify, p, val_get(vt, p));
		}
	}
	if (d->nerr > errs)
		return NULL;
	/* VERIFIED.md, sorted by path. */
	np = files->u.map.n;
	paths = ar_alloc(ar, (np + 2) * sizeof(*paths));
	for (i = 0; i < np; i++)
		paths[i] = files->u.map.k[i];
	qsort(paths, np, sizeof(*paths), bnd_pathcmp);
	buf_init(&vm, 1 << 20);
	buf_printf(&vm, "# How the files of %s were verified\n\n", top);
	buf_puts(&vm, "Every file in this bundle was checked by the Sandbox "
	    "Atlas test suite (`make test`) with the method below before "
	    "the site was published. Methods: *executed here* (run or "
	    "enforced on a Debian 12 machine), *schema-checked* (validated "
	    "against the tool's published schema), *syntax only* (parsed "
	    "or linted), *not verifiable here* (and why).\n\n");
	if (family != NULL && !family_done)
		buf_printf(&vm, "The templates of the `%s` bundle family are "
		    "pending: this bundle holds only the family-independent "
		    "files.\n\n", family);
	if (pslug == NULL)
		buf_puts(&vm, "No sandbox meets these requirements, so this "
		    "bundle holds only the family-independent files.\n\n");
	buf_puts(&vm, "| file | method | check | how |\n|---|---|---|---|\n");
	for (i = 0; i < np; i++) {
		const struct val *row = val_get(verify, paths[i]);

		method = val_getstr(row, "method");
		for (k = 0; bnd_methods[k] != NULL; k++)
			if (strcmp(bnd_methods[k], method) == 0)
				break;
		buf_puts(&vm, "| `");
		bnd_cell(&vm, paths[i]);
		buf_printf(&vm, "` | %s | ", bnd_method_label[k]);
		bnd_cell(&vm, val_getstr(row, "check"));
		buf_puts(&vm, " | ");
		bnd_cell(&vm, val_getstr(row, "how"));
		buf_puts(&vm, " |\n");
	}
	buf_puts(&vm, "| `SHA256SUMS` | executed here | sha256sum | "
	    "`sha256sum -c SHA256SUMS` in the bundle folder |\n");
	buf_puts(&vm, "| `VERIFIED.md` | executed here | verified-manifest | "
	    "every row of this table has a passing result in the test "
	    "suite's results manifest (tests/bundles/verify.sh) |\n");
	val_append(ar, files, "VERIFIED.md", val_strn(ar, buf_cstr(&vm),
	    vm.len));
	buf_free(&vm);
	paths[np++] = ar_strdup(ar, "VERIFIED.md");
	qsort(paths, np, sizeof(*paths), bnd_pathcmp);
	buf_init(&sums, 1 << 20);
	for (i = 0; i < np; i++) {
		const struct val *f = val_get(files, paths[i]);

		sha256_hex(f->u.str.s, f->u.str.len, hex);
		buf_printf(&sums, "%s  %s\n", hex, paths[i]);
	}
	paths[np++] = ar_strdup(ar, "SHA256SUMS");
	val_append(ar, files, "SHA256SUMS", val_strn(ar, buf_cstr(&sums),
	    sums.len));
	buf_free(&sums);
	qsort(paths, np, sizeof(*paths), bnd_pathcmp);
	out = val_map(ar);
	for (i = 0; i < np; i++)
		val_append(ar, out, paths[i], val_get(files, paths[i]));
	return out;
}

/*
 * sch: schema validation of val trees (see sch.h).  The walk is
 * recursive over the value and bounded by the loader's depth cap.
 * Field paths in messages use dots for map keys and [i] for list
 * items, e.g. "criteria.cold_start.sources[1].url".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sch.h"

struct	sch_walk {
	const struct sch	*s;
	const char		*file;
	struct diag		*d;
	int			 nerr;
};

static const char *const sch_kinds[] = {
	"string", "text", "slug", "url", "date", "int", "enum", "token",
	"list", "map", "any", NULL
};

static int __attribute__((format(printf, 4, 5)))
sch_err(struct sch_walk *w, const struct val *v, const char *fld,
    const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	w->nerr++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(w->d, w->file, v ? v->line : 0, v ? v->col : 0, "%s%s%s",
	    fld[0] ? fld : "", fld[0] ? ": " : "", msg);
	return -1;
}

static const char *
sch_show(const struct val *v)
{
	switch (v->kind) {
	case VAL_NULL:
		return "nothing";
	case VAL_SEQ:
		return "a list";
	case VAL_MAP:
		return "a mapping";
	case VAL_BOOL:
		return v->u.b ? "true" : "false";
	default:
		return v->kind == VAL_STR ? v->u.str.s : "a number";
	}
}

int
sch_slug_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '-'))
			return 0;
	return 1;
}

static int
sch_date_ok(const char *s)
{
	int	 y, m, dd, mdays[] = {31,29,31,30,31,30,31,31,30,31,30,31};

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	dd = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1])
		return 0;
	if (m == 2 && dd == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0)))
		return 0;
	return 1;
}

static int
sch_url_ok(const char *s)
{
	const char	*h;
	size_t		 i;

	if (strncmp(s, "https://", 8) == 0)
		h = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		h = s + 7;
	else
		return 0;
	if (*h == '\0' || *h == '/')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == '"' ||
		    s[i] == '<' || s[i] == '>' || s[i] == '\\' ||
		    s[i] == '`' || (unsigned char)s[i] == 0x7f)
			return 0;
	return 1;
}

static const struct val *
sch_resolve(const struct sch *s, const struct val *node, const char **kind)
{
	const char	*t = val_getstr(node, "type");
	int		 hops = 0;

	while (t != NULL && hops++ < 16) {
		const struct val *named;
		size_t		  i;

		for (i = 0; sch_kinds[i] != NULL; i++)
			if (strcmp(t, sch_kinds[i]) == 0) {
				*kind = t;
				return node;
			}
		if ((named = val_get(s->types, t)) == NULL)
			return NULL;
		node = named;
		t = val_getstr(node, "type");
	}
	return NULL;
}

static int
sch_is_true(const struct val *v)
{
	const char	*s = val_cstr(v);

	return s != NULL && strcmp(s, "true") == 0;
}

static int	sch_walk(struct sch_walk *, const struct val *, struct val *,
		    const char *);

static int
sch_walk_map(struct sch_walk *w, const struct val *node, struct val *v,
    const char *fld)
{
	const struct val	*keys = val_get(node, "keys");
	char			 sub[512];
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < v->u.map.n; i++) {
		const char		*k = v->u.map.k[i];
		const struct val	*kn = val_get(keys, k);

		snprintf(sub, sizeof(sub), "%s%s%s", fld, fld[0] ? "." : "",
		    k);
		if (kn == NULL) {
			rc = sch_err(w, v->u.map.v[i], fld,
			    "unknown key '%s'", k);
			continue;
		}
		if (sch_walk(w, kn, v->u.map.v[i], sub) == -1)
			rc = -1;
	}
	for (i = 0; keys != NULL && i < keys->u.map.n; i++) {
		if (!sch_is_true(val_get(keys->u.map.v[i], "required")))
			continue;
		if (val_get(v, keys->u.map.k[i]) != NULL)
			continue;
		rc = sch_err(w, v, fld, "missing required key '%s'",
		    keys->u.map.k[i]);
	}
	return rc;
}

static int
sch_walk(struct sch_walk *w, const struct val *node, struct val *v,
    const char *fld)
{
	const struct val	*n, *vals;
	const char		*kind = NULL, *s, *lim;
	char			 sub[512], *end;
	long long		 x;
	size_t			 i;
	int			 rc = 0;

	if ((n = sch_resolve(w->s, node, &kind)) == NULL)
		return sch_err(w, v, fld, "schema has no type for this field");
	if (strcmp(kind, "any") == 0)
		return 0;
	if (strcmp(kind, "list") == 0) {
		if (v->kind != VAL_SEQ)
			return sch_err(w, v, fld, "expected a list, got %s",
			    sch_show(v));
		if ((lim = val_getstr(n, "min")) != NULL &&
		    v->u.seq.n < (size_t)atoll(lim))
			return sch_err(w, v, fld,
			    "expected at least %s item(s)", lim);
		if ((lim = val_getstr(n, "max")) != NULL &&
		    v->u.seq.n > (size_t)atoll(lim))
			return sch_err(w, v, fld,
			    "expected at most %s item(s)", lim);
		for (i = 0; i < v->u.seq.n; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", fld, i);
			if (sch_walk(w, val_get(n, "items"), v->u.seq.v[i],
			    sub) == -1)
				rc = -1;
		}
		return rc;
	}
	if (strcmp(kind, "map") == 0) {
		if (v->kind != VAL_MAP)
			return sch_err(w, v, fld,
			    "expected a mapping, got %s", sch_show(v));
		return sch_walk_map(w, n, v, fld);
	}
	/* Scalars. */
	if (v->kind != VAL_STR)
		return sch_err(w, v, fld, "expected %s, got %s",
		    strcmp(kind, "int") == 0 ? "an integer" : "a string",
		    sch_show(v));
	s = v->u.str.s;
	if ((lim = val_getstr(n, "max_len")) != NULL &&
	    v->u.str.len > (size_t)atoll(lim))
		return sch_err(w, v, fld, "longer than %s bytes", lim);
	if (strcmp(kind, "string") == 0 || strcmp(kind, "text") == 0) {
		if (v->u.str.len == 0 && strcmp(kind, "string") == 0)
			return sch_err(w, v, fld, "must not be empty");
		return 0;
	}
	if (strcmp(kind, "slug") == 0)
		return sch_slug_ok(s) ? 0 : sch_err(w, v, fld,
		    "'%s' is not a slug ([a-z0-9-]+, at most 64 characters)",
		    s);
	if (strcmp(kind, "url") == 0)
		return sch_url_ok(s) ? 0 : sch_err(w, v, fld,
		    "'%s' is not an http(s) URL", s);
	if (strcmp(kind, "date") == 0)
		return sch_date_ok(s) ? 0 : sch_err(w, v, fld,
		    "expected a date YYYY-MM-DD, got '%s'", s);
	if (strcmp(kind, "int") == 0) {
		errno = 0;
		x = strtoll(s, &end, 10);
		if (v->quoted || *s == '\0' || *end != '\0' || errno != 0)
			return sch_err(w, v, fld,
			    "expected an integer, got '%s'", s);
		if (((lim = val_getstr(n, "min")) != NULL && x < atoll(lim)) ||
		    ((lim = val_getstr(n, "max")) != NULL && x > atoll(lim)))
			return sch_err(w, v, fld, "%s is out of range", s);
		v->kind = VAL_INT;
		v->u.i = x;
		return 0;
	}
	if (strcmp(kind, "enum") == 0 || strcmp(kind, "token") == 0) {
		struct buf	 b;

		if (strcmp(kind, "enum") == 0)
			vals = val_get(n, "values");
		else
			vals = val_get(w->s->dims,
			    val_getstr(n, "dimension") ?
			    val_getstr(n, "dimension") : "");
		for (i = 0; i < val_len(vals); i++)
			if (strcmp(val_cstr(val_at(vals, i)) ?
			    val_cstr(val_at(vals, i)) : "", s) == 0)
				return 0;
		buf_init(&b, 4096);
		for (i = 0; i < val_len(vals); i++)
			buf_printf(&b, "%s%s", i ? ", " : "",
			    val_cstr(val_at(vals, i)));
		rc = sch_err(w, v, fld, "'%s' is not one of: %s", s,
		    buf_cstr(&b));
		buf_free(&b);
		return rc;
	}
	return sch_err(w, v, fld, "unknown schema type '%s'", kind);
}

/* Checks every node of the schema names a known type. */
static int
sch_lint(const struct sch *s, const struct val *node, const char *where,
    struct diag *d, int depth)
{
	const char	*kind = NULL;
	const struct val *n, *keys;
	size_t		 i;
	int		 rc = 0;

	if (depth > 32)
		return diag_error(d, s->path, node->line, node->col,
		    "%s: schema nests too deeply", where);
	if (node == NULL || node->kind != VAL_MAP)
		return diag_error(d, s->path, node ? node->line : 0,
		    node ? node->col : 0, "%s: schema node must be a mapping",
		    where);
	if ((n = sch_resolve(s, node, &kind)) == NULL)
		return diag_error(d, s->path, node->line, node->col,
		    "%s: unknown type '%s'", where,
		    val_getstr(node, "type") ? val_getstr(node, "type") :
		    "(none)");
	if (n != node)
		return 0;	/* named types are linted on their own */
	if (strcmp(kind, "list") == 0) {
		if (val_get(n, "items") == NULL)
			return diag_error(d, s->path, n->line, n->col,
			    "%s: list needs 'items'", where);
		return sch_lint(s, val_get(n, "items"), where, d, depth + 1);
	}
	if (strcmp(kind, "enum") == 0 && val_len(val_get(n, "values")) == 0)
		return diag_error(d, s->path, n->line, n->col,
		    "%s: enum needs 'values'", where);
	if (strcmp(kind, "token") == 0 && val_get(s->dims,
	    val_getstr(n, "dimension") ? val_getstr(n, "dimension") : "") ==
	    NULL)
		return diag_error(d, s->path, n->line, n->col,
		    "%s: token needs a 'dimension' from dimensions.yaml", where);
	if (strcmp(kind, "map") == 0 && (keys = val_get(n, "keys")) != NULL)
		for (i = 0; i < keys->u.map.n; i++)
			if (sch_lint(s, keys->u.map.v[i], keys->u.map.k[i], d,
			    depth + 1) == -1)
				rc = -1;
	return rc;
}

int
sch_init(struct sch *s, const struct val *schema, const struct val *dims,
    const char *path, struct diag *d)
{
	size_t	 i;
	int	 rc = 0;

	s->root = schema;
	s->types = val_get(schema, "types");
	s->dims = dims;
	s->path = path;
	if (schema == NULL || schema->kind != VAL_MAP)
		return diag_error(d, path, 1, 1, "schema must be a mapping");
	for (i = 0; s->types != NULL && i < s->types->u.map.n; i++)
		if (sch_lint(s, s->types->u.map.v[i], s->types->u.map.k[i],
		    d, 0) == -1)
			rc = -1;
	for (i = 0; i < schema->u.map.n; i++)
		if (strcmp(schema->u.map.k[i], "types") != 0 &&
		    strcmp(schema->u.map.k[i], "version") != 0 &&
		    sch_lint(s, schema->u.map.v[i], schema->u.map.k[i], d,
		    0) == -1)
			rc = -1;
	return rc;
}

int
sch_check(const struct sch *s, const char *top, struct val *v,
    const char *file, struct diag *d)
{
	struct sch_walk	 w;
	const struct val *node = val_get(s->root, top);

	w.s = s;
	w.file = file;
	w.d = d;
	w.nerr = 0;
	if (node == NULL)
		return diag_error(d, s->path, 0, 0, "schema has no '%s'", top);
	if (v->kind != VAL_MAP) {
		w.nerr++;
		return diag_error(d, file, v->line ? v->line : 2, v->col ?
		    v->col : 1, "front matter must be a mapping of keys");
	}
	sch_walk(&w, node, v, "");
	return w.nerr ? -1 : 0;
}

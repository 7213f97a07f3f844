/*
 * rec: recommendation post-processing (see rec.h).  The plugin's
 * output is untrusted: every candidate is checked (known sandbox slug,
 * numeric score, boolean eligibility, non-empty list of string
 * reasons) before it is used.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"

int
rec_init(struct rec *r, struct kb *kb, struct pl_host *pl, struct arena *ar,
    struct diag *d)
{
	size_t	 i, n = 0;

	memset(r, 0, sizeof(*r));
	r->kb = kb;
	r->pl = pl;
	for (i = 0; i < pl_count(pl); i++)
		if (pl_has(pl, i, "rank")) {
			r->ranker = i;
			n++;
		}
	if (n != 1)
		return diag_error(d, "plugins", 0, 0, "exactly one plugin "
		    "must provide 'rank'; found %zu", n);
	r->entries = kb->frameworks;
	return 0;
}

struct val *
rec_requirements(const struct kb *kb, struct arena *ar,
    const char *const toks[6], struct diag *d)
{
	struct val	*req = val_map(ar), *dm, *seq;
	struct buf	 b;
	const char	*name;
	size_t		 i, j;

	for (i = 0; i < val_len(kb->dimlist) && i < 6; i++) {
		dm = val_at(kb->dimlist, i);
		name = val_getstr(dm, "name");
		if (toks[i] == NULL || kb_token_ok(kb, name, toks[i]) == -1) {
			seq = val_get(kb->dims, name);
			buf_init(&b, 4096);
			for (j = 0; j < val_len(seq); j++)
				buf_printf(&b, "%s%s", j ? ", " : "",
				    val_cstr(val_at(seq, j)));
			diag_error(d, NULL, 0, 0, "--%s: %s%s%s; valid "
			    "tokens: %s", name, toks[i] ? "unknown token '" :
			    "missing", toks[i] ? toks[i] : "", toks[i] ? "'" :
			    "", buf_cstr(&b));
			buf_free(&b);
			return NULL;
		}
		val_append(ar, req, name, val_str(ar, toks[i]));
	}
	return req;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct val *x = *(const struct val *const *)a;
	const struct val *y = *(const struct val *const *)b;
	int		  ex = val_get(x, "eligible")->u.b;
	int		  ey = val_get(y, "eligible")->u.b;
	double		  sx = val_get(x, "score")->u.d;
	double		  sy = val_get(y, "score")->u.d;

	if (ex != ey)
		return ey - ex;
	if (sx != sy)
		return sx < sy ? 1 : -1;
	return strcmp(val_getstr(x, "slug"), val_getstr(y, "slug"));
}

static const char *
rec_class(const struct kb *kb, const char *slug)
{
	return val_getstr(val_path(kb_framework(kb, slug), "criteria.isolation"),
	    "class");
}

/* Checks one candidate from the plugin; returns a clean copy or NULL. */
static struct val *
rec_candidate(struct rec *r, const struct val *c, size_t i, struct arena *ar,
    struct diag *d)
{
	const char	*pname = pl_name(r->pl, r->ranker);
	const char	*slug = val_getstr(c, "slug");
	struct val	*e, *out, *score = val_get(c, "score");
	struct val	*elig = val_get(c, "eligible"), *rs, *rr;
	double		 s;
	size_t		 j;

	if (slug == NULL || (e = kb_framework(r->kb, slug)) == NULL)
		return diag_error(d, ar_printf(ar, "plugins/%s.lua", pname),
		    0, 0, "rank: candidate %zu has no known slug", i + 1),
		    NULL;
	if (strcmp(val_getstr(e, "kind"), "sandbox") != 0)
		return NULL;	/* only sandboxes are ranked */
	if (score == NULL || (score->kind != VAL_NUM && score->kind !=
	    VAL_INT) || elig == NULL || elig->kind != VAL_BOOL)
		return diag_error(d, ar_printf(ar, "plugins/%s.lua", pname),
		    0, 0, "rank: candidate '%s' needs a numeric score and a "
		    "boolean eligible", slug), NULL;
	rs = val_get(c, "reasons");
	if (val_len(rs) == 0 || rs->kind != VAL_SEQ)
		return diag_error(d, ar_printf(ar, "plugins/%s.lua", pname),
		    0, 0, "rank: candidate '%s' has no reasons", slug), NULL;
	s = score->kind == VAL_INT ? (double)score->u.i : score->u.d;
	if (!isfinite(s))
		s = 0;
	s = s < 0 ? 0 : s > 100 ? 100 : s;
	s = round(s * 10) / 10;
	out = val_map(ar);
	val_append(ar, out, "slug", val_get(c, "slug"));
	val_append(ar, out, "name", val_get(e, "name"));
	val_append(ar, out, "score", val_num(ar, s));
	val_append(ar, out, "eligible", val_bool(ar, elig->u.b));
	rr = val_seq(ar);
	for (j = 0; j < val_len(rs); j++) {
		if (val_cstr(val_at(rs, j)) == NULL)
			return diag_error(d, ar_printf(ar, "plugins/%s.lua",
			    pname), 0, 0, "rank: candidate '%s': reasons must "
			    "be strings", slug), NULL;
		val_push(ar, rr, val_at(rs, j));	/* shared, not copied */
	}
	val_append(ar, out, "reasons", rr);
	return out;
}

/* Turns one rank() result into the recommendation object. */
static struct val *
rec_finish(struct rec *r, const struct val *reqs, const struct val *res,
    struct arena *ar, struct diag *d)
{
	struct val	*rank, *c, *out, *notes;
	struct val	**v;
	const char	*primary = NULL, *fallback = NULL, *pc, *fc;
	size_t		 i, n = 0;
	int		 errs = d->nerr, same = 0;

	if (res == NULL || (res->kind != VAL_SEQ && !(res->kind == VAL_MAP &&
	    res->u.map.n == 0)))
		return diag_error(d, ar_printf(ar, "plugins/%s.lua",
		    pl_name(r->pl, r->ranker)), 0, 0, "rank must return a "
		    "list of candidates"), NULL;
	v = ar_alloc(ar, (val_len(res) + 1) * sizeof(*v));
	for (i = 0; i < val_len(res) && res->kind == VAL_SEQ; i++)
		if ((c = rec_candidate(r, val_at(res, i), i, ar, d)) != NULL)
			v[n++] = c;
	if (d->nerr > errs)
		return NULL;
	qsort(v, n, sizeof(*v), rec_cmp);
	rank = val_seq(ar);
	notes = val_seq(ar);
	for (i = 0; i < n; i++)
		val_push(ar, rank, v[i]);
	for (i = 0; i < n && primary == NULL; i++)
		if (val_get(v[i], "eligible")->u.b)
			primary = val_getstr(v[i], "slug");
	if (primary != NULL) {
		pc = rec_class(r->kb, primary);
		for (i = 0; i < n && fallback == NULL; i++) {
			fc = rec_class(r->kb, val_getstr(v[i], "slug"));
			if (val_get(v[i], "eligible")->u.b && pc && fc &&
			    strcmp(pc, fc) != 0)
				fallback = val_getstr(v[i], "slug");
		}
		for (i = 0; i < n && fallback == NULL; i++)
			if (val_get(v[i], "eligible")->u.b &&
			    strcmp(val_getstr(v[i], "slug"), primary) != 0) {
				fallback = val_getstr(v[i], "slug");
				same = 1;
			}
		if (same)
			val_push(ar, notes, val_str(ar, ar_printf(ar,
			    "No eligible candidate has an isolation class "
			    "other than the primary's (%s); the fallback "
			    "shares it.", pc)));
		if (fallback == NULL)
			val_push(ar, notes, val_str(ar, "Only one candidate "
			    "meets every hard constraint, so there is no "
			    "fallback."));
	} else
		val_push(ar, notes, val_str(ar, n == 0 ? "No sandbox entry "
		    "was ranked." : "No candidate meets every hard "
		    "constraint; each candidate's first reason says what "
		    "excluded it."));
	out = val_map(ar);
	val_append(ar, out, "version", val_int(ar, 1));
	val_append(ar, out, "requirements", val_copy(ar, reqs));
	val_append(ar, out, "primary", primary ? val_str(ar, primary) :
	    val_null(ar));
	val_append(ar, out, "fallback", fallback ? val_str(ar, fallback) :
	    val_null(ar));
	val_append(ar, out, "notes", notes);
	val_append(ar, out, "ranking", rank);
	return out;
}

struct val *
rec_compute(struct rec *r, const struct val *reqs, struct arena *ar,
    struct diag *d)
{
	struct val	*args[3], *res;

	args[0] = r->entries;
	args[1] = (struct val *)reqs;
	args[2] = r->kb->rules;
	if (pl_call(r->pl, r->ranker, "rank", args, 3, ar, &res, d) == -1)
		return NULL;
	return rec_finish(r, reqs, res, ar, d);
}

struct val *
rec_compute_all(struct rec *r, const struct val *list, struct arena *ar,
    struct diag *d)
{
	struct val	*args[3], *res, *out, *one;
	size_t		 i;

	args[0] = r->entries;
	args[1] = (struct val *)list;
	args[2] = r->kb->rules;
	if (pl_call_each(r->pl, r->ranker, "rank", args, 3, 1, ar, &res,
	    d) == -1)
		return NULL;
	if (val_len(res) != val_len(list))
		return diag_error(d, NULL, 0, 0, "rank: %zu results for %zu "
		    "requirement sets", val_len(res), val_len(list)), NULL;
	out = val_seq(ar);
	for (i = 0; i < val_len(list); i++) {
		if ((one = rec_finish(r, val_at(list, i), val_at(res, i), ar,
		    d)) == NULL)
			return NULL;
		val_push(ar, out, one);
	}
	return out;
}

struct val *
rec_all_requirements(const struct kb *kb, struct arena *ar)
{
	struct val	*out = val_seq(ar), *req;
	size_t		 nd = val_len(kb->dimlist), idx[16], i, k;
	const struct val *toks[16];

	if (nd == 0 || nd > 16)
		return out;
	for (i = 0; i < nd; i++) {
		toks[i] = val_get(kb->dims, val_getstr(val_at(kb->dimlist, i),
		    "name"));
		idx[i] = 0;
		if (val_len(toks[i]) == 0)
			return out;
	}
	/* The first dimension varies slowest, the last fastest. */
	for (;;) {
		req = val_map(ar);
		for (i = 0; i < nd; i++)
			val_append(ar, req, val_getstr(val_at(kb->dimlist, i),
			    "name"), val_at(toks[i], idx[i]));
		val_push(ar, out, req);
		for (k = nd; k-- > 0;) {
			if (++idx[k] < val_len(toks[k]))
				break;
			idx[k] = 0;
		}
		if (k == (size_t)-1)
			break;
	}
	return out;
}

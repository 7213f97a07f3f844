/*
 * kb: knowledge-base loading and checking (see kb.h).
 *
 * Order: site.yaml, dimensions.yaml, schema.yaml and rules.yaml first
 * (a broken one stops the load), then every entry and preset, each
 * checked on its own so that one run reports every broken file.  Cross
 * references (delegates_to, expect.primary) are checked once all
 * entries are in.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fm.h"
#include "kb.h"
#include "sch.h"

static const char *const kb_criteria[] = {
	"isolation", "cold_start", "languages", "network", "filesystem",
	"cost", "self_host", "integrations", NULL
};

int
kb_read(struct arena *ar, const char *path, const char *rel, size_t max,
    char **data, size_t *len, struct diag *d)
{
	struct stat	 st;
	char		*p;
	size_t		 got = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return diag_error(d, rel, 0, 0, "cannot open: %s",
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_error(d, rel, 0, 0, "not a regular file");
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return diag_error(d, rel, 0, 0,
		    "file is %lld bytes; the limit is %zu",
		    (long long)st.st_size, max);
	}
	p = ar_alloc(ar, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		r = read(fd, p + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return diag_error(d, rel, 0, 0, "read error: %s",
			    r == 0 ? "short read" : strerror(errno));
		}
		got += (size_t)r;
	}
	close(fd);
	p[got] = '\0';
	*data = p;
	*len = got;
	return 0;
}

static int
kb_yaml(struct kb *kb, const char *rel, struct val **out, struct diag *d)
{
	char	*path, *src;
	size_t	 len;

	path = ar_printf(kb->ar, "%s/%s", kb->root, rel);
	if (kb_read(kb->ar, path, rel, FM_MAXFILE, &src, &len, d) == -1)
		return -1;
	if (fm_check_text(rel, src, len, d) == -1)
		return -1;
	return fm_parse_yaml(kb->ar, rel, src, len, 1, 32, out, d);
}

static int
kb_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists *.md under dir, sorted; hidden files are skipped. */
static int
kb_list(struct kb *kb, const char *rel, char ***names, size_t *n,
    struct diag *d)
{
	DIR		*dir;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 cap = 0, len;
	char		*path = ar_printf(kb->ar, "%s/%s", kb->root, rel);

	*n = 0;
	if ((dir = opendir(path)) == NULL) {
		if (errno == ENOENT) {
			*names = NULL;
			return 0;
		}
		return diag_error(d, rel, 0, 0, "cannot open folder: %s",
		    strerror(errno));
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 3, ".md") != 0) {
			diag_error(d, ar_printf(kb->ar, "%s/%s", rel,
			    de->d_name), 0, 0, "unexpected file: entries are "
			    "Markdown files named SLUG.md");
			continue;
		}
		if (*n == cap) {
			char	**nv;

			cap = cap ? cap * 2 : 64;
			nv = ar_alloc(kb->ar, cap * sizeof(*nv));
			if (*n)
				memcpy(nv, v, *n * sizeof(*nv));
			v = nv;
		}
		v[(*n)++] = ar_strdup(kb->ar, de->d_name);
	}
	closedir(dir);
	if (*n)
		qsort(v, *n, sizeof(*v), kb_cmp);
	*names = v;
	return 0;
}

static int
kb_date_days(const char *s, long long *days)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*days = (long long)timegm(&tm) / 86400;
	return 0;
}

/* Words that mark unfinished content. */
static const char *const kb_todo[] = {
	"TODO", "FIXME", "TBD", "XXX", "lorem ipsum", "Lorem ipsum",
	"coming soon", "Coming soon", "placeholder", NULL
};

static int
kb_word_at(const char *s, const char *hit, size_t n)
{
	if (hit > s && (isalnum((unsigned char)hit[-1]) || hit[-1] == '_'))
		return 0;
	return !(isalnum((unsigned char)hit[n]) || hit[n] == '_');
}

static const char *
kb_find_todo(const char *s)
{
	const char	*hit;
	size_t		 i;

	for (i = 0; kb_todo[i] != NULL; i++)
		for (hit = s; (hit = strstr(hit, kb_todo[i])) != NULL; hit++)
			if (kb_word_at(s, hit, strlen(kb_todo[i])))
				return kb_todo[i];
	return NULL;
}

static void
kb_scan_todo(const char *rel, const struct val *v, struct diag *d)
{
	const char	*w;
	size_t		 i;

	if (v == NULL)
		return;
	switch (v->kind) {
	case VAL_STR:
		if ((w = kb_find_todo(v->u.str.s)) != NULL)
			diag_error(d, rel, v->line, v->col,
			    "unfinished text ('%s') is not allowed in content",
			    w);
		break;
	case VAL_SEQ:
	case VAL_MAP:
		for (i = 0; i < val_len(v); i++)
			kb_scan_todo(rel, v->kind == VAL_SEQ ?
			    v->u.seq.v[i] : v->u.map.v[i], d);
		break;
	default:
		break;
	}
}

static void
kb_scan_body(const char *rel, const char *body, unsigned line0,
    struct diag *d)
{
	const char	*w, *p, *nl;
	unsigned	 line = line0;
	char		 tmp[4096];
	size_t		 n;

	for (p = body; *p != '\0'; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(tmp))
			n = sizeof(tmp) - 1;
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		if ((w = kb_find_todo(tmp)) != NULL)
			diag_error(d, rel, line, (unsigned)(strstr(tmp, w) -
			    tmp) + 1, "unfinished text ('%s') is not "
			    "allowed in content", w);
		if (nl == NULL)
			break;
	}
}

/* Marks sources and criteria stale; warns once per stale source. */
static void
kb_stale(struct kb *kb, const char *rel, struct val *e, struct diag *d)
{
	struct val	*crit = val_get(e, "criteria"), *c, *srcs, *s;
	long long	 today, day;
	size_t		 i, j;
	int		 fresh;

	if (kb_date_days(kb->date, &today) == -1)
		return;
	for (i = 0; i < val_len(crit); i++) {
		c = crit->u.map.v[i];
		srcs = val_get(c, "sources");
		fresh = 0;
		for (j = 0; j < val_len(srcs); j++) {
			s = val_at(srcs, j);
			if (kb_date_days(val_getstr(s, "checked"), &day) == -1)
				continue;
			if (today - day > KB_STALE_DAYS) {
				val_set(kb->ar, s, "stale", val_bool(kb->ar, 1));
				diag_warn(d, rel, s->line, s->col,
				    "stale claim: criteria.%s source checked "
				    "%s, more than %d days before the build "
				    "date %s", crit->u.map.k[i],
				    val_getstr(s, "checked"), KB_STALE_DAYS,
				    kb->date);
			} else {
				val_set(kb->ar, s, "stale", val_bool(kb->ar, 0));
				fresh = 1;
			}
		}
		val_set(kb->ar, c, "stale", val_bool(kb->ar, !fresh));
	}
}

static int
kb_is(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Cross-field rules that the schema cannot express. */
static void
kb_rules(struct kb *kb, const char *rel, struct val *e, struct diag *d)
{
	const char	*kind = val_getstr(e, "kind");
	struct val	*crit = val_get(e, "criteria"), *c, *cs, *lo, *hi;
	const char	*v, *cls;
	size_t		 i;
	int		 sandbox = kb_is(kind, "sandbox");

	/* Criteria in the documented order. */
	for (i = 0; kb_criteria[i] != NULL && i < val_len(crit); i++)
		if (strcmp(crit->u.map.k[i], kb_criteria[i]) != 0) {
			diag_error(d, rel, crit->u.map.v[i]->line,
			    crit->u.map.v[i]->col, "criteria: expected "
			    "'%s' here (order: isolation, cold_start, "
			    "languages, network, filesystem, cost, "
			    "self_host, integrations)", kb_criteria[i]);
			break;
		}
	cls = val_getstr(val_get(crit, "isolation"), "class");
	if (sandbox) {
		if (val_get(e, "bundle_family") == NULL)
			diag_error(d, rel, e->line ? e->line : 2, 1,
			    "missing required key 'bundle_family' (every "
			    "sandbox names its bundle family)");
		if (val_get(e, "userland") == NULL)
			diag_error(d, rel, e->line ? e->line : 2, 1,
			    "missing required key 'userland' (required for "
			    "sandboxes)");
		if (val_get(e, "fits_infra") == NULL)
			diag_error(d, rel, e->line ? e->line : 2, 1,
			    "missing required key 'fits_infra' (required "
			    "for sandboxes)");
		if (kb_is(cls, "delegated"))
			diag_error(d, rel, val_get(crit, "isolation")->line,
			    val_get(crit, "isolation")->col, "criteria."
			    "isolation.class: a sandbox cannot be "
			    "'delegated'");
		if (val_len(val_get(e, "delegates_to")) > 0) {
			cs = val_get(e, "delegates_to");
			diag_error(d, rel, cs->line, cs->col, "delegates_to: "
			    "only orchestrators, harnesses and layers "
			    "delegate");
		}
	} else {
		if (val_get(e, "bundle_family") != NULL) {
			cs = val_get(e, "bundle_family");
			diag_error(d, rel, cs->line, cs->col, "bundle_family:"
			    " only sandboxes have a bundle family");
		}
		if (!kb_is(kind, "layer") && val_len(val_get(e,
		    "delegates_to")) == 0)
			diag_error(d, rel, e->line ? e->line : 2, 1,
			    "delegates_to: a %s must name the sandboxes it "
			    "runs on", kind ? kind : "entry");
		if (!kb_is(kind, "layer") && cls != NULL &&
		    !kb_is(cls, "delegated"))
			diag_error(d, rel, val_get(crit, "isolation")->line,
			    val_get(crit, "isolation")->col, "criteria."
			    "isolation.class: a %s delegates isolation; use "
			    "'delegated'", kind);
	}
	for (i = 0; i < val_len(crit); i++) {
		c = crit->u.map.v[i];
		v = val_getstr(c, "value");
		if (kb_is(v, "not applicable") && sandbox)
			diag_error(d, rel, c->line, c->col, "criteria.%s: "
			    "'not applicable' is only for entries whose kind "
			    "is not sandbox", crit->u.map.k[i]);
	}
	c = val_get(crit, "cold_start");
	lo = val_get(c, "ms_min");
	hi = val_get(c, "ms_max");
	v = val_getstr(c, "value");
	if (c != NULL && (lo == NULL) != (hi == NULL))
		diag_error(d, rel, c->line, c->col, "criteria.cold_start: "
		    "give both ms_min and ms_max, or neither");
	else if (lo != NULL && hi != NULL && lo->kind == VAL_INT &&
	    hi->kind == VAL_INT && lo->u.i > hi->u.i)
		diag_error(d, rel, lo->line, lo->col, "criteria.cold_start: "
		    "ms_min %lld is greater than ms_max %lld", lo->u.i,
		    hi->u.i);
	else if (c != NULL && lo != NULL && (kb_is(v, "not documented") ||
	    kb_is(v, "not applicable")))
		diag_error(d, rel, lo->line, lo->col, "criteria.cold_start: "
		    "'%s' cannot carry ms_min/ms_max", v);
	else if (c != NULL && lo == NULL && sandbox &&
	    !kb_is(v, "not documented"))
		diag_error(d, rel, c->line, c->col, "criteria.cold_start: "
		    "give ms_min and ms_max for a documented figure, or "
		    "value \"not documented\"");
}

static struct val *
kb_entry(struct kb *kb, const char *folder, const char *name,
    const char *top, struct sch *sch, struct diag *d)
{
	struct fm_doc	 doc;
	struct val	*e, *slug;
	char		*rel, *path, *src, *stem;
	size_t		 len;
	int		 before = d->nerr;

	rel = ar_printf(kb->ar, "%s/%s", folder, name);
	path = ar_printf(kb->ar, "%s/%s", kb->root, rel);
	if (kb_read(kb->ar, path, rel, FM_MAXFILE, &src, &len, d) == -1)
		return NULL;
	if (fm_parse(kb->ar, rel, src, len, &doc, d) == -1)
		return NULL;
	e = doc.meta;
	if (e->line == 0) {
		e->line = 2;
		e->col = 1;
	}
	if (sch_check(sch, top, e, rel, d) == -1)
		return NULL;
	stem = ar_strndup(kb->ar, name, strlen(name) - 3);
	if ((slug = val_get(e, "slug")) == NULL)
		val_set(kb->ar, e, "slug", val_str(kb->ar, stem));
	else if (strcmp(slug->u.str.s, stem) != 0)
		diag_error(d, rel, slug->line, slug->col, "slug '%s' does "
		    "not match the file name '%s'", slug->u.str.s, name);
	if (!sch_slug_ok(stem))
		diag_error(d, rel, 0, 0, "file name must be SLUG.md with a "
		    "slug of [a-z0-9-]");
	kb_scan_todo(rel, e, d);
	kb_scan_body(rel, doc.body, doc.body_line, d);
	val_set(kb->ar, e, "path", val_str(kb->ar, rel));
	val_set(kb->ar, e, "body", val_strn(kb->ar, doc.body, doc.bodylen));
	val_set(kb->ar, e, "body_line", val_int(kb->ar, doc.body_line));
	if (strcmp(top, "framework") == 0) {
		kb_rules(kb, rel, e, d);
		kb_stale(kb, rel, e, d);
	}
	return d->nerr == before ? e : NULL;
}

#define	KB_MAXTPL	((size_t)256 << 10)	/* one bundle template */
#define	KB_MAXTPLS	((size_t)32 << 20)	/* all of them */

/* Reads the files under rel (recursively, sorted) into m, keyed by the
 * path below base. */
static int
kb_tpl_walk(struct kb *kb, const char *rel, const char *sub, struct val *m,
    size_t *total, int depth, struct diag *d)
{
	DIR		*dir;
	struct dirent	*de;
	struct stat	 st;
	char		**names = NULL, *path, *crel, *csub, *data;
	size_t		 n = 0, cap = 0, i, len;
	int		 rc = 0;

	if (depth > 8)
		return diag_error(d, rel, 0, 0, "bundle templates nest too "
		    "deeply");
	path = ar_printf(kb->ar, "%s/%s", kb->root, rel);
	if ((dir = opendir(path)) == NULL)
		return diag_error(d, rel, 0, 0, "cannot open folder: %s",
		    strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char	**nv;

			cap = cap ? cap * 2 : 32;
			nv = ar_alloc(kb->ar, cap * sizeof(*nv));
			if (n)
				memcpy(nv, names, n * sizeof(*nv));
			names = nv;
		}
		names[n++] = ar_strdup(kb->ar, de->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), kb_cmp);
	for (i = 0; i < n; i++) {
		crel = ar_printf(kb->ar, "%s/%s", rel, names[i]);
		csub = sub[0] ? ar_printf(kb->ar, "%s/%s", sub, names[i]) :
		    names[i];
		if (lstat(ar_printf(kb->ar, "%s/%s", kb->root, crel), &st) ==
		    -1 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
			rc = diag_error(d, crel, 0, 0, "bundle templates must "
			    "be regular files or folders");
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (kb_tpl_walk(kb, crel, csub, m, total, depth + 1, d)
			    == -1)
				rc = -1;
			continue;
		}
		if (!sch_slug_ok(names[i]) && strspn(names[i],
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-") != strlen(names[i])) {
			rc = diag_error(d, crel, 0, 0, "template file names "
			    "use only letters, digits, '.', '_' and '-'");
			continue;
		}
		if (kb_read(kb->ar, ar_printf(kb->ar, "%s/%s", kb->root,
		    crel), crel, KB_MAXTPL, &data, &len, d) == -1 ||
		    fm_check_text(crel, data, len, d) == -1) {
			rc = -1;
			continue;
		}
		if ((*total += len) > KB_MAXTPLS)
			return diag_error(d, crel, 0, 0, "bundle templates "
			    "exceed %zu bytes in all", KB_MAXTPLS);
		val_append(kb->ar, m, csub, val_strn(kb->ar, data, len));
	}
	return rc;
}

/* content/bundles/<dir>/...: one folder per bundle family, plus
 * "common"; each becomes a map of relative path -> text. */
static int
kb_templates(struct kb *kb, struct diag *d)
{
	static const char *const dirs[] = { "common", "kvm-microvm",
	    "user-space-kernel", "oci-container", "wasm-isolate",
	    "managed-api", NULL };
	struct stat	 st;
	struct val	*m;
	size_t		 i, total = 0;
	int		 rc = 0;
	char		*rel;

	kb->templates = val_map(kb->ar);
	for (i = 0; dirs[i] != NULL; i++) {
		rel = ar_printf(kb->ar, "content/bundles/%s", dirs[i]);
		if (stat(ar_printf(kb->ar, "%s/%s", kb->root, rel), &st) == -1)
			continue;
		m = val_map(kb->ar);
		if (kb_tpl_walk(kb, rel, "", m, &total, 0, d) == -1)
			rc = -1;
		val_append(kb->ar, kb->templates, dirs[i], m);
	}
	return rc;
}

static void
kb_build_date(struct kb *kb)
{
	const char	*sde = getenv("SOURCE_DATE_EPOCH");
	char		 cmd[4096], line[64];
	FILE		*f;
	long long	 t = -1;
	time_t		 tt;
	struct tm	 tm;

	if (sde != NULL && *sde != '\0')
		t = strtoll(sde, NULL, 10);
	if (t < 0 && strchr(kb->root, '\'') == NULL) {
		snprintf(cmd, sizeof(cmd), "git -C '%s' log -1 --format=%%ct "
		    "2>/dev/null", kb->root);
		if ((f = popen(cmd, "r")) != NULL) {
			if (fgets(line, sizeof(line), f) != NULL)
				t = strtoll(line, NULL, 10);
			pclose(f);
		}
	}
	if (t <= 0)
		t = (long long)time(NULL);
	kb->epoch = t;
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(kb->date, sizeof(kb->date), "%Y-%m-%d", &tm);
}

static int
kb_dims(struct kb *kb, struct val *y, struct diag *d)
{
	const char	*rel = "content/dimensions.yaml";
	struct val	*list = val_get(y, "dimensions"), *dm, *toks, *t, *seq;
	size_t		 i, j;

	if (list == NULL || list->kind != VAL_SEQ || list->u.seq.n == 0)
		return diag_error(d, rel, 1, 1, "expected a list "
		    "'dimensions'");
	kb->dimlist = list;
	kb->dims = val_map(kb->ar);
	for (i = 0; i < list->u.seq.n; i++) {
		dm = list->u.seq.v[i];
		toks = val_get(dm, "tokens");
		if (val_getstr(dm, "name") == NULL || val_getstr(dm, "label")
		    == NULL || toks == NULL || toks->kind != VAL_SEQ)
			return diag_error(d, rel, dm->line, dm->col, "a "
			    "dimension needs name, label and tokens");
		seq = val_seq(kb->ar);
		for (j = 0; j < toks->u.seq.n; j++) {
			t = toks->u.seq.v[j];
			if (val_getstr(t, "token") == NULL ||
			    !sch_slug_ok(val_getstr(t, "token")) ||
			    val_getstr(t, "label") == NULL)
				return diag_error(d, rel, t->line, t->col,
				    "a token needs token ([a-z0-9-]+) and "
				    "label");
			val_push(kb->ar, seq, val_get(t, "token"));
		}
		val_set(kb->ar, kb->dims, val_getstr(dm, "name"), seq);
	}
	return 0;
}

int
kb_token_ok(const struct kb *kb, const char *dim, const char *tok)
{
	const struct val	*seq = val_get(kb->dims, dim);
	size_t			 i;

	for (i = 0; i < val_len(seq); i++)
		if (strcmp(val_cstr(val_at(seq, i)), tok) == 0)
			return 0;
	return -1;
}

struct val *
kb_framework(const struct kb *kb, const char *slug)
{
	size_t	 i;

	for (i = 0; i < val_len(kb->frameworks); i++)
		if (kb_is(val_getstr(val_at(kb->frameworks, i), "slug"), slug))
			return val_at(kb->frameworks, i);
	return NULL;
}

static void
kb_xref(struct kb *kb, struct diag *d)
{
	struct val	*e, *dl, *t, *target, *ex;
	size_t		 i, j;

	for (i = 0; i < val_len(kb->frameworks); i++) {
		e = val_at(kb->frameworks, i);
		dl = val_get(e, "delegates_to");
		for (j = 0; j < val_len(dl); j++) {
			t = val_at(dl, j);
			target = kb_framework(kb, val_cstr(t));
			if (target == NULL)
				diag_error(d, val_getstr(e, "path"), t->line,
				    t->col, "delegates_to: no framework '%s'",
				    val_cstr(t));
			else if (!kb_is(val_getstr(target, "kind"), "sandbox"))
				diag_error(d, val_getstr(e, "path"), t->line,
				    t->col, "delegates_to: '%s' is a %s, not "
				    "a sandbox", val_cstr(t),
				    val_getstr(target, "kind"));
		}
	}
	for (i = 0; i < val_len(kb->scenarios); i++) {
		e = val_at(kb->scenarios, i);
		ex = val_get(val_get(e, "expect"), "primary");
		if (ex == NULL)
			continue;
		target = kb_framework(kb, val_cstr(ex));
		if (target == NULL)
			diag_error(d, val_getstr(e, "path"), ex->line, ex->col,
			    "expect.primary: no framework '%s'", val_cstr(ex));
		else if (!kb_is(val_getstr(target, "kind"), "sandbox"))
			diag_error(d, val_getstr(e, "path"), ex->line, ex->col,
			    "expect.primary: '%s' is a %s; only sandboxes "
			    "can be primary", val_cstr(ex),
			    val_getstr(target, "kind"));
	}
}

int
kb_load(struct kb *kb, const char *root, struct diag *d)
{
	struct sch	 sch;
	struct val	*y, *e;
	char		**names;
	size_t		 n, i;
	int		 before = d->nerr;

	memset(kb, 0, sizeof(*kb));
	kb->ar = ar_new();
	kb->root = root;
	kb->frameworks = val_seq(kb->ar);
	kb->scenarios = val_seq(kb->ar);
	kb_build_date(kb);
	if (kb_yaml(kb, "content/site.yaml", &kb->site, d) == -1 ||
	    kb_yaml(kb, "content/dimensions.yaml", &y, d) == -1 ||
	    kb_dims(kb, y, d) == -1 ||
	    kb_yaml(kb, "content/schema.yaml", &kb->schema, d) == -1)
		return -1;
	if (kb->site->kind != VAL_MAP || val_getstr(kb->site, "title") ==
	    NULL || val_getstr(kb->site, "base_url") == NULL)
		return diag_error(d, "content/site.yaml", 1, 1, "needs at "
		    "least title and base_url");
	if (kb_yaml(kb, "content/rules.yaml", &kb->rules, d) == -1)
		return -1;
	if (sch_init(&sch, kb->schema, kb->dims, "content/schema.yaml", d)
	    == -1)
		return -1;
	if (kb_list(kb, "content/frameworks", &names, &n, d) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if ((e = kb_entry(kb, "content/frameworks", names[i],
		    "framework", &sch, d)) != NULL)
			val_push(kb->ar, kb->frameworks, e);
	if (kb_list(kb, "content/scenarios", &names, &n, d) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if ((e = kb_entry(kb, "content/scenarios", names[i],
		    "scenario", &sch, d)) != NULL)
			val_push(kb->ar, kb->scenarios, e);
	kb_xref(kb, d);
	kb_templates(kb, d);
	return d->nerr > before ? -1 : 0;
}

void
kb_free(struct kb *kb)
{
	ar_free(kb->ar);
	kb->ar = NULL;
}

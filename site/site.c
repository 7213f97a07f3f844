/*
 * site: the build stage (see site.h).
 *
 * Every page is rendered from a template context: a val tree built
 * here from the knowledge base.  Content values go into contexts as
 * plain strings and are escaped by the template engine; the only HTML
 * that enters a context is cmark-gfm's safe-mode output (keys ending
 * in _html, used with triple mustaches).  All iteration is over sorted
 * sequences, and the only date is the build date, so two builds of
 * the same input give the same bytes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"
#include "bnd.h"
#include "ix.h"
#include "md.h"
#include "out.h"
#include "rec.h"
#include "sha.h"
#include "site.h"
#include "tpl.h"

#define	SITE_MAXPAGE	((size_t)64 << 20)

static const char *const site_templates[] = {
	"base", "home", "matrix", "framework", "scenario", "notfound",
	"sitemap", "recommend", "choose", NULL
};

/* Theme assets copied verbatim: theme-relative source, site path. */
static const char *const site_assets[][2] = {
	{ "assets/style.css", "assets/style.css" },
	{ "assets/site.js", "assets/site.js" },
	{ "assets/favicon.svg", "favicon.svg" },
	{ "node_modules/mermaid/dist/mermaid.min.js", "assets/mermaid.min.js" },
	{ NULL, NULL }
};

static const char *const site_crit[][2] = {
	{ "isolation", "Isolation level" },
	{ "cold_start", "Cold start time" },
	{ "languages", "Language support" },
	{ "network", "Network control" },
	{ "filesystem", "File system access" },
	{ "cost", "Cost model" },
	{ "self_host", "Self-host option" },
	{ "integrations", "Agent framework integration" },
	{ NULL, NULL }
};

struct	site {
	const struct site_opts	*o;
	struct kb		*kb;
	struct pl_host		*pl;
	struct tpl_set		*tpl;
	struct out		*out;
	struct arena		*ar;	/* current: main, or a page's scratch */
	struct arena		*main;	/* per build */
	struct diag		*d;
	struct val		*sitectx; /* {title, tagline, base_url, ...} */
	struct val		*urls;	/* seq of site-relative page paths */
	struct val		*sums;	/* "HEX  NAME" per archive */
	struct val		*short_ctx; /* slug -> short entry context */
	struct rec		 rec;
};

static double
site_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
site_write(struct site *s, const char *rel, const char *data, size_t len)
{
	if (s->o->stats != NULL)
		s->o->stats->files++;
	return out_write(s->out, rel, data, len, s->d);
}

static int
site_md(struct site *s, const char *src, const char *path, unsigned line,
    struct val *ctx, const char *key)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b, SITE_MAXPAGE);
	rc = md_render(src ? src : "", src ? strlen(src) : 0, &b, path, line,
	    s->d);
	if (rc == 0)
		val_set(s->ar, ctx, key, val_strn(s->ar, buf_cstr(&b), b.len));
	buf_free(&b);
	return rc;
}

static const char *
site_grade_label(const char *g)
{
	if (g == NULL)
		return "";
	if (strcmp(g, "vendor-docs") == 0)
		return "vendor docs";
	if (strcmp(g, "vendor-claim") == 0)
		return "vendor claim";
	return g;
}

static const char *
site_kind_label(const char *k)
{
	if (k == NULL)
		return "";
	if (strcmp(k, "sandbox") == 0)
		return "Sandbox";
	if (strcmp(k, "orchestrator") == 0)
		return "Orchestrator";
	if (strcmp(k, "harness") == 0)
		return "Agent harness";
	return "Hardening layer";
}

static void
site_str(struct site *s, struct val *m, const char *k, const char *v)
{
	val_set(s->ar, m, k, v ? val_str(s->ar, v) : val_null(s->ar));
}

static const char *const site_facts[][2] = {
	{ "snapshot_restore", "Snapshot restore" },
	{ "concurrency", "Concurrency and scaling" },
	{ "gpu", "GPU access" },
	{ "maturity", "Maturity" },
	{ NULL, NULL }
};

/* One criterion (or fact) cc of entry e as a template context. */
static struct val *
site_crit_ctx(struct site *s, const struct val *e, const char *key,
    const char *label, const struct val *cc, int full)
{
	struct val		*out = val_map(s->ar), *srcs, *sc, *x;
	struct val		*grades;
	const char		*g;
	size_t			 i, ng = 0;
	int			 seen[4] = { 0, 0, 0, 0 };
	static const char *const gl[] = { "vendor-docs", "vendor-claim",
	    "independent", "measured" };

	site_str(s, out, "key", key);
	site_str(s, out, "label", label);
	site_str(s, out, "value", val_getstr(cc, "value"));
	site_str(s, out, "class", val_getstr(cc, "class"));
	val_set(s->ar, out, "stale", val_bool(s->ar,
	    val_truthy(val_get(cc, "stale"))));
	if ((x = val_get(cc, "autoscale")) != NULL)
		val_set(s->ar, out, "autoscale", x);
	if ((x = val_get(cc, "ms_min")) != NULL && x->kind == VAL_INT) {
		const struct val *hi = val_get(cc, "ms_max");

		if (hi != NULL && hi->u.i != x->u.i)
			val_set(s->ar, out, "range", val_str(s->ar,
			    ar_printf(s->ar, "%lld–%lld ms", x->u.i,
			    hi->u.i)));
		else
			val_set(s->ar, out, "range", val_str(s->ar,
			    ar_printf(s->ar, "%lld ms", x->u.i)));
	}
	if ((x = val_get(cc, "list")) != NULL) {
		struct val *l = val_seq(s->ar);

		for (i = 0; i < val_len(x); i++)
			val_push(s->ar, l, val_at(x, i));
		val_set(s->ar, out, "list", l);
	}
	srcs = val_seq(s->ar);
	x = val_get(cc, "sources");
	for (i = 0; i < val_len(x); i++) {
		const struct val *src = val_at(x, i);

		sc = val_map(s->ar);
		val_set(s->ar, sc, "n", val_int(s->ar, (long long)i + 1));
		site_str(s, sc, "url", val_getstr(src, "url"));
		site_str(s, sc, "title", val_getstr(src, "title"));
		site_str(s, sc, "checked", val_getstr(src, "checked"));
		g = val_getstr(src, "grade");
		site_str(s, sc, "grade", g);
		site_str(s, sc, "grade_label", site_grade_label(g));
		if (val_getstr(src, "claim") != NULL)
			site_str(s, sc, "claim", val_getstr(src, "claim"));
		val_set(s->ar, sc, "stale", val_bool(s->ar,
		    val_truthy(val_get(src, "stale"))));
		val_push(s->ar, srcs, sc);
		for (size_t k = 0; k < 4; k++)
			if (g != NULL && strcmp(g, gl[k]) == 0)
				seen[k] = 1;
	}
	val_set(s->ar, out, "sources", srcs);
	val_set(s->ar, out, "nsources", val_int(s->ar, (long long)val_len(x)));
	grades = val_seq(s->ar);
	for (i = 0; i < 4; i++)
		if (seen[i]) {
			sc = val_map(s->ar);
			site_str(s, sc, "grade", gl[i]);
			site_str(s, sc, "label", site_grade_label(gl[i]));
			val_push(s->ar, grades, sc);
			ng++;
		}
	val_set(s->ar, out, "grades", grades);
	if (full && site_md(s, val_getstr(cc, "detail"), val_getstr(e, "path"),
	    cc ? cc->line : 0, out, "detail_html") == -1)
		return NULL;
	return out;
}

/*
 * An entry as a template context; full adds the rendered Markdown.
 * The short form is built once per entry and shared: the 1296 answer
 * pages each list every candidate, and copying the contexts per page
 * would cost gigabytes.
 */
static struct val *
site_entry_ctx(struct site *s, const struct val *e, int full)
{
	struct val	*out, *cs, *c, *l, *x, *m;
	const char	*slug = val_getstr(e, "slug");
	size_t		 i, j;

	if (!full && (out = val_get(s->short_ctx, slug)) != NULL)
		return out;
	out = val_map(s->ar);

	site_str(s, out, "slug", slug);
	site_str(s, out, "name", val_getstr(e, "name"));
	site_str(s, out, "kind", val_getstr(e, "kind"));
	site_str(s, out, "kind_label", site_kind_label(val_getstr(e, "kind")));
	site_str(s, out, "summary", val_getstr(e, "summary"));
	site_str(s, out, "homepage", val_getstr(e, "homepage"));
	site_str(s, out, "license", val_getstr(e, "license"));
	site_str(s, out, "bundle_family", val_getstr(e, "bundle_family"));
	site_str(s, out, "userland", val_getstr(e, "userland"));
	site_str(s, out, "path", val_getstr(e, "path"));
	site_str(s, out, "href", ar_printf(s->ar, "frameworks/%s/", slug));
	site_str(s, out, "isolation_class",
	    val_getstr(val_path(e, "criteria.isolation"), "class"));
	site_str(s, out, "self_host_class",
	    val_getstr(val_path(e, "criteria.self_host"), "class"));
	site_str(s, out, "cost_class",
	    val_getstr(val_path(e, "criteria.cost"), "class"));
	val_set(s->ar, out, "is_sandbox", val_bool(s->ar,
	    strcmp(val_getstr(e, "kind"), "sandbox") == 0));
	cs = val_seq(s->ar);
	for (i = 0; site_crit[i][0] != NULL; i++) {
		if ((c = site_crit_ctx(s, e, site_crit[i][0], site_crit[i][1],
		    val_get(val_get(e, "criteria"), site_crit[i][0]), full)) ==
		    NULL)
			return NULL;
		val_push(s->ar, cs, c);
	}
	val_set(s->ar, out, "criteria", cs);
	cs = val_seq(s->ar);
	for (i = 0; full && site_facts[i][0] != NULL; i++) {
		if (val_get(e, site_facts[i][0]) == NULL)
			continue;
		if ((c = site_crit_ctx(s, e, site_facts[i][0], site_facts[i][1],
		    val_get(e, site_facts[i][0]), full)) == NULL)
			return NULL;
		val_push(s->ar, cs, c);
	}
	val_set(s->ar, out, "facts", cs);
	x = val_get(e, "fits_infra");
	val_set(s->ar, out, "fits_infra", x ? x : val_seq(s->ar));
	l = val_seq(s->ar);
	x = val_get(e, "delegates_to");
	for (j = 0; j < val_len(x); j++) {
		const struct val *t = kb_framework(s->kb, val_cstr(val_at(x, j)));

		m = val_map(s->ar);
		site_str(s, m, "slug", val_cstr(val_at(x, j)));
		site_str(s, m, "name", t ? val_getstr(t, "name") :
		    val_cstr(val_at(x, j)));
		site_str(s, m, "href", ar_printf(s->ar, "frameworks/%s/",
		    val_cstr(val_at(x, j))));
		val_push(s->ar, l, m);
	}
	val_set(s->ar, out, "delegates_to", l);
	if (!full) {
		val_set(s->ar, s->short_ctx, slug, out);
		return out;
	}
	/* Entries that delegate to this one. */
	l = val_seq(s->ar);
	for (i = 0; i < val_len(s->kb->frameworks); i++) {
		const struct val *o = val_at(s->kb->frameworks, i);

		x = val_get(o, "delegates_to");
		for (j = 0; j < val_len(x); j++)
			if (strcmp(val_cstr(val_at(x, j)), slug) == 0) {
				m = val_map(s->ar);
				site_str(s, m, "name", val_getstr(o, "name"));
				site_str(s, m, "kind_label",
				    site_kind_label(val_getstr(o, "kind")));
				site_str(s, m, "href", ar_printf(s->ar,
				    "frameworks/%s/", val_getstr(o, "slug")));
				val_push(s->ar, l, m);
			}
	}
	val_set(s->ar, out, "delegated_by", l);
	x = val_get(e, "attacks");
	val_set(s->ar, out, "attacks", x ? x : val_seq(s->ar));
	x = val_get(e, "hardening");
	val_set(s->ar, out, "hardening", x ? x : val_seq(s->ar));
	x = val_get(e, "body_line");
	if (site_md(s, val_getstr(e, "body"), val_getstr(e, "path"),
	    x ? (unsigned)x->u.i : 0, out, "body_html") == -1)
		return NULL;
	return out;
}

/* The page context shared by every page: depth is the folder depth. */
static struct val *
site_page(struct site *s, const char *rel, const char *title, int depth)
{
	struct val	*p = val_map(s->ar);
	struct buf	 b;
	int		 i;

	buf_init(&b, 256);
	for (i = 0; i < depth; i++)
		buf_puts(&b, "../");
	val_set(s->ar, p, "root", val_str(s->ar, buf_cstr(&b)));
	buf_free(&b);
	val_set(s->ar, p, "site", s->sitectx);
	site_str(s, p, "title", title);
	site_str(s, p, "canonical", ar_printf(s->ar, "%s%s",
	    val_getstr(s->sitectx, "base_url"), rel));
	return p;
}

static int
site_render(struct site *s, const char *tpl, const char *rel,
    const char *file, struct val *ctx)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b, SITE_MAXPAGE);
	if ((rc = tpl_render(s->tpl, tpl, ctx, &b, s->d)) == 0)
		rc = site_write(s, file, buf_cstr(&b), b.len);
	buf_free(&b);
	if (rc == 0 && rel != NULL)
		val_push(s->main, s->urls, val_str(s->main, rel));
	return rc;
}

static int
site_load_theme(const char *root, struct tpl_set *tpl, struct arena *ar,
    struct diag *d)
{
	char	*path, *rel, *src;
	size_t	 len, i;
	int	 rc = 0;

	for (i = 0; site_templates[i] != NULL; i++) {
		rel = ar_printf(ar, "themes/default/templates/%s.mustache",
		    site_templates[i]);
		path = ar_printf(ar, "%s/%s", root, rel);
		if (kb_read(ar, path, rel, (size_t)1 << 20, &src, &len, d) == -1 ||
		    tpl_set_add(tpl, site_templates[i], src, len, rel, d) == -1)
			rc = -1;
	}
	return rc;
}

int
site_check_theme(const char *root, struct diag *d)
{
	struct tpl_set	*tpl = tpl_set_new();
	struct arena	*ar = ar_new();
	int		 rc = site_load_theme(root, tpl, ar, d);

	tpl_set_free(tpl);
	ar_free(ar);
	return rc;
}

static int
site_assets_copy(struct site *s)
{
	char	*path, *rel, *data;
	size_t	 len, i;
	int	 rc = 0;

	for (i = 0; site_assets[i][0] != NULL; i++) {
		rel = ar_printf(s->ar, "themes/default/%s", site_assets[i][0]);
		path = ar_printf(s->ar, "%s/%s", s->o->root, rel);
		if (access(path, R_OK) == -1) {
			rc = diag_error(s->d, rel, 0, 0, "theme asset missing: "
			    "run `make` (it installs the theme's pinned npm "
			    "packages with `npm ci`)");
			continue;
		}
		if (kb_read(s->ar, path, rel, (size_t)32 << 20, &data, &len,
		    s->d) == -1 || site_write(s, site_assets[i][1], data, len)
		    == -1)
			rc = -1;
	}
	return rc;
}

static struct val *
site_reqs_ctx(struct site *s, const struct val *req)
{
	struct val	*out = val_seq(s->ar), *m, *dm, *t;
	const char	*name, *tok;
	size_t		 i, j;

	for (i = 0; i < val_len(s->kb->dimlist); i++) {
		dm = val_at(s->kb->dimlist, i);
		name = val_getstr(dm, "name");
		tok = val_getstr(req, name);
		m = val_map(s->ar);
		site_str(s, m, "name", name);
		site_str(s, m, "label", val_getstr(dm, "label"));
		site_str(s, m, "token", tok);
		for (j = 0; j < val_len(val_get(dm, "tokens")); j++) {
			t = val_at(val_get(dm, "tokens"), j);
			if (tok && strcmp(val_getstr(t, "token"), tok) == 0)
				site_str(s, m, "token_label",
				    val_getstr(t, "label"));
		}
		val_push(s->ar, out, m);
	}
	return out;
}

/* Candidates of a recommendation, with their criteria for the matrix. */
static struct val *
site_ranking_ctx(struct site *s, const struct val *rec)
{
	struct val	*out = val_seq(s->ar), *c, *m, *ec;
	const struct val *rk = val_get(rec, "ranking");
	size_t		 i;

	for (i = 0; i < val_len(rk); i++) {
		c = val_at(rk, i);
		ec = site_entry_ctx(s, kb_framework(s->kb, val_getstr(c,
		    "slug")), 0);
		if (ec == NULL)
			return NULL;
		m = val_copy(s->ar, c);
		val_set(s->ar, m, "score_text", val_str(s->ar, ar_printf(s->ar,
		    "%.1f", val_get(c, "score")->u.d)));
		val_set(s->ar, m, "entry", ec);
		val_set(s->ar, m, "rank", val_int(s->ar, (long long)i + 1));
		val_push(s->ar, out, m);
	}
	return out;
}

/*
 * The bundle's files grouped by the guide section they serve, from the
 * bundle layout of docs/bundles.md: security/ and network/ serve
 * section 3, monitoring/ section 4, deploy/ (and a top-level
 * kustomization.yaml) section 5, integration/ section 6.  The guide
 * page shows each file's real text, never a retyped copy.
 */
static int
site_bundle_sections(struct site *s, const struct val *files, struct val *ctx)
{
	static const struct {
		const char	*key;
		const char	*prefix[3];
	} sec[] = {
		{ "sec_security", { "security/", "network/", NULL } },
		{ "sec_escape", { "monitoring/", NULL, NULL } },
		{ "sec_deploy", { "deploy/", "kustomization.yaml", NULL } },
		{ "sec_integration", { "integration/", NULL, NULL } },
	};
	struct val	*list, *m;
	const char	*p;
	size_t		 i, j, k, n;

	for (i = 0; i < sizeof(sec) / sizeof(sec[0]); i++) {
		list = val_seq(s->ar);
		for (j = 0; j < files->u.map.n; j++) {
			p = files->u.map.k[j];
			for (k = 0; sec[i].prefix[k] != NULL; k++) {
				n = strlen(sec[i].prefix[k]);
				if (strncmp(p, sec[i].prefix[k], n) == 0)
					break;
			}
			if (sec[i].prefix[k] == NULL)
				continue;
			m = val_map(s->ar);
			site_str(s, m, "path", p);
			val_set(s->ar, m, "text", files->u.map.v[j]);
			val_push(s->ar, list, m);
		}
		val_set(s->ar, ctx, sec[i].key, list);
	}
	return 0;
}

/*
 * Builds the bundle of a guide and writes it.  For a preset (guide ==
 * 0) the archives go to bundles/<top>.tar.gz|.zip and their sums to
 * bundles/SHA256SUMS; for `sandbox-atlas guide` (guide == 1) the files
 * go to bundle/ and the archives to bundle.tar.gz|.zip.  Fills
 * ctx.bundle, ctx.diagram and ctx.readme.
 */
static int
site_bundle(struct site *s, const struct val *scn, const struct val *rec,
    const char *top, int guide, struct val *ctx)
{
	struct val	*files, *bl = val_map(s->ar);
	struct arc_member *m;
	enum arc_format	 fmts[2] = { ARC_TGZ, ARC_ZIP };
	const char	*ext[2] = { "tar.gz", "zip" }, *name, *root;
	char		*data, hex[65];
	size_t		 len, i, n;
	int		 f;

	if ((files = bnd_make(s->pl, s->kb, scn, rec, top, s->ar, s->d)) ==
	    NULL)
		return -1;
	n = files->u.map.n;
	m = ar_alloc(s->ar, (n + 1) * sizeof(*m));
	for (i = 0; i < n; i++) {
		m[i].path = files->u.map.k[i];
		m[i].data = files->u.map.v[i]->u.str.s;
		m[i].len = files->u.map.v[i]->u.str.len;
		/* A script (its text starts with "#!") is executable. */
		m[i].exec = m[i].len > 2 && m[i].data[0] == '#' &&
		    m[i].data[1] == '!';
		if (guide && site_write(s, ar_printf(s->ar, "bundle/%s",
		    m[i].path), m[i].data, m[i].len) == -1)
			return -1;
	}
	root = val_getstr(ctx, "root");
	for (f = 0; f < 2; f++) {
		if (arc_build(fmts[f], top, m, n, (time_t)s->kb->epoch,
		    &data, &len, s->d) == -1)
			return -1;
		name = guide ? ar_printf(s->ar, "bundle.%s", ext[f]) :
		    ar_printf(s->ar, "bundles/%s.%s", top, ext[f]);
		if (site_write(s, name, data, len) == -1) {
			free(data);
			return -1;
		}
		sha256_hex(data, len, hex);
		free(data);
		if (!guide)
			val_push(s->ar, s->sums, val_str(s->ar, ar_printf(s->ar,
			    "%s  %s.%s", hex, top, ext[f])));
		site_str(s, bl, f == 0 ? "tgz_sha256" : "zip_sha256", hex);
		val_set(s->ar, bl, f == 0 ? "tgz_size" : "zip_size",
		    val_int(s->ar, (long long)len));
		site_str(s, bl, f == 0 ? "tgz_href" : "zip_href", guide ?
		    name : ar_printf(s->ar, "%s%s", root, name));
		site_str(s, bl, f == 0 ? "tgz_name" : "zip_name",
		    guide ? name : ar_printf(s->ar, "%s.%s", top, ext[f]));
	}
	if (!guide)
		site_str(s, bl, "sums_href", ar_printf(s->ar,
		    "%sbundles/SHA256SUMS", root));
	val_set(s->ar, bl, "files", val_seq(s->ar));
	for (i = 0; i < n; i++)
		val_push(s->ar, val_get(bl, "files"),
		    val_str(s->ar, files->u.map.k[i]));
	val_set(s->ar, ctx, "bundle", bl);
	if (site_bundle_sections(s, files, ctx) == -1)
		return -1;
	val_set(s->ar, ctx, "diagram", val_get(files, "architecture.mmd") ?
	    val_get(files, "architecture.mmd") : val_null(s->ar));
	val_set(s->ar, ctx, "readme", val_get(files, "README.md"));
	return 0;
}

/* For a recommendation without a primary: each single-token change of
 * the requirements that yields one. */
static struct val *
site_relax(struct site *s, const struct val *req)
{
	struct val	*list = val_seq(s->ar), *alt, *recs, *out, *m;
	struct val	*from = val_seq(s->ar), *label = val_seq(s->ar);
	const struct val *dm, *toks;
	const char	*name, *p;
	size_t		 i, j;

	for (i = 0; i < val_len(s->kb->dimlist); i++) {
		dm = val_at(s->kb->dimlist, i);
		name = val_getstr(dm, "name");
		toks = val_get(dm, "tokens");
		for (j = 0; j < val_len(toks); j++) {
			const char *t = val_getstr(val_at(toks, j), "token");

			if (strcmp(t, val_getstr(req, name)) == 0)
				continue;
			alt = val_copy(s->ar, req);
			val_set(s->ar, alt, name, val_str(s->ar, t));
			val_push(s->ar, list, alt);
			val_push(s->ar, from, val_str(s->ar, name));
			val_push(s->ar, label, val_get(dm, "label"));
		}
	}
	out = val_seq(s->ar);
	if ((recs = rec_compute_all(&s->rec, list, s->ar, s->d)) == NULL)
		return NULL;
	for (i = 0; i < val_len(recs); i++) {
		p = val_cstr(val_get(val_at(recs, i), "primary"));
		if (p == NULL)
			continue;
		name = val_cstr(val_at(from, i));
		m = val_map(s->ar);
		val_set(s->ar, m, "label", val_at(label, i));
		site_str(s, m, "dimension", name);
		site_str(s, m, "from", val_getstr(req, name));
		site_str(s, m, "to", val_getstr(val_at(list, i), name));
		site_str(s, m, "primary", p);
		site_str(s, m, "primary_name", val_getstr(kb_framework(s->kb,
		    p), "name"));
		val_push(s->ar, out, m);
	}
	return out;
}

/*
 * The selection-guide context for scn (a preset, or the synthetic one
 * of a `guide` run) and its recommendation.  rel is the page's path
 * for the canonical URL; root the prefix of site links.
 */
static struct val *
site_guide_ctx(struct site *s, const struct val *scn, const struct val *rec,
    const char *rel, const char *root)
{
	struct val	*ctx, *pe = NULL, *fe = NULL, *x;
	const char	*p = val_cstr(val_get(rec, "primary"));
	const char	*fb = val_cstr(val_get(rec, "fallback"));
	size_t		 k;

	ctx = site_page(s, rel, val_getstr(scn, "title"), 0);
	site_str(s, ctx, "root", root);
	site_str(s, ctx, "slug", val_getstr(scn, "slug"));
	site_str(s, ctx, "summary", val_getstr(scn, "summary"));
	val_set(s->ar, ctx, "requirements", site_reqs_ctx(s,
	    val_get(scn, "requirements")));
	x = val_get(scn, "body_line");
	if (val_getstr(scn, "body") != NULL && site_md(s, val_getstr(scn,
	    "body"), val_getstr(scn, "path"), x ? (unsigned)x->u.i : 0, ctx,
	    "body_html") == -1)
		return NULL;
	if (p != NULL && (pe = site_entry_ctx(s, kb_framework(s->kb, p), 1))
	    == NULL)
		return NULL;
	if (fb != NULL && (fe = site_entry_ctx(s, kb_framework(s->kb, fb),
	    1)) == NULL)
		return NULL;
	val_set(s->ar, ctx, "primary", pe ? pe : val_null(s->ar));
	val_set(s->ar, ctx, "fallback", fe ? fe : val_null(s->ar));
	val_set(s->ar, ctx, "notes", val_get(rec, "notes"));
	if ((x = site_ranking_ctx(s, rec)) == NULL)
		return NULL;
	val_set(s->ar, ctx, "ranking", x);
	for (k = 0; k < val_len(x); k++) {
		const struct val *c = val_at(x, k);

		if (p != NULL && strcmp(val_getstr(c, "slug"), p) == 0)
			val_set(s->ar, ctx, "primary_rank", (struct val *)c);
		if (fb != NULL && strcmp(val_getstr(c, "slug"), fb) == 0)
			val_set(s->ar, ctx, "fallback_rank", (struct val *)c);
	}
	if (p == NULL) {
		if ((x = site_relax(s, val_get(scn, "requirements"))) == NULL)
			return NULL;
		val_set(s->ar, ctx, "relax", x);
	}
	return ctx;
}

static int
site_scenarios(struct site *s, struct val *api)
{
	struct val	*scn, *rec, *ctx, *a;
	const char	*slug, *rel;
	size_t		 i;

	for (i = 0; i < val_len(s->kb->scenarios); i++) {
		scn = val_at(s->kb->scenarios, i);
		slug = val_getstr(scn, "slug");
		if ((rec = rec_compute(&s->rec, val_get(scn, "requirements"),
		    s->ar, s->d)) == NULL)
			return -1;
		val_set(s->ar, scn, "primary", val_get(rec, "primary"));
		val_set(s->ar, scn, "fallback", val_get(rec, "fallback"));
		a = val_map(s->ar);
		val_append(s->ar, a, "slug", val_get(scn, "slug"));
		val_append(s->ar, a, "title", val_get(scn, "title"));
		val_append(s->ar, a, "requirements", val_get(scn,
		    "requirements"));
		val_append(s->ar, a, "primary", val_get(rec, "primary"));
		val_append(s->ar, a, "fallback", val_get(rec, "fallback"));
		val_push(s->ar, api, a);
		rel = ar_printf(s->ar, "scenarios/%s/", slug);
		if ((ctx = site_guide_ctx(s, scn, rec, rel, "../../")) == NULL ||
		    site_bundle(s, scn, rec, slug, 0, ctx) == -1 ||
		    site_render(s, "scenario", rel, ar_printf(s->ar,
		    "%sindex.html", rel), ctx) == -1)
			return -1;
	}
	return 0;
}

static int
site_api(struct site *s, const char *name, const char *key, struct val *list)
{
	struct val	*doc = val_map(s->ar);
	struct buf	 b;
	int		 rc;

	val_append(s->ar, doc, "version", val_int(s->ar, 1));
	val_append(s->ar, doc, key, list);
	buf_init(&b, (size_t)512 << 20);
	rc = val_json(&b, doc, VAL_JSON_PRETTY);
	if (rc == 0)
		rc = buf_putc(&b, '\n');
	if (rc == 0)
		rc = site_write(s, ar_printf(s->ar, "api/%s", name),
		    buf_cstr(&b), b.len);
	else
		diag_error(s->d, ar_printf(s->ar, "api/%s", name), 0, 0,
		    "too large");
	buf_free(&b);
	return rc;
}

/* The entry as published in the API: everything but internal keys. */
static struct val *
site_api_entry(struct site *s, const struct val *e)
{
	struct val	*o = val_map(s->ar);
	size_t		 i;

	for (i = 0; i < e->u.map.n; i++)
		if (strcmp(e->u.map.k[i], "body_line") != 0)
			val_append(s->ar, o, e->u.map.k[i], e->u.map.v[i]);
	return o;
}

static int
site_cmpstrp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Orders "HEX  NAME" lines by NAME. */
static int
site_cmpsum(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 66, *(char *const *)b + 66);
}

/* bundles/SHA256SUMS: "HEX  NAME" lines sorted by name. */
static int
site_checksums(struct site *s)
{
	struct buf	 b;
	char		**lines;
	size_t		 i, n = val_len(s->sums);
	int		 rc;

	lines = ar_alloc(s->ar, (n + 1) * sizeof(*lines));
	for (i = 0; i < n; i++)
		lines[i] = val_at(s->sums, i)->u.str.s;
	qsort(lines, n, sizeof(*lines), site_cmpsum);
	buf_init(&b, 1 << 20);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\n", lines[i]);
	rc = site_write(s, "bundles/SHA256SUMS", buf_cstr(&b), b.len);
	buf_free(&b);
	return rc;
}

static int
site_frameworks(struct site *s, struct val *api, struct val *rows)
{
	struct val	*e, *ctx, *ec;
	const char	*slug;
	size_t		 i;

	for (i = 0; i < val_len(s->kb->frameworks); i++) {
		e = val_at(s->kb->frameworks, i);
		slug = val_getstr(e, "slug");
		val_push(s->ar, api, site_api_entry(s, e));
		if ((ec = site_entry_ctx(s, e, 1)) == NULL)
			return -1;
		val_push(s->ar, rows, ec);
		ctx = site_page(s, ar_printf(s->ar, "frameworks/%s/", slug),
		    val_getstr(e, "name"), 2);
		val_set(s->ar, ctx, "entry", ec);
		if (site_render(s, "framework", ar_printf(s->ar,
		    "frameworks/%s/", slug), ar_printf(s->ar,
		    "frameworks/%s/index.html", slug), ctx) == -1)
			return -1;
	}
	return 0;
}

/* Facet values for the matrix filters: distinct values, sorted. */
static struct val *
site_facet(struct site *s, const struct val *rows, const char *key)
{
	struct val	*out = val_seq(s->ar), *m;
	const char	**v;
	size_t		 i, j, n = 0;

	v = ar_alloc(s->ar, (val_len(rows) + 1) * sizeof(*v));
	for (i = 0; i < val_len(rows); i++) {
		const char *x = val_getstr(val_at(rows, i), key);

		if (x == NULL)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(v[j], x) == 0)
				break;
		if (j == n)
			v[n++] = x;
	}
	qsort(v, n, sizeof(*v), site_cmpstrp);
	for (i = 0; i < n; i++) {
		m = val_map(s->ar);
		site_str(s, m, "value", v[i]);
		val_push(s->ar, out, m);
	}
	return out;
}

static int
site_home(struct site *s, struct val *rows, struct val *scns)
{
	struct val	*ctx = site_page(s, "", NULL, 0), *list, *m, *scn;
	size_t		 i;

	val_set(s->ar, ctx, "frameworks", rows);
	list = val_seq(s->ar);
	for (i = 0; i < val_len(s->kb->scenarios); i++) {
		scn = val_at(s->kb->scenarios, i);
		m = val_map(s->ar);
		site_str(s, m, "slug", val_getstr(scn, "slug"));
		site_str(s, m, "title", val_getstr(scn, "title"));
		site_str(s, m, "summary", val_getstr(scn, "summary"));
		site_str(s, m, "href", ar_printf(s->ar, "scenarios/%s/",
		    val_getstr(scn, "slug")));
		if (val_cstr(val_get(scn, "primary")) != NULL)
			site_str(s, m, "primary", val_getstr(kb_framework(s->kb,
			    val_cstr(val_get(scn, "primary"))), "name"));
		val_set(s->ar, m, "requirements", site_reqs_ctx(s,
		    val_get(scn, "requirements")));
		val_push(s->ar, list, m);
	}
	val_set(s->ar, ctx, "scenarios", list);
	/* The wizard's selects: {name, label, tokens: [{token, label}]}. */
	val_set(s->ar, ctx, "dimensions", s->kb->dimlist);
	val_set(s->ar, ctx, "nframeworks", val_int(s->ar,
	    (long long)val_len(rows)));
	val_set(s->ar, ctx, "nscenarios", val_int(s->ar,
	    (long long)val_len(scns)));
	return site_render(s, "home", "", "index.html", ctx);
}

static int
site_matrix(struct site *s, struct val *rows)
{
	struct val	*ctx = site_page(s, "matrix/", "Comparison matrix", 1);
	struct val	*hdr = val_seq(s->ar), *m;
	size_t		 i;

	for (i = 0; site_crit[i][0] != NULL; i++) {
		m = val_map(s->ar);
		site_str(s, m, "key", site_crit[i][0]);
		site_str(s, m, "label", site_crit[i][1]);
		val_push(s->ar, hdr, m);
	}
	val_set(s->ar, ctx, "columns", hdr);
	val_set(s->ar, ctx, "rows", rows);
	val_set(s->ar, ctx, "facet_kind", site_facet(s, rows, "kind"));
	val_set(s->ar, ctx, "facet_isolation", site_facet(s, rows,
	    "isolation_class"));
	val_set(s->ar, ctx, "facet_self_host", site_facet(s, rows,
	    "self_host_class"));
	val_set(s->ar, ctx, "facet_cost", site_facet(s, rows, "cost_class"));
	return site_render(s, "matrix", "matrix/", "matrix/index.html", ctx);
}

static int
site_extras(struct site *s)
{
	struct val	*ctx, *urls;
	struct buf	 b;
	size_t		 i;
	int		 rc;

	ctx = site_page(s, "404.html", "Page not found", 0);
	/* 404.html is served from any depth: use absolute links. */
	val_set(s->ar, ctx, "root", val_get(s->sitectx, "base_url"));
	if (site_render(s, "notfound", NULL, "404.html", ctx) == -1)
		return -1;
	ctx = site_page(s, "", NULL, 0);
	urls = val_seq(s->ar);
	for (i = 0; i < val_len(s->urls); i++) {
		struct val *m = val_map(s->ar);

		site_str(s, m, "loc", ar_printf(s->ar, "%s%s",
		    val_getstr(s->sitectx, "base_url"),
		    val_cstr(val_at(s->urls, i))));
		val_push(s->ar, urls, m);
	}
	val_set(s->ar, ctx, "urls", urls);
	site_str(s, ctx, "lastmod", s->kb->date);
	if (site_render(s, "sitemap", NULL, "sitemap.xml", ctx) == -1)
		return -1;
	buf_init(&b, 4096);
	buf_printf(&b, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n",
	    val_getstr(s->sitectx, "base_url"));
	rc = site_write(s, "robots.txt", buf_cstr(&b), b.len);
	buf_free(&b);
	return rc;
}

/* The preset sharing most tokens with req; ties go to matching trust,
 * then use case, infra, budget, latency, scale, then the slug. */
static const struct val *
site_nearest(struct site *s, const struct val *req)
{
	static const char *const order[] = { "trust", "use-case", "infra",
	    "budget", "latency", "scale", NULL };
	const struct val	*best = NULL, *scn, *sr;
	int			 bscore = -1, score, bkey = -1, key, i;
	size_t			 k, j;

	for (k = 0; k < val_len(s->kb->scenarios); k++) {
		scn = val_at(s->kb->scenarios, k);
		sr = val_get(scn, "requirements");
		score = 0;
		for (j = 0; j < sr->u.map.n; j++)
			if (strcmp(val_cstr(sr->u.map.v[j]),
			    val_getstr(req, sr->u.map.k[j])) == 0)
				score++;
		key = 0;
		for (i = 0; order[i] != NULL; i++)
			key = key * 2 + (strcmp(val_getstr(sr, order[i]),
			    val_getstr(req, order[i])) == 0);
		if (score > bscore || (score == bscore && key > bkey)) {
			best = scn;
			bscore = score;
			bkey = key;
		}
	}
	return best;
}

static const char *
site_req_path(struct site *s, const struct val *req)
{
	struct buf	 b;
	const char	*out;
	size_t		 i;

	buf_init(&b, 4096);
	for (i = 0; i < req->u.map.n; i++)
		buf_printf(&b, "%s/", val_cstr(req->u.map.v[i]));
	out = ar_strdup(s->ar, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static const char *
site_guide_cmd(struct site *s, const struct val *req)
{
	struct buf	 b;
	const char	*out;
	size_t		 i;

	buf_init(&b, 4096);
	buf_puts(&b, "sandbox-atlas guide");
	for (i = 0; i < req->u.map.n; i++)
		buf_printf(&b, " --%s %s", req->u.map.k[i],
		    val_cstr(req->u.map.v[i]));
	buf_puts(&b, " -o guide");
	out = ar_strdup(s->ar, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Chooser pages: one per prefix of the requirement tokens. */
static int
site_choosers(struct site *s, struct val *prefix, size_t depth)
{
	struct val	*dm, *ctx, *choices, *m, *t, *crumbs;
	const char	*rel;
	struct buf	 b;
	size_t		 i;

	if (depth >= val_len(s->kb->dimlist))
		return 0;
	dm = val_at(s->kb->dimlist, depth);
	buf_init(&b, 4096);
	buf_puts(&b, "recommend/");
	for (i = 0; i < val_len(prefix); i++)
		buf_printf(&b, "%s/", val_cstr(val_at(prefix, i)));
	rel = ar_strdup(s->ar, buf_cstr(&b));
	buf_free(&b);
	ctx = site_page(s, rel, "Find your sandbox", (int)depth + 1);
	site_str(s, ctx, "dimension", val_getstr(dm, "label"));
	site_str(s, ctx, "dimension_name", val_getstr(dm, "name"));
	val_set(s->ar, ctx, "step", val_int(s->ar, (long long)depth + 1));
	val_set(s->ar, ctx, "steps", val_int(s->ar,
	    (long long)val_len(s->kb->dimlist)));
	crumbs = val_seq(s->ar);
	for (i = 0; i < val_len(prefix); i++) {
		m = val_map(s->ar);
		site_str(s, m, "label", val_getstr(val_at(s->kb->dimlist, i),
		    "label"));
		val_set(s->ar, m, "token", val_at(prefix, i));
		val_push(s->ar, crumbs, m);
	}
	val_set(s->ar, ctx, "chosen", crumbs);
	choices = val_seq(s->ar);
	for (i = 0; i < val_len(val_get(dm, "tokens")); i++) {
		t = val_at(val_get(dm, "tokens"), i);
		m = val_map(s->ar);
		site_str(s, m, "token", val_getstr(t, "token"));
		site_str(s, m, "label", val_getstr(t, "label"));
		val_push(s->ar, choices, m);
	}
	val_set(s->ar, ctx, "choices", choices);
	if (site_render(s, "choose", rel, ar_printf(s->ar, "%sindex.html",
	    rel), ctx) == -1)
		return -1;
	for (i = 0; i < val_len(val_get(dm, "tokens")); i++) {
		val_push(s->ar, prefix, val_get(val_at(val_get(dm, "tokens"),
		    i), "token"));
		if (site_choosers(s, prefix, depth + 1) == -1)
			return -1;
		prefix->u.seq.n--;
	}
	return 0;
}

static struct val *
site_top3(struct site *s, const struct val *rec)
{
	struct val	*top = val_seq(s->ar);
	const struct val *rk = val_get(rec, "ranking");
	size_t		 i;

	for (i = 0; i < 3 && i < val_len(rk); i++)
		val_push(s->ar, top, val_at(rk, i));
	return top;
}

/*
 * api/bundles.json: the distinct bundles the recommendations lead to.
 * A family plugin declares in `key` which requirement dimensions its
 * templates read; a bundle is identified by its primary and those
 * tokens.  Each comes with the first combination that yields it, so the
 * test suite can build and verify every distinct bundle.
 */
static int
site_bundle_keys(struct site *s, const struct val *all)
{
	struct val	*list = val_seq(s->ar), *seen = val_map(s->ar), *b, *k;
	struct val	*fields, *keydims, *doc;
	const struct val *rec, *req, *e;
	const char	*p, *fam, *pf, *id;
	struct buf	 kb;
	size_t		 i, j, n;
	int		 rc;

	for (i = 0; i < val_len(all); i++) {
		rec = val_at(all, i);
		if ((p = val_cstr(val_get(rec, "primary"))) == NULL)
			continue;
		req = val_get(rec, "requirements");
		e = kb_framework(s->kb, p);
		fam = val_getstr(e, "bundle_family");
		keydims = NULL;
		for (j = 0; j < pl_count(s->pl); j++) {
			if (!pl_has(s->pl, j, "bundle"))
				continue;
			fields = pl_fields(s->pl, j, s->ar);
			pf = val_getstr(fields, "family");
			if (pf != NULL && fam != NULL && strcmp(pf, fam) == 0)
				keydims = val_get(fields, "key");
		}
		k = val_map(s->ar);
		buf_init(&kb, 4096);
		buf_printf(&kb, "%s", p);
		for (j = 0; j < val_len(keydims); j++) {
			const char *dim = val_cstr(val_at(keydims, j));

			if (dim == NULL || val_getstr(req, dim) == NULL)
				continue;
			val_append(s->ar, k, dim, val_get(req, dim));
			buf_printf(&kb, "/%s", val_getstr(req, dim));
		}
		id = ar_strdup(s->ar, buf_cstr(&kb));
		buf_free(&kb);
		if (val_get(seen, id) != NULL)
			continue;
		val_append(s->ar, seen, id, val_bool(s->ar, 1));
		b = val_map(s->ar);
		site_str(s, b, "primary", p);
		site_str(s, b, "family", fam);
		val_append(s->ar, b, "key", k);
		val_append(s->ar, b, "example", (struct val *)req);
		val_push(s->ar, list, b);
	}
	doc = val_map(s->ar);
	val_append(s->ar, doc, "version", val_int(s->ar, 1));
	val_append(s->ar, doc, "bundles", list);
	buf_init(&kb, (size_t)64 << 20);
	rc = val_json(&kb, doc, VAL_JSON_PRETTY);
	n = kb.len;
	if (rc == 0)
		rc = buf_putc(&kb, '\n');
	if (rc == 0)
		rc = site_write(s, "api/bundles.json", buf_cstr(&kb), n + 1);
	buf_free(&kb);
	return rc;
}

static int
site_recommend(struct site *s)
{
	struct val	*list, *all, *combos, *doc, *dims, *dm, *c, *rec, *ctx;
	struct val	*x, *req, *top, *m;
	const struct val *near;
	const char	*rel;
	struct buf	 b;
	size_t		 i;
	int		 rc;

	double		 t0 = site_ms();

	list = rec_all_requirements(s->kb, s->ar);
	if ((all = rec_compute_all(&s->rec, list, s->ar, s->d)) == NULL)
		return -1;
	if (s->o->stats != NULL) {
		s->o->stats->rank_ms = site_ms() - t0;
		s->o->stats->combinations = val_len(all);
	}
	dims = val_seq(s->ar);
	for (i = 0; i < val_len(s->kb->dimlist); i++) {
		dm = val_map(s->ar);
		val_append(s->ar, dm, "name", val_get(val_at(s->kb->dimlist,
		    i), "name"));
		val_append(s->ar, dm, "tokens", val_get(s->kb->dims,
		    val_getstr(val_at(s->kb->dimlist, i), "name")));
		val_push(s->ar, dims, dm);
	}
	/* Short entry contexts are shared by every page: build them in the
	 * build's arena before the per-page scratch arenas. */
	for (i = 0; i < val_len(s->kb->frameworks); i++)
		if (site_entry_ctx(s, val_at(s->kb->frameworks, i), 0) == NULL)
			return -1;
	combos = val_seq(s->ar);
	for (i = 0; i < val_len(all); i++) {
		rec = val_at(all, i);
		req = val_get(rec, "requirements");
		top = site_top3(s, rec);
		c = val_map(s->ar);
		val_append(s->ar, c, "requirements", req);
		val_append(s->ar, c, "primary", val_get(rec, "primary"));
		val_append(s->ar, c, "fallback", val_get(rec, "fallback"));
		val_append(s->ar, c, "notes", val_get(rec, "notes"));
		val_append(s->ar, c, "top", top);
		val_push(s->ar, combos, c);

		/* Page-only contexts live in a scratch arena freed per page. */
		s->ar = ar_new();
		rel = ar_printf(s->ar, "recommend/%s", site_req_path(s, req));
		ctx = site_page(s, rel, "Recommendation", 7);
		val_set(s->ar, ctx, "requirements", site_reqs_ctx(s, req));
		if ((x = site_ranking_ctx(s, rec)) == NULL)
			return -1;
		val_set(s->ar, ctx, "ranking", x);
		top = val_seq(s->ar);
		for (size_t k = 0; k < 3 && k < val_len(x); k++)
			val_push(s->ar, top, val_at(x, k));
		val_set(s->ar, ctx, "top", top);
		val_set(s->ar, ctx, "notes", val_get(rec, "notes"));
		m = NULL;
		if (val_cstr(val_get(rec, "primary")) != NULL)
			m = site_entry_ctx(s, kb_framework(s->kb,
			    val_cstr(val_get(rec, "primary"))), 0);
		val_set(s->ar, ctx, "primary", m ? m : val_null(s->ar));
		m = NULL;
		if (val_cstr(val_get(rec, "fallback")) != NULL)
			m = site_entry_ctx(s, kb_framework(s->kb,
			    val_cstr(val_get(rec, "fallback"))), 0);
		val_set(s->ar, ctx, "fallback", m ? m : val_null(s->ar));
		if ((near = site_nearest(s, req)) != NULL) {
			m = val_map(s->ar);
			site_str(s, m, "slug", val_getstr(near, "slug"));
			site_str(s, m, "title", val_getstr(near, "title"));
			site_str(s, m, "href", ar_printf(s->ar,
			    "scenarios/%s/", val_getstr(near, "slug")));
			site_str(s, m, "tgz", ar_printf(s->ar,
			    "bundles/%s.tar.gz", val_getstr(near, "slug")));
			site_str(s, m, "zip", ar_printf(s->ar,
			    "bundles/%s.zip", val_getstr(near, "slug")));
			val_set(s->ar, ctx, "nearest", m);
		}
		site_str(s, ctx, "guide_cmd", site_guide_cmd(s, req));
		rc = site_render(s, "recommend", rel, ar_printf(s->ar,
		    "%sindex.html", rel), ctx);
		ar_free(s->ar);
		s->ar = s->main;
		if (rc == -1)
			return -1;
	}
	if (site_bundle_keys(s, all) == -1)
		return -1;
	doc = val_map(s->ar);
	val_append(s->ar, doc, "version", val_int(s->ar, 1));
	val_append(s->ar, doc, "dimensions", dims);
	val_append(s->ar, doc, "combinations", combos);
	buf_init(&b, (size_t)512 << 20);
	rc = val_json(&b, doc, 0);
	if (rc == 0)
		rc = buf_putc(&b, '\n');
	if (rc == 0)
		rc = site_write(s, "api/recommendations.json", buf_cstr(&b),
		    b.len);
	else
		diag_error(s->d, "api/recommendations.json", 0, 0, "too large");
	buf_free(&b);
	if (rc == -1)
		return -1;
	return site_choosers(s, val_seq(s->ar), 0);
}

/* Escapes text for Markdown prose and table cells. */
static char *
site_md_escape(struct site *s, const char *in)
{
	struct buf	 b;
	char		*out;

	buf_init(&b, (size_t)16 << 20);
	for (; *in != '\0'; in++) {
		if (*in == '\n' || *in == '\r')
			buf_putc(&b, ' ');
		else if (strchr("\\`*_[]<>|#", *in) != NULL) {
			buf_putc(&b, '\\');
			buf_putc(&b, *in);
		} else
			buf_putc(&b, *in);
	}
	out = ar_strdup(s->ar, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* A copy of ctx for the Markdown template: strings escaped, rendered
 * HTML dropped, the diagram kept verbatim (it goes into a fence). */
static struct val *
site_md_ctx(struct site *s, const struct val *v, const char *key)
{
	struct val	*c;
	size_t		 i, n;

	switch (v->kind) {
	case VAL_STR:
		/* Verbatim: they go into fenced code blocks. */
		if (key != NULL && (strcmp(key, "diagram") == 0 ||
		    strcmp(key, "text") == 0))
			return (struct val *)v;
		return val_str(s->ar, site_md_escape(s, v->u.str.s));
	case VAL_SEQ:
		c = val_seq(s->ar);
		for (i = 0; i < v->u.seq.n; i++)
			val_push(s->ar, c, site_md_ctx(s, v->u.seq.v[i], NULL));
		return c;
	case VAL_MAP:
		c = val_map(s->ar);
		for (i = 0; i < v->u.map.n; i++) {
			n = strlen(v->u.map.k[i]);
			if (n > 5 && strcmp(v->u.map.k[i] + n - 5, "_html") == 0)
				continue;
			val_append(s->ar, c, v->u.map.k[i], site_md_ctx(s,
			    v->u.map.v[i], v->u.map.k[i]));
		}
		return c;
	default:
		return (struct val *)v;
	}
}

static struct val *
site_ctx_site(struct site *s)
{
	struct val	*m = val_map(s->ar);
	const char	*base = s->o->base_url ? s->o->base_url :
			    val_getstr(s->kb->site, "base_url");
	size_t		 n = strlen(base);

	site_str(s, m, "title", val_getstr(s->kb->site, "title"));
	site_str(s, m, "tagline", val_getstr(s->kb->site, "tagline"));
	site_str(s, m, "base_url", n && base[n - 1] == '/' ? base :
	    ar_printf(s->ar, "%s/", base));
	site_str(s, m, "content_license", val_getstr(s->kb->site,
	    "content_license"));
	site_str(s, m, "bundle_license", val_getstr(s->kb->site,
	    "bundle_license"));
	site_str(s, m, "build_date", s->kb->date);
	return m;
}

int
site_build(const struct site_opts *o, struct kb *kb, struct pl_host *pl,
    struct diag *d)
{
	struct site	 s;
	struct val	*fw_api, *scn_api, *rows;
	char		*kbpath;
	int		 rc = -1;

	double		 t0 = site_ms();

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.kb = kb;
	s.pl = pl;
	s.d = d;
	s.ar = s.main = ar_new();
	s.tpl = tpl_set_new();
	s.urls = val_seq(s.ar);
	s.sums = val_seq(s.ar);
	s.short_ctx = val_map(s.ar);
	if (o->base_url != NULL && strncmp(o->base_url, "https://", 8) != 0 &&
	    strncmp(o->base_url, "http://", 7) != 0) {
		diag_error(d, NULL, 0, 0, "--base-url must be an http(s) URL");
		goto done;
	}
	s.sitectx = site_ctx_site(&s);
	if (site_load_theme(o->root, s.tpl, s.ar, d) == -1)
		goto done;
	if (rec_init(&s.rec, kb, pl, s.ar, d) == -1)
		goto done;
	if ((s.out = out_open(o->out, d)) == NULL)
		goto done;
	fw_api = val_seq(s.ar);
	scn_api = val_seq(s.ar);
	rows = val_seq(s.ar);
	if (site_assets_copy(&s) == -1 ||
	    site_scenarios(&s, scn_api) == -1 ||
	    site_frameworks(&s, fw_api, rows) == -1 ||
	    site_home(&s, rows, kb->scenarios) == -1 ||
	    site_matrix(&s, rows) == -1 ||
	    site_recommend(&s) == -1 ||
	    site_checksums(&s) == -1 ||
	    site_api(&s, "frameworks.json", "frameworks", fw_api) == -1 ||
	    site_api(&s, "scenarios.json", "scenarios", scn_api) == -1 ||
	    site_extras(&s) == -1)
		goto fail;
	kbpath = ar_printf(s.ar, "%s/api/kb.sqlite", out_tmpdir(s.out));
	if (ix_write_kb(kbpath, kb->frameworks, kb->scenarios, kb->date, d)
	    == -1)
		goto fail;
	if (out_commit(s.out, d) == -1)
		goto done;
	s.out = NULL;
	rc = 0;
	if (o->stats != NULL)
		o->stats->build_ms = site_ms() - t0;
	goto done;
fail:
	out_abort(s.out);
	s.out = NULL;
done:
	tpl_set_free(s.tpl);
	if (s.ar != s.main)
		ar_free(s.ar);	/* a page's scratch arena, after an error */
	ar_free(s.main);
	return rc;
}

int
site_guide(const struct site_opts *o, const char *const toks[6],
    struct kb *kb, struct pl_host *pl, struct diag *d)
{
	struct site	 s;
	struct val	*req, *rec, *scn, *ctx, *title;
	struct buf	 b;
	char		*path, *src;
	const char	*top;
	size_t		 len, i;
	int		 rc = -1;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.kb = kb;
	s.pl = pl;
	s.d = d;
	s.ar = s.main = ar_new();
	s.tpl = tpl_set_new();
	s.urls = val_seq(s.ar);
	s.sums = val_seq(s.ar);
	s.short_ctx = val_map(s.ar);
	s.sitectx = site_ctx_site(&s);
	buf_init(&b, SITE_MAXPAGE);
	if (site_load_theme(o->root, s.tpl, s.ar, d) == -1)
		goto done;
	path = ar_printf(s.ar, "%s/themes/default/markdown/guide.md.mustache",
	    o->root);
	if (kb_read(s.ar, path, "themes/default/markdown/guide.md.mustache",
	    (size_t)1 << 20, &src, &len, d) == -1 || tpl_set_add(s.tpl,
	    "guide-md", src, len, "themes/default/markdown/guide.md.mustache",
	    d) == -1)
		goto done;
	if (rec_init(&s.rec, kb, pl, s.ar, d) == -1 ||
	    (req = rec_requirements(kb, s.ar, toks, d)) == NULL ||
	    (rec = rec_compute(&s.rec, req, s.ar, d)) == NULL)
		goto done;
	buf_puts(&b, "sandbox-atlas");
	for (i = 0; i < 6; i++)
		buf_printf(&b, "-%s", toks[i]);
	top = ar_strdup(s.ar, buf_cstr(&b));
	buf_reset(&b);
	buf_puts(&b, "Selection guide:");
	for (i = 0; i < 6; i++)
		buf_printf(&b, "%s %s", i ? "," : "", toks[i]);
	title = val_str(s.ar, buf_cstr(&b));
	buf_reset(&b);
	scn = val_map(s.ar);
	val_append(s.ar, scn, "slug", val_str(s.ar, top));
	val_append(s.ar, scn, "title", title);
	val_append(s.ar, scn, "requirements", req);
	if ((s.out = out_open(o->out, d)) == NULL)
		goto done;
	buf_puts(&b, "recommend/");
	for (i = 0; i < 6; i++)
		buf_printf(&b, "%s/", toks[i]);
	path = ar_strdup(s.ar, buf_cstr(&b));
	buf_reset(&b);
	if ((ctx = site_guide_ctx(&s, scn, rec, path,
	    val_getstr(s.sitectx, "base_url"))) == NULL ||
	    site_bundle(&s, scn, rec, top, 1, ctx) == -1 ||
	    site_render(&s, "scenario", NULL, "guide.html", ctx) == -1 ||
	    tpl_render(s.tpl, "guide-md", site_md_ctx(&s, ctx, NULL), &b, d)
	    == -1 || site_write(&s, "guide.md", buf_cstr(&b), b.len) == -1) {
		out_abort(s.out);
		goto done;
	}
	if (out_commit(s.out, d) == 0)
		rc = 0;
done:
	buf_free(&b);
	tpl_set_free(s.tpl);
	if (s.ar != s.main)
		ar_free(s.ar);	/* a page's scratch arena, after an error */
	ar_free(s.main);
	return rc;
}

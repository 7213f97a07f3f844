/*
 * test_ix: the SQLite knowledge base.  Builds a small val tree by hand
 * (two frameworks, one scenario), writes it twice, checks the two
 * files are byte-identical, reopens one with the sqlite3 API and
 * checks rows, NULLs, order, stale flags, verbatim storage of hostile
 * strings, that unknown keys are ignored, and that errors leave no
 * file behind.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tap.h"
#include "diag.h"
#include "val.h"
#include "ix.h"
#include "out.h"

#define	EVIL	"it's \"quoted\" '); DROP TABLE frameworks; --"

static struct arena	*ar;
static sqlite3		*db;

static struct val *
S(const char *s)
{
	return val_str(ar, s);
}

static struct val *
strseq(const char *const *v)
{
	struct val	*s = val_seq(ar);

	for (; *v != NULL; v++)
		val_push(ar, s, S(*v));
	return s;
}

static struct val *
source(const char *url, const char *checked, int stale, const char *claim)
{
	struct val	*m = val_map(ar);

	val_set(ar, m, "url", S(url));
	val_set(ar, m, "title", S("Docs"));
	val_set(ar, m, "checked", S(checked));
	val_set(ar, m, "grade", S("vendor-docs"));
	if (claim != NULL)
		val_set(ar, m, "claim", S(claim));
	val_set(ar, m, "stale", val_bool(ar, stale));
	val_set(ar, m, "future_key", S("ignored"));
	return m;
}

static struct val *
criterion(const char *value, const char *cls, int with_stale, int stale)
{
	struct val	*c = val_map(ar), *srcs = val_seq(ar);

	val_set(ar, c, "value", S(value));
	if (cls != NULL)
		val_set(ar, c, "class", S(cls));
	val_set(ar, c, "detail", S("Some *markdown*."));
	val_push(ar, srcs, source("https://a.example/x", "2024-01-01", 0,
	    NULL));
	val_push(ar, srcs, source("https://b.example/y", "2020-01-01", stale,
	    "125 ms"));
	val_set(ar, c, "sources", srcs);
	if (with_stale)
		val_set(ar, c, "stale", val_bool(ar, stale));
	return c;
}

static struct val *
framework(const char *slug, const char *name, int sandbox)
{
	static const char *const langs[] = { "python", "node", NULL };
	static const char *const dels[] = { "firecracker", "gvisor", NULL };
	static const char *const names[] = { "isolation", "cold_start",
	    "languages", "network", "filesystem", "cost", "self_host",
	    "integrations", NULL };
	struct val	*e = val_map(ar), *crit = val_map(ar), *c, *atts, *a;
	size_t		 i;

	val_set(ar, e, "slug", S(slug));
	val_set(ar, e, "name", S(name));
	val_set(ar, e, "kind", S(sandbox ? "sandbox" : "orchestrator"));
	val_set(ar, e, "delegates_to", sandbox ? val_seq(ar) : strseq(dels));
	if (sandbox)
		val_set(ar, e, "bundle_family", S("kvm-microvm"));
	val_set(ar, e, "summary", S(sandbox ? EVIL : "Runs others."));
	val_set(ar, e, "body", S("# Body\n\nText with 'quotes'.\n"));
	val_set(ar, e, "unknown_top", val_map(ar));
	/* Criteria in reverse order: rows must follow the canonical one. */
	for (i = 8; i-- > 0; ) {
		c = criterion(i == 0 ? EVIL : "v", i == 0 ? "hardware-vm" :
		    NULL, i != 3, i == 1 || i == 3);
		if (i == 1) {
			val_set(ar, c, "ms_min", val_int(ar, 125));
			val_set(ar, c, "ms_max", val_int(ar, 3000));
		}
		if (i == 2)
			val_set(ar, c, "list", strseq(langs));
		val_set(ar, crit, names[i], c);
	}
	val_set(ar, crit, "not_a_criterion", criterion("x", NULL, 0, 0));
	val_set(ar, e, "criteria", crit);
	atts = val_seq(ar);
	if (sandbox) {
		a = val_map(ar);
		val_set(ar, a, "id", S("CVE-2019-18960"));
		val_set(ar, a, "summary", S("vsock bug"));
		val_set(ar, a, "affected", S("< 0.19"));
		val_set(ar, a, "mitigation", S("upgrade"));
		val_set(ar, a, "source", S("https://example.org/cve"));
		val_push(ar, atts, a);
	}
	val_set(ar, e, "attacks", atts);
	return e;
}

static struct val *
scenario(void)
{
	struct val	*s = val_map(ar), *r = val_map(ar);

	val_set(ar, s, "slug", S("untrusted-code"));
	val_set(ar, s, "title", S(EVIL));
	val_set(ar, r, "use-case", S("code-execution"));
	val_set(ar, r, "scale", S("1000"));
	val_set(ar, r, "latency", S("100ms"));
	val_set(ar, r, "trust", S("untrusted"));
	val_set(ar, r, "budget", S("zero"));
	val_set(ar, r, "infra", S("kubernetes"));
	val_set(ar, s, "requirements", r);
	val_set(ar, s, "primary", S("firecracker"));
	val_set(ar, s, "fallback", val_null(ar));
	val_set(ar, s, "body", S("Notes."));
	val_set(ar, s, "expect", val_map(ar));
	return s;
}

/* Runs a one-value query; returns the text (static) or "(null)". */
static const char *
q1(const char *sql)
{
	static char	 b[4096];
	sqlite3_stmt	*st;
	const unsigned char *t;

	snprintf(b, sizeof(b), "(error)");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
		return b;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		snprintf(b, sizeof(b), "%s", t ? (const char *)t : "(null)");
	} else
		snprintf(b, sizeof(b), "(no row)");
	sqlite3_finalize(st);
	return b;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*p;
	long	 n;

	*len = 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	if (n < 0 || (p = malloc((size_t)n + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	*len = fread(p, 1, (size_t)n, fp);
	fclose(fp);
	return p;
}

int
main(void)
{
	struct diag	 d;
	struct val	*fws, *scns, *bad;
	struct stat	 st;
	char		 dir[64], p1[128], p2[128], p3[160], *b1, *b2;
	size_t		 l1, l2;

	plan(40);
	umask(077);
	ar = ar_new();
	diag_init(&d);
	snprintf(dir, sizeof(dir), "/tmp/test_ix.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(p1, sizeof(p1), "%s/kb1.sqlite", dir);
	snprintf(p2, sizeof(p2), "%s/kb2.sqlite", dir);

	fws = val_seq(ar);
	val_push(ar, fws, framework("firecracker", "Firecracker", 1));
	val_push(ar, fws, framework("agent-sandbox", "Agent Sandbox", 0));
	scns = val_seq(ar);
	val_push(ar, scns, scenario());

	/* p2 starts as a stale file that must be replaced. */
	fclose(fopen(p2, "w"));
	ok(ix_write_kb(p1, fws, scns, "2025-06-01", &d) == 0, "write kb");
	sleep(1);
	ok(ix_write_kb(p2, fws, scns, "2025-06-01", &d) == 0,
	    "write it again over an old file");
	if (d.nerr)
		printf("# %s", buf_cstr(&d.text));
	b1 = slurp(p1, &l1);
	b2 = slurp(p2, &l2);
	ok(b1 != NULL && b2 != NULL && l1 == l2 && l1 > 0 &&
	    memcmp(b1, b2, l1) == 0, "byte-identical files (%zu bytes)", l1);
	free(b1);
	free(b2);
	ok(stat(p1, &st) == 0 && (st.st_mode & 07777) == 0644,
	    "mode 0644 under umask 077");
	snprintf(p3, sizeof(p3), "%s-journal", p1);
	ok(access(p1, F_OK) == 0 && access(p3, F_OK) == -1,
	    "no journal left");

	if (sqlite3_open_v2(p1, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 1;
	is_str(q1("SELECT value FROM meta WHERE key = 'version'"), "1",
	    "meta version");
	is_str(q1("SELECT value FROM meta WHERE key = 'build_date'"),
	    "2025-06-01", "meta build_date");
	is_str(q1("SELECT value FROM meta WHERE key = 'generator'"),
	    "sandbox-atlas", "meta generator");
	is_str(q1("SELECT group_concat(slug, ',') FROM"
	    " (SELECT slug FROM frameworks ORDER BY rowid)"),
	    "firecracker,agent-sandbox", "frameworks in input order");
	is_str(q1("SELECT summary FROM frameworks WHERE slug='firecracker'"),
	    EVIL, "hostile string stored verbatim");
	is_str(q1("SELECT count(*) FROM sqlite_master WHERE type='table'"),
	    "10", "all ten tables still there");
	is_str(q1("SELECT bundle_family IS NULL FROM frameworks"
	    " WHERE slug='agent-sandbox'"), "1", "absent bundle_family NULL");
	is_str(q1("SELECT kind || '|' || name FROM frameworks"
	    " WHERE slug='agent-sandbox'"), "orchestrator|Agent Sandbox",
	    "kind and name");
	is_str(q1("SELECT body FROM frameworks WHERE slug='firecracker'"),
	    "# Body\n\nText with 'quotes'.\n", "body raw");
	is_str(q1("SELECT group_concat(target || ':' || ord, ',') FROM"
	    " (SELECT * FROM delegates WHERE framework='agent-sandbox'"
	    " ORDER BY ord)"), "firecracker:0,gvisor:1", "delegates");
	is_str(q1("SELECT count(*) FROM delegates WHERE"
	    " framework='firecracker'"), "0", "no delegates for a sandbox");
	is_str(q1("SELECT group_concat(criterion, ',') FROM (SELECT criterion"
	    " FROM criteria WHERE framework='firecracker' ORDER BY rowid)"),
	    "isolation,cold_start,languages,network,filesystem,cost,"
	    "self_host,integrations",
	    "eight criteria in canonical order, unknown one ignored");
	is_str(q1("SELECT count(*) FROM criteria"), "16", "16 criteria rows");
	is_str(q1("SELECT value || '|' || class FROM criteria WHERE"
	    " framework='firecracker' AND criterion='isolation'"),
	    EVIL "|hardware-vm", "isolation value and class");
	is_str(q1("SELECT ms_min || '-' || ms_max || ':' || typeof(ms_min)"
	    " FROM criteria WHERE framework='firecracker' AND"
	    " criterion='cold_start'"), "125-3000:integer",
	    "cold_start ms range as integers");
	is_str(q1("SELECT count(*) FROM criteria WHERE ms_min IS NULL"),
	    "14", "ms NULL elsewhere");
	is_str(q1("SELECT class IS NULL FROM criteria WHERE"
	    " framework='firecracker' AND criterion='network'"), "1",
	    "absent class NULL");
	is_str(q1("SELECT detail FROM criteria LIMIT 1"), "Some *markdown*.",
	    "detail raw");
	is_str(q1("SELECT group_concat(criterion || '=' || stale, ',') FROM"
	    " (SELECT * FROM criteria WHERE framework='firecracker'"
	    " ORDER BY rowid)"), "isolation=0,cold_start=1,languages=0,"
	    "network=1,filesystem=0,cost=0,self_host=0,integrations=0",
	    "criterion stale given, or derived from sources when absent");
	is_str(q1("SELECT group_concat(item, ',') FROM (SELECT item FROM"
	    " criterion_items WHERE framework='firecracker' AND"
	    " criterion='languages' ORDER BY ord)"), "python,node",
	    "criterion list items");
	is_str(q1("SELECT count(*) FROM sources"), "32", "sources count");
	is_str(q1("SELECT url || '|' || title || '|' || checked || '|' ||"
	    " grade || '|' || claim || '|' || stale FROM sources WHERE"
	    " framework='firecracker' AND criterion='cold_start' AND"
	    " ord=1"), "https://b.example/y|Docs|2020-01-01|vendor-docs|"
	    "125 ms|1", "source row");
	is_str(q1("SELECT claim IS NULL FROM sources WHERE ord=0 LIMIT 1"),
	    "1", "absent claim NULL");
	is_str(q1("SELECT id || '|' || summary || '|' || affected || '|' ||"
	    " mitigation || '|' || source || '|' || ord FROM attacks"),
	    "CVE-2019-18960|vsock bug|< 0.19|upgrade|"
	    "https://example.org/cve|0", "attack row");
	is_str(q1("SELECT title FROM scenarios"), EVIL,
	    "scenario title verbatim");
	is_str(q1("SELECT use_case || ',' || scale || ',' || latency || ','"
	    " || trust || ',' || budget || ',' || infra FROM scenarios"),
	    "code-execution,1000,100ms,untrusted,zero,kubernetes",
	    "scenario requirements");
	is_str(q1("SELECT primary_slug || '|' || (fallback_slug IS NULL) ||"
	    " '|' || body FROM scenarios"), "firecracker|1|Notes.",
	    "scenario primary, NULL fallback, body");
	ok(strstr(q1("SELECT sql FROM sqlite_master WHERE name='criteria'"),
	    "-- cold_start: lowest documented milliseconds") != NULL,
	    "schema comments stored in sqlite_master");
	is_str(q1("PRAGMA integrity_check"), "ok", "integrity_check");
	sqlite3_close(db);

	/* Errors: duplicate slug, missing slug; no file left behind. */
	val_push(ar, fws, framework("firecracker", "Again", 1));
	ok(ix_write_kb(p2, fws, scns, "2025-06-01", &d) == -1 &&
	    strstr(buf_cstr(&d.text), "framework \"firecracker\": UNIQUE")
	    != NULL, "duplicate slug reported");
	ok(access(p2, F_OK) == -1, "no file left after an error");
	bad = val_seq(ar);
	val_push(ar, bad, val_map(ar));
	ok(ix_write_kb(p2, bad, NULL, "2025-06-01", &d) == -1 &&
	    strstr(buf_cstr(&d.text), "framework #1: no slug") != NULL,
	    "missing slug reported");
	ok(ix_write_kb(p2, NULL, NULL, "2025-06-01", &d) == 0,
	    "empty knowledge base is fine");
	ok(ix_write_kb(p2, S("x"), NULL, "2025-06-01", &d) == -1,
	    "non-sequence refused");
	snprintf(p2, sizeof(p2), "%s/missing/kb.sqlite", dir);
	ok(ix_write_kb(p2, fws, scns, "2025-06-01", &d) == -1,
	    "missing folder reported");

	out_rmtree(dir);
	diag_free(&d);
	ar_free(ar);
	return done_testing();
}

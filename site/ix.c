/*
 * ix: writes the whole knowledge base into one SQLite file (see ix.h
 * and docs/kb-sqlite.md).  Every value goes through a bound parameter
 * of a prepared statement; only the fixed schema and pragmas below are
 * executed as text.  The file is built from scratch in one transaction
 * with a fixed page size, no journal and no temporary files, then
 * VACUUMed, so the same input gives the same bytes.  Rows are written
 * in input order, except criteria, which follow the canonical order of
 * the eight criteria; unknown keys and criteria are ignored, so the
 * content schema can grow without breaking this writer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "diag.h"
#include "val.h"
#include "ix.h"

/*
 * The schema.  Comments inside each CREATE statement are stored in
 * sqlite_master, so they document the file for whoever opens it.
 */
static const char ix_schema[] =
"CREATE TABLE meta (\n"
"  -- one row per property of this file\n"
"  key   TEXT PRIMARY KEY NOT NULL, -- 'version', 'build_date', 'generator'\n"
"  value TEXT                       -- '1'; 'YYYY-MM-DD'; 'sandbox-atlas'\n"
");\n"
"CREATE TABLE frameworks (\n"
"  -- one row per framework entry (content/frameworks/*.md)\n"
"  slug          TEXT PRIMARY KEY NOT NULL, -- id, [a-z0-9-]+, as in URLs\n"
"  name          TEXT NOT NULL,  -- display name\n"
"  kind          TEXT,  -- sandbox | orchestrator | harness | layer\n"
"  summary       TEXT,  -- one sentence\n"
"  bundle_family TEXT,  -- kvm-microvm | user-space-kernel | oci-container\n"
"                       -- | wasm-isolate | managed-api; NULL if none\n"
"  homepage      TEXT,  -- the project's or service's home page\n"
"  license       TEXT,  -- the software's licence, or 'proprietary'\n"
"  userland      TEXT,  -- full-linux | language-runtime | restricted; NULL\n"
"                       -- for non-sandboxes\n"
"  path          TEXT,  -- the source file, e.g. content/frameworks/x.md\n"
"  body          TEXT   -- the entry's Markdown body, raw\n"
");\n"
"CREATE TABLE fits_infra (\n"
"  -- the infra tokens an entry is a natural fit for, in order\n"
"  framework TEXT NOT NULL REFERENCES frameworks(slug),\n"
"  ord       INTEGER NOT NULL, -- 0-based position in fits_infra\n"
"  infra     TEXT NOT NULL,    -- kubernetes | aws | bare-metal | cloudflare\n"
"  PRIMARY KEY (framework, ord)\n"
");\n"
"CREATE TABLE hardening (\n"
"  -- an entry's hardening checklist, in order\n"
"  framework TEXT NOT NULL REFERENCES frameworks(slug),\n"
"  ord       INTEGER NOT NULL, -- 0-based position in hardening\n"
"  item      TEXT NOT NULL,    -- one imperative line\n"
"  PRIMARY KEY (framework, ord)\n"
");\n"
"CREATE TABLE delegates (\n"
"  -- delegates_to: the sandboxes an orchestrator or harness runs on\n"
"  framework TEXT NOT NULL REFERENCES frameworks(slug),\n"
"  target    TEXT NOT NULL,    -- slug of the sandbox delegated to\n"
"  ord       INTEGER NOT NULL, -- 0-based position in delegates_to\n"
"  PRIMARY KEY (framework, ord)\n"
");\n"
"CREATE TABLE criteria (\n"
"  -- one row per framework and criterion (up to eight per framework)\n"
"  framework TEXT NOT NULL REFERENCES frameworks(slug),\n"
"  criterion TEXT NOT NULL, -- isolation | cold_start | languages |\n"
"                           -- network | filesystem | cost | self_host |\n"
"                           -- integrations; and the optional facts\n"
"                           -- snapshot_restore | concurrency | gpu |\n"
"                           -- maturity\n"
"  value     TEXT,    -- the short answer shown in the matrix\n"
"  class     TEXT,    -- isolation, cost, self_host: the class token\n"
"  ms_min    INTEGER, -- cold_start: lowest documented milliseconds\n"
"  ms_max    INTEGER, -- cold_start: highest documented milliseconds\n"
"                     -- (also snapshot_restore)\n"
"  max       INTEGER, -- concurrency: the documented ceiling, if stated\n"
"  autoscale TEXT,    -- concurrency: built-in | with-orchestrator | none\n"
"  detail    TEXT,    -- Markdown, raw\n"
"  stale     INTEGER NOT NULL, -- 1 if a source is older than 180 days\n"
"                              -- before build_date, else 0\n"
"  PRIMARY KEY (framework, criterion)\n"
");\n"
"CREATE TABLE criterion_items (\n"
"  -- the list of a criterion (languages, integrations), in order\n"
"  framework TEXT NOT NULL REFERENCES frameworks(slug),\n"
"  criterion TEXT NOT NULL,\n"
"  ord       INTEGER NOT NULL, -- 0-based position in the list\n"
"  item      TEXT NOT NULL,\n"
"  PRIMARY KEY (framework, criterion, ord)\n"
");\n"
"CREATE TABLE sources (\n"
"  -- the sources of each criterion's claim, in order\n"
"  framework TEXT NOT NULL REFERENCES frameworks(slug),\n"
"  criterion TEXT NOT NULL,\n"
"  ord       INTEGER NOT NULL, -- 0-based position in sources\n"
"  url       TEXT,    -- http(s) URL\n"
"  title     TEXT,\n"
"  checked   TEXT,    -- YYYY-MM-DD the claim was last checked\n"
"  grade     TEXT,    -- vendor-docs | vendor-claim | independent | measured\n"
"  claim     TEXT,    -- the source's own figure; NULL if none\n"
"  stale     INTEGER NOT NULL, -- 1 if checked is more than 180 days\n"
"                              -- before build_date, else 0\n"
"  PRIMARY KEY (framework, criterion, ord)\n"
");\n"
"CREATE TABLE attacks (\n"
"  -- known attack vectors (CVEs or documented vectors), in order\n"
"  framework  TEXT NOT NULL REFERENCES frameworks(slug),\n"
"  ord        INTEGER NOT NULL, -- 0-based position in attacks\n"
"  id         TEXT,   -- CVE id, or a name for the vector\n"
"  summary    TEXT,\n"
"  affected   TEXT,   -- affected versions or configurations\n"
"  mitigation TEXT,\n"
"  source     TEXT,   -- http(s) URL\n"
"  PRIMARY KEY (framework, ord)\n"
");\n"
"CREATE TABLE scenarios (\n"
"  -- one row per scenario preset (content/scenarios/*.md)\n"
"  slug          TEXT PRIMARY KEY NOT NULL,\n"
"  title         TEXT,\n"
"  use_case      TEXT, -- requirement tokens, as in content/dimensions.yaml\n"
"  scale         TEXT,\n"
"  latency       TEXT,\n"
"  trust         TEXT,\n"
"  budget        TEXT,\n"
"  infra         TEXT,\n"
"  primary_slug  TEXT, -- recommended framework slug; NULL if none fits\n"
"  fallback_slug TEXT, -- fallback framework slug; NULL if none\n"
"  body          TEXT  -- the preset's Markdown body, raw\n"
");\n";

enum	ix_stmt {
	IX_META,
	IX_FW,
	IX_DEL,
	IX_CRIT,
	IX_ITEM,
	IX_SRC,
	IX_ATT,
	IX_INFRA,
	IX_HARD,
	IX_SCN,
	IX__MAX
};

static const char *const ix_sql[IX__MAX] = {
	"INSERT INTO meta (key, value) VALUES (?1, ?2)",
	"INSERT INTO frameworks (slug, name, kind, summary, bundle_family,"
	    " homepage, license, userland, path, body)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	"INSERT INTO delegates (framework, target, ord) VALUES (?1, ?2, ?3)",
	"INSERT INTO criteria (framework, criterion, value, class, ms_min,"
	    " ms_max, max, autoscale, detail, stale)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	"INSERT INTO criterion_items (framework, criterion, ord, item)"
	    " VALUES (?1, ?2, ?3, ?4)",
	"INSERT INTO sources (framework, criterion, ord, url, title,"
	    " checked, grade, claim, stale)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	"INSERT INTO attacks (framework, ord, id, summary, affected,"
	    " mitigation, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	"INSERT INTO fits_infra (framework, ord, infra) VALUES (?1, ?2, ?3)",
	"INSERT INTO hardening (framework, ord, item) VALUES (?1, ?2, ?3)",
	"INSERT INTO scenarios (slug, title, use_case, scale, latency, trust,"
	    " budget, infra, primary_slug, fallback_slug, body)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
};

/* The eight criteria, in the order rows are written. */
static const char *const ix_criteria[] = {
	"isolation", "cold_start", "languages", "network", "filesystem",
	"cost", "self_host", "integrations",
};

/* The optional facts, stored like criteria. */
static const char *const ix_facts[] = {
	"snapshot_restore", "concurrency", "gpu", "maturity",
};

/* The six requirement keys and their scenarios columns (3..8). */
static const char *const ix_reqs[] = {
	"use-case", "scale", "latency", "trust", "budget", "infra",
};

struct	ix {
	sqlite3		*db;
	sqlite3_stmt	*st[IX__MAX];
	const char	*path;
	struct diag	*d;
};

/* Records the database's last error with some context; returns -1. */
static int
ix_err(struct ix *ix, const char *what, const char *slug)
{
	return diag_error(ix->d, ix->path, 0, 0, "%s%s%s%s: %s", what,
	    slug ? " \"" : "", slug ? slug : "", slug ? "\"" : "",
	    ix->db ? sqlite3_errmsg(ix->db) : "out of memory");
}

/*
 * Binds v: strings as TEXT (verbatim, with their length), integers,
 * booleans as 0/1, numbers as REAL; absent, null, sequences and maps
 * as NULL.  The val tree outlives the statement's step, so strings are
 * bound without copying.
 */
static int
ix_bind(sqlite3_stmt *st, int i, const struct val *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	switch (v->kind) {
	case VAL_STR:
		return sqlite3_bind_text64(st, i, v->u.str.s, v->u.str.len,
		    SQLITE_STATIC, SQLITE_UTF8);
	case VAL_INT:
		return sqlite3_bind_int64(st, i, v->u.i);
	case VAL_BOOL:
		return sqlite3_bind_int(st, i, v->u.b != 0);
	case VAL_NUM:
		return sqlite3_bind_double(st, i, v->u.d);
	default:
		return sqlite3_bind_null(st, i);
	}
}

static int
ix_bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Runs a bound statement and resets it.  Returns 0 or -1 (no diag). */
static int
ix_step(sqlite3_stmt *st)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A val's truth as 0/1 for a "stale" column: only VAL_BOOL true is 1. */
static int
ix_flag(const struct val *v)
{
	return v != NULL && v->kind == VAL_BOOL && v->u.b;
}

/*
 * Writes one criterion of framework fw: its row, list items and
 * sources.  A missing "stale" is derived: 1 if any source is stale.
 */
static int
ix_criterion(struct ix *ix, const char *fw, const char *name,
    const struct val *c)
{
	sqlite3_stmt	*st;
	const struct val *v, *srcs, *s, *list;
	size_t		 i;
	int		 stale;

	srcs = val_get(c, "sources");
	if ((v = val_get(c, "stale")) != NULL && v->kind == VAL_BOOL)
		stale = v->u.b != 0;
	else
		for (stale = 0, i = 0; i < val_len(srcs); i++)
			stale |= ix_flag(val_get(val_at(srcs, i), "stale"));

	st = ix->st[IX_CRIT];
	ix_bind_str(st, 1, fw);
	ix_bind_str(st, 2, name);
	ix_bind(st, 3, val_get(c, "value"));
	ix_bind(st, 4, val_get(c, "class"));
	v = val_get(c, "ms_min");
	ix_bind(st, 5, v != NULL && v->kind == VAL_INT ? v : NULL);
	v = val_get(c, "ms_max");
	ix_bind(st, 6, v != NULL && v->kind == VAL_INT ? v : NULL);
	v = val_get(c, "max");
	ix_bind(st, 7, v != NULL && v->kind == VAL_INT ? v : NULL);
	ix_bind(st, 8, val_get(c, "autoscale"));
	ix_bind(st, 9, val_get(c, "detail"));
	sqlite3_bind_int(st, 10, stale);
	if (ix_step(st) == -1)
		return ix_err(ix, "framework", fw);

	list = val_get(c, "list");
	if (list != NULL && list->kind != VAL_SEQ)
		list = NULL;
	st = ix->st[IX_ITEM];
	for (i = 0; i < val_len(list); i++) {
		if (val_cstr(val_at(list, i)) == NULL)
			continue;
		ix_bind_str(st, 1, fw);
		ix_bind_str(st, 2, name);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
		ix_bind(st, 4, val_at(list, i));
		if (ix_step(st) == -1)
			return ix_err(ix, "framework", fw);
	}

	if (srcs != NULL && srcs->kind != VAL_SEQ)
		srcs = NULL;
	st = ix->st[IX_SRC];
	for (i = 0; i < val_len(srcs); i++) {
		s = val_at(srcs, i);
		if (s == NULL || s->kind != VAL_MAP)
			continue;
		ix_bind_str(st, 1, fw);
		ix_bind_str(st, 2, name);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
		ix_bind(st, 4, val_get(s, "url"));
		ix_bind(st, 5, val_get(s, "title"));
		ix_bind(st, 6, val_get(s, "checked"));
		ix_bind(st, 7, val_get(s, "grade"));
		ix_bind(st, 8, val_get(s, "claim"));
		sqlite3_bind_int(st, 9, ix_flag(val_get(s, "stale")));
		if (ix_step(st) == -1)
			return ix_err(ix, "framework", fw);
	}
	return 0;
}

/* Writes a list of strings as (framework, ord, item) rows. */
static int
ix_list(struct ix *ix, enum ix_stmt which, const char *fw,
    const struct val *seq)
{
	sqlite3_stmt	*st = ix->st[which];
	size_t		 i;

	if (seq == NULL || seq->kind != VAL_SEQ)
		return 0;
	for (i = 0; i < val_len(seq); i++) {
		if (val_cstr(val_at(seq, i)) == NULL)
			continue;
		ix_bind_str(st, 1, fw);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		ix_bind(st, 3, val_at(seq, i));
		if (ix_step(st) == -1)
			return ix_err(ix, "framework", fw);
	}
	return 0;
}

/* Writes one framework entry and everything hanging off it. */
static int
ix_framework(struct ix *ix, size_t n, const struct val *e)
{
	sqlite3_stmt	*st;
	const struct val *seq, *a, *crit, *c;
	const char	*fw;
	size_t		 i;

	if (e == NULL || e->kind != VAL_MAP)
		return diag_error(ix->d, ix->path, 0, 0,
		    "framework #%zu: not a map", n + 1);
	if ((fw = val_getstr(e, "slug")) == NULL)
		return diag_error(ix->d, ix->path, 0, 0,
		    "framework #%zu: no slug", n + 1);

	st = ix->st[IX_FW];
	ix_bind_str(st, 1, fw);
	ix_bind(st, 2, val_get(e, "name"));
	ix_bind(st, 3, val_get(e, "kind"));
	ix_bind(st, 4, val_get(e, "summary"));
	ix_bind(st, 5, val_get(e, "bundle_family"));
	ix_bind(st, 6, val_get(e, "homepage"));
	ix_bind(st, 7, val_get(e, "license"));
	ix_bind(st, 8, val_get(e, "userland"));
	ix_bind(st, 9, val_get(e, "path"));
	ix_bind(st, 10, val_get(e, "body"));
	if (ix_step(st) == -1)
		return ix_err(ix, "framework", fw);

	seq = val_get(e, "delegates_to");
	if (seq != NULL && seq->kind != VAL_SEQ)
		seq = NULL;
	st = ix->st[IX_DEL];
	for (i = 0; i < val_len(seq); i++) {
		if (val_cstr(val_at(seq, i)) == NULL)
			continue;
		ix_bind_str(st, 1, fw);
		ix_bind(st, 2, val_at(seq, i));
		sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
		if (ix_step(st) == -1)
			return ix_err(ix, "framework", fw);
	}

	crit = val_get(e, "criteria");
	for (i = 0; i < sizeof(ix_criteria) / sizeof(ix_criteria[0]); i++) {
		c = val_get(crit, ix_criteria[i]);
		if (c == NULL || c->kind != VAL_MAP)
			continue;
		if (ix_criterion(ix, fw, ix_criteria[i], c) == -1)
			return -1;
	}
	for (i = 0; i < sizeof(ix_facts) / sizeof(ix_facts[0]); i++) {
		c = val_get(e, ix_facts[i]);
		if (c == NULL || c->kind != VAL_MAP)
			continue;
		if (ix_criterion(ix, fw, ix_facts[i], c) == -1)
			return -1;
	}
	if (ix_list(ix, IX_INFRA, fw, val_get(e, "fits_infra")) == -1 ||
	    ix_list(ix, IX_HARD, fw, val_get(e, "hardening")) == -1)
		return -1;

	seq = val_get(e, "attacks");
	if (seq != NULL && seq->kind != VAL_SEQ)
		seq = NULL;
	st = ix->st[IX_ATT];
	for (i = 0; i < val_len(seq); i++) {
		a = val_at(seq, i);
		if (a == NULL || a->kind != VAL_MAP)
			continue;
		ix_bind_str(st, 1, fw);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		ix_bind(st, 3, val_get(a, "id"));
		ix_bind(st, 4, val_get(a, "summary"));
		ix_bind(st, 5, val_get(a, "affected"));
		ix_bind(st, 6, val_get(a, "mitigation"));
		ix_bind(st, 7, val_get(a, "source"));
		if (ix_step(st) == -1)
			return ix_err(ix, "framework", fw);
	}
	return 0;
}

static int
ix_scenario(struct ix *ix, size_t n, const struct val *s)
{
	sqlite3_stmt	*st = ix->st[IX_SCN];
	const struct val *req;
	const char	*slug;
	size_t		 i;

	if (s == NULL || s->kind != VAL_MAP)
		return diag_error(ix->d, ix->path, 0, 0,
		    "scenario #%zu: not a map", n + 1);
	if ((slug = val_getstr(s, "slug")) == NULL)
		return diag_error(ix->d, ix->path, 0, 0,
		    "scenario #%zu: no slug", n + 1);
	req = val_get(s, "requirements");
	ix_bind_str(st, 1, slug);
	ix_bind(st, 2, val_get(s, "title"));
	for (i = 0; i < sizeof(ix_reqs) / sizeof(ix_reqs[0]); i++)
		ix_bind(st, 3 + (int)i, val_get(req, ix_reqs[i]));
	ix_bind(st, 9, val_get(s, "primary"));
	ix_bind(st, 10, val_get(s, "fallback"));
	ix_bind(st, 11, val_get(s, "body"));
	if (ix_step(st) == -1)
		return ix_err(ix, "scenario", slug);
	return 0;
}

static int
ix_exec(struct ix *ix, const char *sql)
{
	if (sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ix_err(ix, "cannot write knowledge base", NULL);
	return 0;
}

/* Fills the open, empty database. */
static int
ix_fill(struct ix *ix, const struct val *fws, const struct val *scns,
    const char *build_date)
{
	sqlite3_stmt	*st;
	char		 ver[16];
	size_t		 i;

	if ((fws != NULL && fws->kind != VAL_SEQ) ||
	    (scns != NULL && scns->kind != VAL_SEQ))
		return diag_error(ix->d, ix->path, 0, 0,
		    "knowledge base: frameworks and scenarios must be "
		    "sequences");
	if (ix_exec(ix, "PRAGMA page_size = 4096;"
	    "PRAGMA journal_mode = OFF;"
	    "PRAGMA synchronous = OFF;"
	    "PRAGMA temp_store = MEMORY;"
	    "PRAGMA encoding = 'UTF-8';") == -1)
		return -1;
	if (ix_exec(ix, "BEGIN") == -1 || ix_exec(ix, ix_schema) == -1)
		return -1;
	for (i = 0; i < IX__MAX; i++)
		if (sqlite3_prepare_v2(ix->db, ix_sql[i], -1, &ix->st[i],
		    NULL) != SQLITE_OK)
			return ix_err(ix, "cannot write knowledge base", NULL);

	st = ix->st[IX_META];
	snprintf(ver, sizeof(ver), "%d", IX_VERSION);
	ix_bind_str(st, 1, "version");
	ix_bind_str(st, 2, ver);
	if (ix_step(st) == -1)
		return ix_err(ix, "meta", NULL);
	ix_bind_str(st, 1, "build_date");
	ix_bind_str(st, 2, build_date);
	if (ix_step(st) == -1)
		return ix_err(ix, "meta", NULL);
	ix_bind_str(st, 1, "generator");
	ix_bind_str(st, 2, "sandbox-atlas");
	if (ix_step(st) == -1)
		return ix_err(ix, "meta", NULL);

	for (i = 0; i < val_len(fws); i++)
		if (ix_framework(ix, i, val_at(fws, i)) == -1)
			return -1;
	for (i = 0; i < val_len(scns); i++)
		if (ix_scenario(ix, i, val_at(scns, i)) == -1)
			return -1;

	for (i = 0; i < IX__MAX; i++) {
		sqlite3_finalize(ix->st[i]);
		ix->st[i] = NULL;
	}
	if (ix_exec(ix, "COMMIT") == -1 || ix_exec(ix, "VACUUM") == -1)
		return -1;
	return 0;
}

/* Removes path and the files SQLite may keep beside it. */
static int
ix_unlink(const char *path, struct diag *d)
{
	static const char *const sfx[] = { "", "-journal", "-wal", "-shm" };
	char	 p[4096];
	size_t	 i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s%s", path, sfx[i]) >=
		    sizeof(p))
			return diag_error(d, path, 0, 0, "path too long");
		if (unlink(p) == -1 && errno != ENOENT)
			return diag_error(d, p, 0, 0, "cannot remove: %s",
			    strerror(errno));
	}
	return 0;
}

int
ix_write_kb(const char *path, const struct val *frameworks,
    const struct val *scenarios, const char *build_date, struct diag *d)
{
	struct ix	 ix;
	size_t		 i;
	int		 rc;

	memset(&ix, 0, sizeof(ix));
	ix.path = path;
	ix.d = d;
	if (ix_unlink(path, d) == -1)
		return -1;
	if (sqlite3_open_v2(path, &ix.db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE,
	    NULL) != SQLITE_OK) {
		rc = ix_err(&ix, "cannot create", NULL);
		goto done;
	}
	rc = ix_fill(&ix, frameworks, scenarios, build_date);
done:
	for (i = 0; i < IX__MAX; i++)
		sqlite3_finalize(ix.st[i]);
	if (sqlite3_close(ix.db) != SQLITE_OK && rc == 0)
		rc = ix_err(&ix, "cannot close", NULL);
	if (rc == 0 && chmod(path, 0644) == -1)
		rc = diag_error(d, path, 0, 0, "cannot chmod: %s",
		    strerror(errno));
	if (rc == -1)
		(void)ix_unlink(path, NULL);
	return rc;
}

/*
 * kb: the knowledge base.  Loads content/ (site.yaml, dimensions.yaml,
 * schema.yaml, rules.yaml, frameworks/ *.md, scenarios/ *.md), checks
 * every entry and preset against the schema and the cross-field rules
 * of DESIGN.md, marks stale sources, and keeps it all in one arena.
 * Entries gain the keys "path" (relative file path), "body" (raw
 * Markdown) and "stale" flags on every source and criterion.
 */
#ifndef KB_H
#define KB_H

#include "diag.h"
#include "val.h"

#define	KB_STALE_DAYS	180

struct	kb {
	struct arena	*ar;		/* owns every val below */
	const char	*root;		/* project root as given */
	struct val	*site;		/* content/site.yaml */
	struct val	*dimlist;	/* seq of {name,label,tokens:[{token,label}]} */
	struct val	*dims;		/* map: dimension -> seq of token strings */
	struct val	*schema;
	struct val	*rules;		/* content/rules.yaml (may be empty map) */
	struct val	*frameworks;	/* seq of entries, sorted by slug */
	struct val	*scenarios;	/* seq of presets, sorted by slug */
	struct val	*templates;	/* map: content/bundles/<dir> -> map path -> text */
	long long	 epoch;		/* build date, seconds */
	char		 date[11];	/* build date, YYYY-MM-DD */
};

/* Loads and checks everything; returns -1 when any error was found
 * (all errors are collected).  kb_free() is needed in both cases. */
int		 kb_load(struct kb *, const char *root, struct diag *);
void		 kb_free(struct kb *);
struct val	*kb_framework(const struct kb *, const char *slug);
/* Reads a whole file (at most max bytes) into the arena. */
int		 kb_read(struct arena *, const char *path, const char *rel,
		    size_t max, char **data, size_t *len, struct diag *);
/* Checks one requirement token; returns 0 or -1. */
int		 kb_token_ok(const struct kb *, const char *dim,
		    const char *tok);

#endif /* !KB_H */

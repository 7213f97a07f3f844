/*
 * site: the build stage.  Given a loaded knowledge base and the plugin
 * host, computes each preset's recommendation and bundle, builds the
 * template contexts, renders every page with the theme's templates,
 * writes the API files, the archives and the checksums into a
 * temporary folder, and swaps it in (out.h).  A failed build leaves
 * the previous site as it was.
 */
#ifndef SITE_H
#define SITE_H

#include "diag.h"
#include "kb.h"
#include "pl.h"

struct	site_stats {
	double		 rank_ms;	/* ranking all combinations (one plugin call) */
	double		 build_ms;	/* the whole build stage */
	size_t		 files;		/* files written */
	size_t		 combinations;
};

struct	site_opts {
	const char	*root;		/* project root */
	const char	*out;		/* output folder */
	const char	*base_url;	/* NULL: site.yaml's */
	struct site_stats *stats;	/* filled in when not NULL */
};

/* Checks that the theme's templates compile (used by `check`). */
int	site_check_theme(const char *root, struct diag *);
int	site_build(const struct site_opts *, struct kb *, struct pl_host *,
	    struct diag *);

/* `sandbox-atlas guide`: the tailored guide (guide.md, guide.html) and
 * bundle (bundle/, bundle.tar.gz, bundle.zip) for six tokens, written
 * into o->out as a whole (built beside it, swapped in). */
int	site_guide(const struct site_opts *, const char *const toks[6],
	    struct kb *, struct pl_host *, struct diag *);

#endif /* !SITE_H */

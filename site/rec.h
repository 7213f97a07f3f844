/*
 * rec: recommendations.  Runs the one plugin that provides `rank`,
 * checks what it returns, and turns it into DESIGN.md's recommendation
 * object: scores rounded half away from zero to one decimal, the
 * ranking sorted by eligibility, score (descending) and slug, the
 * primary (first eligible), the fallback (best eligible candidate of
 * another isolation class, else the next eligible one, with a note),
 * and notes explaining any null.  The C side knows only the contract's
 * field names, not what makes a sandbox good.
 */
#ifndef REC_H
#define REC_H

#include "diag.h"
#include "kb.h"
#include "pl.h"
#include "val.h"

struct	rec {
	struct kb	*kb;
	struct pl_host	*pl;
	size_t		 ranker;	/* index of the rank plugin */
	struct val	*entries;	/* the copy handed to the plugin */
};

/* Finds the single rank plugin; errors when there is none or several. */
int		 rec_init(struct rec *, struct kb *, struct pl_host *,
		    struct arena *, struct diag *);
/* Parses requirements from six tokens (dimension order); -1 with a
 * diagnostic naming the valid tokens when one is unknown. */
struct val	*rec_requirements(const struct kb *, struct arena *,
		    const char *const toks[6], struct diag *);
/* Computes {version, requirements, primary, fallback, notes, ranking}. */
struct val	*rec_compute(struct rec *, const struct val *reqs,
		    struct arena *, struct diag *);

/* The same for every requirement set of list, in one plugin call;
 * returns a VAL_SEQ of recommendation objects in list's order. */
struct val	*rec_compute_all(struct rec *, const struct val *list,
		    struct arena *, struct diag *);
/* Every combination of the dimensions' tokens, the first dimension
 * varying slowest and the last fastest (DESIGN.md's order). */
struct val	*rec_all_requirements(const struct kb *, struct arena *);

#endif /* !REC_H */

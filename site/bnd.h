/*
 * bnd: config bundles.  Asks every plugin whose `family` is "*" or the
 * primary's bundle_family for its files (the `bundle` hook), merges
 * them (two plugins writing one path is an error), and adds
 * VERIFIED.md, generated from the plugins' `verify` tables (every file
 * must have a verification line), and SHA256SUMS.  The C side knows
 * nothing of what the files say.
 */
#ifndef BND_H
#define BND_H

#include "diag.h"
#include "kb.h"
#include "pl.h"
#include "val.h"

/* Returns a VAL_MAP path -> VAL_STR contents, sorted by path, or NULL.
 * scenario may be NULL (a `guide` run); rec is rec_compute()'s result;
 * top is the archive's top folder name. */
struct val	*bnd_make(struct pl_host *, const struct kb *,
		    const struct val *scenario, const struct val *rec,
		    const char *top, struct arena *, struct diag *);

#endif /* !BND_H */

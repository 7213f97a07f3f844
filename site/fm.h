/*
 * fm: front matter.  Splits a content file into YAML front matter and
 * a Markdown body, and parses YAML with libyaml's event API into a val
 * tree, rejecting what front matter never needs and an attacker might
 * use: anchors and aliases (billion laughs, cycles), tags, duplicate
 * keys, more than one document, nesting deeper than FM_MAXDEPTH, NUL
 * bytes, invalid UTF-8, and sizes over the caps below.  Every error is
 * "path:line:col: message" with positions in the whole file.
 *
 * Scalars become VAL_STR (quoted set for quoted styles), except plain
 * empty, "~" and "null", which become VAL_NULL.  Everything is
 * allocated in the caller's arena.
 */
#ifndef FM_H
#define FM_H

#include <stddef.h>

#include "diag.h"
#include "val.h"

#define	FM_MAXFILE	((size_t)1 << 20)	/* whole entry file */
#define	FM_MAXFM	((size_t)64 << 10)	/* front matter */
#define	FM_MAXBODY	((size_t)512 << 10)	/* Markdown body */
#define	FM_MAXDEPTH	16

struct	fm_doc {
	struct val	*meta;		/* the front matter tree */
	const char	*body;		/* points into the source */
	size_t		 bodylen;
	unsigned	 body_line;	/* 1-based line where the body starts */
};

/* Checks that src is NUL-free valid UTF-8; on failure reports the
 * first bad byte's line and column and returns -1. */
int	fm_check_text(const char *path, const char *src, size_t len,
	    struct diag *);
/* Splits and parses a content file (front matter required). */
int	fm_parse(struct arena *, const char *path, const char *src,
	    size_t len, struct fm_doc *, struct diag *);
/* Parses a whole YAML file (site.yaml, schema.yaml, ...). first_line
 * is the 1-based line number of src's first line in its file. */
int	fm_parse_yaml(struct arena *, const char *path, const char *src,
	    size_t len, unsigned first_line, size_t maxdepth,
	    struct val **, struct diag *);

#endif /* !FM_H */

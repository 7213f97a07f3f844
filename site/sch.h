/*
 * sch: checks a val tree against a schema written in YAML
 * (content/schema.yaml).  A schema node is a map with "type" (string,
 * text, slug, url, date, int, enum, token, list, map, any, or the name
 * of an entry under the schema's "types"), and optionally "required"
 * ("true"), "values" (enum), "items" (list), "keys" (map), "min" and
 * "max" (int range, list length), "max_len" (string bytes),
 * "dimension" (token: a key of the dimensions table), and "doc" (the
 * field's meaning, for contributors).  Maps are closed: an unknown key
 * is an error.  Integers are converted in place (VAL_STR -> VAL_INT).
 * All errors are collected (not just the first), each
 * "path:line:col: <field.path>: message".
 */
#ifndef SCH_H
#define SCH_H

#include "diag.h"
#include "val.h"

struct	sch {
	const struct val	*root;	/* the whole schema file */
	const struct val	*types;	/* root.types */
	const struct val	*dims;	/* dimension name -> seq of tokens */
	const char		*path;	/* the schema file, for its own errors */
};

/* Checks that the schema itself is well formed. */
int	sch_init(struct sch *, const struct val *schema,
	    const struct val *dims, const char *path, struct diag *);
/* Validates v against the schema node named by top ("framework").
 * file is the content file for error messages. */
int	sch_check(const struct sch *, const char *top, struct val *v,
	    const char *file, struct diag *);

/* Returns 1 if s is a slug: [a-z0-9-]+, 1-64 bytes, no edge hyphen. */
int	sch_slug_ok(const char *);

#endif /* !SCH_H */

/*
 * tpl: a logic-less Mustache engine (spec v1.4: interpolation,
 * sections, inverted sections, comments, set delimiters, partials,
 * and the optional inheritance module: blocks and parents).
 *
 * Templates are compiled once into a tpl_set and rendered many times
 * against val trees; rendering never re-parses.  {{x}} escapes
 * & " < > (and nothing else); {{{x}}} and {{&x}} do not.  Truthiness
 * follows val_truthy(): null, false and the empty list are false.
 * Integers render in decimal; doubles with %g.  A missing partial
 * renders as nothing, as the spec requires.  Compile errors name
 * "path:line:col".  A tpl_set owns its compiled templates and a copy
 * of their sources.
 */
#ifndef TPL_H
#define TPL_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "val.h"

struct	tpl_set;

struct tpl_set	*tpl_set_new(void);
void		 tpl_set_free(struct tpl_set *);
/* Compiles src under name (partials and parents are looked up by name);
 * path is only for error messages.  Returns 0 or -1 with a diagnostic. */
int		 tpl_set_add(struct tpl_set *, const char *name,
		    const char *src, size_t len, const char *path,
		    struct diag *);
/* Renders template name against ctx, appending to out.  Returns -1
 * (with a diagnostic) when name is unknown, the output cap is hit, or
 * partials nest deeper than 64. */
int		 tpl_render(const struct tpl_set *, const char *name,
		    const struct val *ctx, struct buf *out, struct diag *);

#endif /* !TPL_H */

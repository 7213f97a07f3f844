/*
 * out: the output tree.  Everything is written into a temporary folder
 * beside the final one (OUT.tmp-PID); out_commit() swaps it in with one
 * rename (renameat2 RENAME_EXCHANGE when OUT exists, so readers never
 * see a half-built site) and then removes the old tree.  out_abort()
 * removes the temporary folder and leaves OUT untouched.  Paths given
 * to out_write() are relative and checked like archive names.
 */
#ifndef OUT_H
#define OUT_H

#include <stddef.h>

#include "diag.h"

struct	out;

struct out	*out_open(const char *dir, struct diag *);
const char	*out_tmpdir(const struct out *);
int		 out_write(struct out *, const char *rel, const void *,
		    size_t, struct diag *);
int		 out_commit(struct out *, struct diag *);
void		 out_abort(struct out *);
/* Removes a tree (no symlink following).  Returns 0 or -1. */
int		 out_rmtree(const char *);
/* Writes a whole file atomically (tmp + rename), creating parents. */
int		 out_write_file(const char *path, const void *, size_t,
		    struct diag *);

#endif /* !OUT_H */

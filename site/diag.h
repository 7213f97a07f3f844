/*
 * diag: collected diagnostics.  Modules never print: they append
 * errors and warnings here, each already formatted as
 * "path:line:col: message" (or "path:line: message" for plugins, or
 * just "path: message" when no position is known), and return -1.
 * Only main prints the collected text.  A diag owns its buffer.
 */
#ifndef DIAG_H
#define DIAG_H

#include "buf.h"

struct	diag {
	struct buf	 text;	/* one diagnostic per line */
	int		 nerr;
	int		 nwarn;
	int		 maxerr; /* stop recording after this many (0: 100) */
};

void	 diag_init(struct diag *);
void	 diag_free(struct diag *);
int	 diag_error(struct diag *, const char *, unsigned, unsigned,
	    const char *, ...) __attribute__((format(printf, 5, 6)));
void	 diag_warn(struct diag *, const char *, unsigned, unsigned,
	    const char *, ...) __attribute__((format(printf, 5, 6)));

#endif /* !DIAG_H */

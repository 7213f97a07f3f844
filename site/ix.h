/*
 * ix: the knowledge base as one SQLite file (api/kb.sqlite).  The
 * tables and columns are documented in docs/kb-sqlite.md and, as SQL
 * comments, in the CREATE statements stored in the file's
 * sqlite_master.  The same input gives a byte-identical file with the
 * same SQLite library.
 */
#ifndef IX_H
#define IX_H

#include "diag.h"
#include "val.h"

#define	IX_VERSION	1	/* meta.version; raised on breaking change */

/*
 * Writes the knowledge base to path, replacing any file there (its
 * folder must exist).  frameworks is a VAL_SEQ of framework entry maps
 * (the front-matter keys plus "body"), scenarios a VAL_SEQ of scenario
 * maps (slug, title, requirements, primary, fallback, body); either
 * may be NULL for none.  Unknown keys are ignored.  build_date is
 * YYYY-MM-DD.  The caller keeps ownership of everything passed in.
 * Returns 0, or -1 after recording an error, with no file left at path.
 */
int	 ix_write_kb(const char *path, const struct val *frameworks,
	    const struct val *scenarios, const char *build_date,
	    struct diag *);

#endif /* !IX_H */

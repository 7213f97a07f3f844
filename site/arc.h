/*
 * arc: reproducible .tar.gz and .zip archives through libarchive.
 * Members are written sorted by path under one top folder, with
 * directory entries synthesised, mtime from the caller (the build's
 * SOURCE_DATE_EPOCH), uid/gid 0 (root), modes 0644/0755, no
 * atime/ctime, gzip without a timestamp, and zip times in UTC.  Member
 * names are checked: no absolute paths, no "." or ".." components, no
 * empty components, no backslashes or control characters.
 */
#ifndef ARC_H
#define ARC_H

#include <stddef.h>
#include <time.h>

#include "diag.h"

enum	arc_format {
	ARC_TGZ,
	ARC_ZIP
};

struct	arc_member {
	const char	*path;	/* relative, '/'-separated */
	const char	*data;
	size_t		 len;
	int		 exec;	/* 0755 instead of 0644 */
};

/* Returns 0 if name is a safe relative member path, else -1. */
int	 arc_name_ok(const char *name);
/* Writes the archive into memory (*out, *outlen; caller frees with
 * free(3)).  members need not be sorted; they are not modified. */
int	 arc_build(enum arc_format, const char *top,
	    const struct arc_member *, size_t, time_t mtime,
	    char **out, size_t *outlen, struct diag *);

#endif /* !ARC_H */

/*
 * arc: reproducible .tar.gz and .zip archives built in memory with
 * libarchive (see arc.h).  The same members, in any order, with the
 * same mtime give byte-identical output on the same zlib: entries are
 * sorted by strcmp(3) on their full path, every parent folder gets a
 * directory entry, and each entry carries only type, permissions,
 * size, mtime, uid/gid 0 and the owner names "root".  tar.gz is pax
 * (restricted, so plain ustar headers unless a name needs more) through
 * gzip -9 with no timestamp in the gzip header; zip uses deflate.
 *
 * Member names are portable: printable ASCII only.  (libarchive 3.6.2
 * cannot write a non-ASCII pax name in the C locale: it crashes in
 * strlen(NULL); and zip would set its UTF-8 flag by locale.)
 *
 * Zip stores DOS times in local time, so arc_build() for ARC_ZIP sets
 * TZ=UTC in the environment of the whole process (setenv(3), tzset(3)).
 * The builder never prints local times, so this is harmless, but a
 * caller that does must know it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "diag.h"
#include "arc.h"

#define	ARC_MAXNAME	255		/* bytes in a member path */
#define	ARC_MAXOUT	((size_t)64 << 20)	/* bytes of archive */

struct	arc_ent {
	char			*name;	/* full path; dirs end in '/' */
	const struct arc_member	*m;	/* NULL for a directory */
};

/*
 * Why name is unsafe, or NULL if it is a safe relative member path.
 */
static const char *
arc_name_why(const char *name)
{
	const unsigned char	*p;
	size_t			 clen;

	if (name == NULL || *name == '\0')
		return "empty name";
	if (strlen(name) > ARC_MAXNAME)
		return "name longer than 255 bytes";
	if (*name == '/')
		return "absolute path";
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "control character in name";
		if (*p == '\\')
			return "backslash in name";
		if (*p >= 0x80)
			return "non-ASCII byte in name";
	}
	for (p = (const unsigned char *)name; ; p += clen + 1) {
		clen = strcspn((const char *)p, "/");
		if (clen == 0)
			return "empty path component";
		if ((clen == 1 && p[0] == '.') ||
		    (clen == 2 && p[0] == '.' && p[1] == '.'))
			return "\".\" or \"..\" path component";
		if (p[clen] == '\0')
			break;
	}
	return NULL;
}

int
arc_name_ok(const char *name)
{
	return arc_name_why(name) == NULL ? 0 : -1;
}

/*
 * Copies s into dst for a diagnostic: control characters, backslashes
 * and bytes above 0x7e become \xNN, so a hostile name cannot forge lines;
 * long names are cut with "...".
 */
static void
arc_esc(char *dst, size_t dstsz, const char *s)
{
	size_t	 n = 0;

	if (s == NULL)
		s = "(null)";
	for (; *s != '\0'; s++) {
		if (n + 8 >= dstsz) {
			memcpy(dst + n, "...", 4);
			return;
		}
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e ||
		    *s == '\\')
			n += (size_t)snprintf(dst + n, dstsz - n, "\\x%02x",
			    (unsigned char)*s);
		else
			dst[n++] = *s;
	}
	dst[n] = '\0';
}

/* Returns malloc(3)ed "a/b" ("a/" when b is empty), or NULL. */
static char *
arc_join(const char *a, const char *b)
{
	size_t	 n = strlen(a) + strlen(b) + 2;
	char	*p;

	if ((p = malloc(n)) != NULL)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

static int
arc_entcmp(const void *a, const void *b)
{
	const struct arc_ent	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

static la_ssize_t
arc_writecb(struct archive *a, void *arg, const void *p, size_t n)
{
	struct buf	*b = arg;

	if (buf_put(b, p, n) == -1) {
		archive_set_error(a, EFBIG, "archive larger than %zu bytes",
		    b->max);
		return -1;
	}
	return (la_ssize_t)n;
}

static void
arc_ents_free(struct arc_ent *e, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

/*
 * Returns 1 if some file entry in the sorted e[0..n) has the name
 * "<dir without its slash>", i.e. a member is both file and folder.
 */
static int
arc_clash(const struct arc_ent *e, size_t n, const char *dir)
{
	struct arc_ent	 key;
	size_t		 len = strlen(dir);
	int		 found;

	if ((key.name = strndup(dir, len - 1)) == NULL)
		return 0;
	key.m = NULL;
	found = bsearch(&key, e, n, sizeof(*e), arc_entcmp) != NULL;
	free(key.name);
	return found;
}

/*
 * Collects the entries: one per member ("top/path") and one per
 * folder ("top/", "top/a/", ...), sorted and without duplicate
 * folders.  Checks names, duplicate members, and a file that is also
 * a folder.  Returns the array (caller frees with arc_ents_free) and
 * its length in *np, or NULL after recording an error.
 */
static struct arc_ent *
arc_collect(const char *top, const struct arc_member *mv, size_t mn,
    size_t *np, struct diag *d)
{
	struct arc_ent	*e;
	const char	*why, *p;
	char		 esc[320], *full, *s;
	size_t		 i, j, k, n = 0, cap, toplen = strlen(top);

	/* Count entries (members plus their folders) to size the array. */
	cap = 1;
	for (i = 0; i < mn; i++) {
		cap++;
		if (mv[i].path != NULL)
			for (p = mv[i].path; *p != '\0'; p++)
				cap += *p == '/';
	}
	if ((e = calloc(cap, sizeof(*e))) == NULL)
		goto oom;
	if ((e[n].name = arc_join(top, "")) == NULL)
		goto oom;
	n++;

	for (i = 0; i < mn; i++) {
		why = arc_name_why(mv[i].path);
		if (why == NULL && mv[i].data == NULL && mv[i].len > 0)
			why = "member has no data";
		full = NULL;
		if (why == NULL) {
			if ((full = arc_join(top, mv[i].path)) == NULL)
				goto oom;
			if (arc_name_why(full) != NULL)
				why = "name longer than 255 bytes with "
				    "the top folder";
		}
		if (why != NULL) {
			free(full);
			arc_esc(esc, sizeof(esc), mv[i].path);
			diag_error(d, NULL, 0, 0,
			    "archive member \"%s\": %s", esc, why);
			goto fail;
		}
		e[n].name = full;
		e[n++].m = &mv[i];
		/* Every parent folder below top. */
		for (s = strchr(full + toplen + 1, '/'); s != NULL;
		    s = strchr(s + 1, '/')) {
			e[n].name = strndup(full, (size_t)(s - full) + 1);
			if (e[n].name == NULL)
				goto oom;
			n++;
		}
	}

	qsort(e, n, sizeof(*e), arc_entcmp);

	/* Refuse duplicate files, then drop duplicate folders. */
	for (i = 1; i < n; i++)
		if (strcmp(e[i - 1].name, e[i].name) == 0 &&
		    e[i].m != NULL) {
			arc_esc(esc, sizeof(esc), e[i].m->path);
			diag_error(d, NULL, 0, 0, "archive member "
			    "\"%s\": duplicate member", esc);
			goto fail;
		}
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && strcmp(e[j - 1].name, e[i].name) == 0) {
			free(e[i].name);
			continue;
		}
		e[j++] = e[i];
	}
	n = j;

	/* A path must not be both a file and a folder ("a", "a/b"). */
	for (k = 0; k < n; k++)
		if (e[k].m == NULL && arc_clash(e, n, e[k].name)) {
			arc_esc(esc, sizeof(esc), e[k].name + toplen + 1);
			diag_error(d, NULL, 0, 0, "archive member \"%.*s\": "
			    "both a file and a folder",
			    (int)strlen(esc) - 1, esc);
			goto fail;
		}
	*np = n;
	return e;
oom:
	diag_error(d, NULL, 0, 0, "archive: out of memory");
fail:
	if (e != NULL)
		arc_ents_free(e, n);
	return NULL;
}

/*
 * Builds the archive of members (in any order) under the folder top
 * with every entry's mtime set to mtime.  On success returns 0 and
 * stores a malloc(3)ed copy in *out (the caller frees it) and its size
 * in *outlen.  On error records a diagnostic naming the member or the
 * libarchive failure, stores NULL and 0, and returns -1.  For ARC_ZIP,
 * sets TZ=UTC for the process (see the top of this file).
 */
int
arc_build(enum arc_format fmt, const char *top,
    const struct arc_member *mv, size_t mn, time_t mtime,
    char **out, size_t *outlen, struct diag *d)
{
	struct archive		*a = NULL;
	struct archive_entry	*ae = NULL;
	struct arc_ent		*e = NULL;
	struct buf		 b;
	char			 esc[320];
	const char		*what = "archive";
	size_t			 i, n = 0;
	int			 rc = -1, dir;

	*out = NULL;
	*outlen = 0;
	buf_init(&b, ARC_MAXOUT);

	if (arc_name_why(top) != NULL || strchr(top, '/') != NULL) {
		arc_esc(esc, sizeof(esc), top);
		return diag_error(d, NULL, 0, 0, "archive top folder \"%s\": "
		    "not a safe single name", esc);
	}
	if ((e = arc_collect(top, mv, mn, &n, d)) == NULL)
		return -1;

	if ((a = archive_write_new()) == NULL ||
	    (ae = archive_entry_new()) == NULL) {
		diag_error(d, NULL, 0, 0, "archive: out of memory");
		goto done;
	}
	if (fmt == ARC_ZIP) {
		/* DOS times are local: pin the zone (see top of file). */
		if (setenv("TZ", "UTC", 1) == -1) {
			diag_error(d, NULL, 0, 0, "archive: setenv TZ: %s",
			    strerror(errno));
			goto done;
		}
		tzset();
		if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
		    archive_write_set_options(a,
		    "zip:compression=deflate") != ARCHIVE_OK)
			goto aerr;
	} else {
		if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
		    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
		    archive_write_set_options(a, "gzip:!timestamp,"
		    "gzip:compression-level=9") != ARCHIVE_OK)
			goto aerr;
	}
	/* No padding to 10240-byte records after the last byte. */
	if (archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK)
		goto aerr;
	if (archive_write_open(a, &b, NULL, arc_writecb, NULL) != ARCHIVE_OK)
		goto aerr;

	for (i = 0; i < n; i++) {
		dir = e[i].m == NULL;
		what = e[i].name;
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, dir ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(ae, dir || e[i].m->exec ? 0755 : 0644);
		archive_entry_set_size(ae, dir ? 0 : (la_int64_t)e[i].m->len);
		archive_entry_set_mtime(ae, mtime, 0);
		archive_entry_set_uid(ae, 0);
		archive_entry_set_gid(ae, 0);
		archive_entry_set_uname(ae, "root");
		archive_entry_set_gname(ae, "root");
		if (archive_write_header(a, ae) != ARCHIVE_OK)
			goto aerr;
		if (!dir && e[i].m->len > 0 &&
		    archive_write_data(a, e[i].m->data, e[i].m->len) !=
		    (la_ssize_t)e[i].m->len)
			goto aerr;
		if (archive_write_finish_entry(a) != ARCHIVE_OK)
			goto aerr;
	}
	what = "archive";
	if (archive_write_close(a) != ARCHIVE_OK)
		goto aerr;
	*out = buf_detach(&b, outlen);
	if (*out == NULL) {
		diag_error(d, NULL, 0, 0, "archive: empty output");
		goto done;
	}
	rc = 0;
	goto done;
aerr:
	arc_esc(esc, sizeof(esc), what);
	diag_error(d, NULL, 0, 0, "%s: %s", esc,
	    archive_error_string(a) ? archive_error_string(a) :
	    "libarchive error");
done:
	if (ae != NULL)
		archive_entry_free(ae);
	if (a != NULL)
		archive_write_free(a);
	arc_ents_free(e, n);
	buf_free(&b);
	return rc;
}

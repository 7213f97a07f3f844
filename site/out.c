/*
 * out: the output tree (see out.h).  A build writes every file below
 * "OUT.tmp-PID", a folder beside OUT, through a descriptor of that
 * folder and O_NOFOLLOW at every step, so no symlink planted in the
 * tree can redirect a write.  out_commit() exchanges the two folders
 * with renameat2(RENAME_EXCHANGE) when OUT exists (a reader sees the
 * old tree or the new one, never a mix), falling back to two renames
 * where the file system does not support exchange, and then removes
 * the old tree.  Files are 0644 and folders 0755 whatever the umask.
 *
 * Ownership: out_open() returns a handle that out_commit() and
 * out_abort() both consume (free), whatever their result; after a
 * failed out_write() the caller still calls one of them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* renameat2 */
#endif

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "arc.h"
#include "out.h"

#ifndef RENAME_EXCHANGE
#define	RENAME_EXCHANGE	(1 << 1)
#endif

#define	OUT_MAXDEPTH	256	/* folder levels out_rmtree descends */

struct	out {
	char	*dir;	/* final folder, no trailing slash */
	char	*tmp;	/* dir.tmp-PID */
	int	 fd;	/* open on tmp */
};

/*
 * Copies s into dst for a diagnostic, with bytes outside printable
 * ASCII (and backslash) as \xNN so a name cannot forge lines.
 */
static void
out_esc(char *dst, size_t dstsz, const char *s)
{
	size_t	 n = 0;

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

/* Returns malloc(3)ed a followed by b, or NULL. */
static char *
out_cat(const char *a, const char *b)
{
	size_t	 n = strlen(a) + strlen(b) + 1;
	char	*p;

	if ((p = malloc(n)) != NULL)
		snprintf(p, n, "%s%s", a, b);
	return p;
}

/* Returns malloc(3)ed "a.tmp-PID" (or another suffix), or NULL. */
static char *
out_pidname(const char *a, const char *what)
{
	char	 suf[64];

	snprintf(suf, sizeof(suf), ".%s-%ld", what, (long)getpid());
	return out_cat(a, suf);
}

/* Writes all of p to fd.  Returns 0 or -1 with errno set. */
static int
out_writeall(int fd, const void *p, size_t n)
{
	const char	*s = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * mkdir -p: creates path and its missing parents (mode 0755 less the
 * umask; these are the user's folders, not the output tree).
 */
static int
out_mkdirs(const char *path, struct diag *d)
{
	struct stat	 st;
	char		*p, *s;
	int		 last;

	if (*path == '\0')
		return 0;
	if ((p = strdup(path)) == NULL)
		return diag_error(d, path, 0, 0, "out of memory");
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		last = *s == '\0';
		*s = '\0';
		if (mkdir(p, 0755) == -1 && (errno != EEXIST ||
		    stat(p, &st) == -1 || !S_ISDIR(st.st_mode))) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			diag_error(d, p, 0, 0, "cannot create folder: %s",
			    strerror(errno));
			free(p);
			return -1;
		}
		if (last)
			break;
		*s = '/';
		while (s[1] == '/')
			s++;
	}
	free(p);
	return 0;
}

/* Creates the parent folders of path, if it has any. */
static int
out_mkparent(const char *path, struct diag *d)
{
	char	*p, *s;
	int	 rc = 0;

	if ((p = strdup(path)) == NULL)
		return diag_error(d, path, 0, 0, "out of memory");
	if ((s = strrchr(p, '/')) != NULL) {
		while (s > p && s[-1] == '/')
			s--;
		*s = '\0';
		if (*p != '\0')
			rc = out_mkdirs(p, d);
	}
	free(p);
	return rc;
}

/*
 * Removes everything inside the folder open on fd, which it consumes.
 * Never follows a symlink: entries are examined with lstat semantics
 * and folders entered with O_NOFOLLOW|O_DIRECTORY.  Passes are
 * repeated while they remove something, since removing entries during
 * readdir(3) may hide others.
 */
static int
out_rmfd(int fd, int depth)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*dp;
	int		 cfd, rc, removed;

	if (depth > OUT_MAXDEPTH) {
		close(fd);
		errno = ELOOP;
		return -1;
	}
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	do {
		rc = 0;
		removed = 0;
		rewinddir(dp);
		while ((de = readdir(dp)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (fstatat(dirfd(dp), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1) {
				if (errno != ENOENT)
					rc = -1;
				continue;
			}
			if (S_ISDIR(st.st_mode)) {
				cfd = openat(dirfd(dp), de->d_name, O_RDONLY |
				    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (cfd == -1 ||
				    out_rmfd(cfd, depth + 1) == -1 ||
				    unlinkat(dirfd(dp), de->d_name,
				    AT_REMOVEDIR) == -1) {
					rc = -1;
					continue;
				}
			} else if (unlinkat(dirfd(dp), de->d_name, 0) == -1) {
				rc = -1;
				continue;
			}
			removed = 1;
		}
	} while (removed && rc == 0);
	closedir(dp);
	return rc;
}

/*
 * Removes path and, if it is a folder, everything below it, without
 * following symlinks (a symlink is removed itself).  A missing path
 * is not an error.  Returns 0, or -1 with errno set.
 */
int
out_rmtree(const char *path)
{
	int	 fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -1;
		if (unlink(path) == -1 && errno != ENOENT)
			return -1;
		return 0;
	}
	if (out_rmfd(fd, 0) == -1)
		return -1;
	if (rmdir(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

static void
out_free(struct out *o)
{
	if (o->fd != -1)
		close(o->fd);
	free(o->dir);
	free(o->tmp);
	free(o);
}

/*
 * Starts an output tree for dir: creates dir's parents and an empty
 * "dir.tmp-PID" beside it (replacing a stale one of that name).
 * Returns a handle to pass to out_commit() or out_abort(), which free
 * it, or NULL after recording an error.
 */
struct out *
out_open(const char *dir, struct diag *d)
{
	struct out	*o;
	const char	*base;
	size_t		 len;

	if (dir == NULL || *dir == '\0') {
		diag_error(d, NULL, 0, 0, "output folder: empty name");
		return NULL;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (o->dir = strdup(dir)) == NULL) {
		free(o);
		diag_error(d, dir, 0, 0, "out of memory");
		return NULL;
	}
	o->fd = -1;
	len = strlen(o->dir);
	while (len > 1 && o->dir[len - 1] == '/')
		o->dir[--len] = '\0';
	base = strrchr(o->dir, '/') ? strrchr(o->dir, '/') + 1 : o->dir;
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		diag_error(d, dir, 0, 0, "output folder must end in a name");
		goto fail;
	}
	if ((o->tmp = out_pidname(o->dir, "tmp")) == NULL) {
		diag_error(d, dir, 0, 0, "out of memory");
		goto fail;
	}
	if (out_mkparent(o->dir, d) == -1)
		goto fail;
	if (out_rmtree(o->tmp) == -1) {
		diag_error(d, o->tmp, 0, 0, "cannot remove stale folder: %s",
		    strerror(errno));
		goto fail;
	}
	if (mkdir(o->tmp, 0755) == -1 ||
	    (o->fd = open(o->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fchmod(o->fd, 0755) == -1) {
		diag_error(d, o->tmp, 0, 0, "cannot create folder: %s",
		    strerror(errno));
		goto fail;
	}
	return o;
fail:
	out_free(o);
	return NULL;
}

/* The temporary folder being filled; owned by the handle. */
const char *
out_tmpdir(const struct out *o)
{
	return o->tmp;
}

/*
 * Opens (creating if needed, mode 0755) the folder named by the first
 * n bytes of comp inside the folder open on at.  Returns a descriptor
 * or -1 with errno set.
 */
static int
out_subdir(int at, const char *comp, size_t n)
{
	char	 name[256];
	int	 fd, made = 0;

	if (n >= sizeof(name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, comp, n);
	name[n] = '\0';
	for (;;) {
		fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd != -1 || errno != ENOENT || made)
			break;
		if (mkdirat(at, name, 0755) == -1 && errno != EEXIST)
			return -1;
		made = 1;
	}
	if (fd != -1 && made && fchmod(fd, 0755) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Writes the file rel (a relative '/'-separated path, checked like an
 * archive member name) with len bytes of data into the temporary
 * tree, creating folders.  Writing the same rel twice is an error.
 * Returns 0, or -1 after recording an error.
 */
int
out_write(struct out *o, const char *rel, const void *data, size_t len,
    struct diag *d)
{
	const char	*p, *s;
	char		 esc[320];
	int		 at, nfd, fd;

	if (rel == NULL || arc_name_ok(rel) == -1) {
		out_esc(esc, sizeof(esc), rel ? rel : "(null)");
		return diag_error(d, NULL, 0, 0,
		    "output path \"%s\": unsafe name", esc);
	}
	at = o->fd;
	for (p = rel; (s = strchr(p, '/')) != NULL; p = s + 1) {
		nfd = out_subdir(at, p, (size_t)(s - p));
		if (at != o->fd)
			close(at);
		if (nfd == -1)
			return diag_error(d, o->tmp, 0, 0,
			    "cannot create folder \"%.*s\": %s",
			    (int)(s - rel), rel, strerror(errno));
		at = nfd;
	}
	fd = openat(at, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (at != o->fd)
		close(at);
	if (fd == -1)
		return diag_error(d, o->tmp, 0, 0, "cannot create \"%s\": %s",
		    rel, errno == EEXIST ? "already written" :
		    strerror(errno));
	if (fchmod(fd, 0644) == -1 || out_writeall(fd, data, len) == -1) {
		diag_error(d, o->tmp, 0, 0, "cannot write \"%s\": %s", rel,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return diag_error(d, o->tmp, 0, 0, "cannot write \"%s\": %s",
		    rel, strerror(errno));
	return 0;
}

/*
 * Puts the temporary tree in place of dir.  Without exchange support
 * dir is renamed to "dir.old-PID" first and put back if the second
 * rename fails.
 */
static int
out_swap(struct out *o, struct diag *d)
{
	char	*old;
	int	 rc = -1;

	if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->dir,
	    RENAME_EXCHANGE) == 0) {
		if (out_rmtree(o->tmp) == -1)
			diag_warn(d, o->tmp, 0, 0, "cannot remove the old "
			    "tree: %s", strerror(errno));
		return 0;
	}
	if (errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
		return diag_error(d, o->dir, 0, 0, "cannot replace: %s",
		    strerror(errno));

	if ((old = out_pidname(o->dir, "old")) == NULL)
		return diag_error(d, o->dir, 0, 0, "out of memory");
	if (out_rmtree(old) == -1 || rename(o->dir, old) == -1)
		diag_error(d, o->dir, 0, 0, "cannot move aside: %s",
		    strerror(errno));
	else if (rename(o->tmp, o->dir) == -1) {
		diag_error(d, o->dir, 0, 0, "cannot replace: %s",
		    strerror(errno));
		if (rename(old, o->dir) == -1)
			diag_error(d, old, 0, 0, "cannot move back: %s",
			    strerror(errno));
	} else {
		rc = 0;
		if (out_rmtree(old) == -1)
			diag_warn(d, old, 0, 0, "cannot remove the old "
			    "tree: %s", strerror(errno));
	}
	free(old);
	return rc;
}

/*
 * Swaps the temporary tree in as dir and removes the old tree (a
 * failure to remove it is only a warning).  dir, if it exists, must be
 * a folder.  Frees o.  Returns 0, or -1 after recording an error, in
 * which case dir is unchanged and the temporary tree removed.
 */
int
out_commit(struct out *o, struct diag *d)
{
	struct stat	 st;
	int		 rc;

	close(o->fd);
	o->fd = -1;
	if (lstat(o->dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			rc = diag_error(d, o->dir, 0, 0,
			    "exists and is not a folder");
		else
			rc = out_swap(o, d);
	} else if (errno != ENOENT)
		rc = diag_error(d, o->dir, 0, 0, "%s", strerror(errno));
	else if ((rc = rename(o->tmp, o->dir)) == -1)
		diag_error(d, o->dir, 0, 0, "cannot create: %s",
		    strerror(errno));
	if (rc == -1)
		(void)out_rmtree(o->tmp);
	out_free(o);
	return rc;
}

/* Removes the temporary tree and frees o; dir is untouched.  NULL is
 * allowed. */
void
out_abort(struct out *o)
{
	if (o == NULL)
		return;
	if (o->fd != -1) {
		close(o->fd);
		o->fd = -1;
	}
	(void)out_rmtree(o->tmp);
	out_free(o);
}

/*
 * Writes path atomically: the data goes to "path.tmp-PID" (mode 0644),
 * which is then renamed over path.  Creates missing parent folders.
 * Returns 0, or -1 after recording an error (path is then unchanged).
 */
int
out_write_file(const char *path, const void *data, size_t len,
    struct diag *d)
{
	char	*tmp;
	int	 fd;

	if (path == NULL || *path == '\0')
		return diag_error(d, NULL, 0, 0, "output file: empty name");
	if (out_mkparent(path, d) == -1)
		return -1;
	if ((tmp = out_pidname(path, "tmp")) == NULL)
		return diag_error(d, path, 0, 0, "out of memory");
	if (unlink(tmp) == -1 && errno != ENOENT) {
		diag_error(d, tmp, 0, 0, "cannot remove: %s",
		    strerror(errno));
		free(tmp);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd == -1) {
		diag_error(d, tmp, 0, 0, "cannot create: %s",
		    strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) == -1 || out_writeall(fd, data, len) == -1) {
		diag_error(d, tmp, 0, 0, "cannot write: %s",
		    strerror(errno));
		close(fd);
		goto fail;
	}
	if (close(fd) == -1) {
		diag_error(d, tmp, 0, 0, "cannot write: %s",
		    strerror(errno));
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		diag_error(d, path, 0, 0, "cannot replace: %s",
		    strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	(void)unlink(tmp);
	free(tmp);
	return -1;
}

/*
 * test_out: the output tree.  In a mkdtemp(3) folder: out_open()
 * creates its parents and replaces a stale temporary folder; files are
 * 0644 and folders 0755 under umask 077; commit replaces the old tree
 * and leaves nothing beside it; abort leaves the old tree untouched;
 * unsafe names and symlinks planted in the tree are refused;
 * out_rmtree() removes symlinks without following them;
 * out_write_file() replaces a file and leaves no temporary behind.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "diag.h"
#include "out.h"

static char	base[64];

static char *
pth(const char *rel)
{
	static char	 b[4][512];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(b[i], sizeof(b[i]), "%s/%s", base, rel);
	return b[i];
}

/* Returns the file's content (static buffer) or NULL. */
static const char *
slurp(const char *path)
{
	static char	 b[256];
	FILE		*fp;
	size_t		 n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(b, 1, sizeof(b) - 1, fp);
	b[n] = '\0';
	fclose(fp);
	return b;
}

static int
exists(const char *path)
{
	struct stat	 st;

	return lstat(path, &st) == 0;
}

static int
mode_of(const char *path)
{
	struct stat	 st;

	return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void
spit(const char *path, const char *s)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) != NULL) {
		fputs(s, fp);
		fclose(fp);
	}
}

/* Number of entries in a folder, "." and ".." not counted. */
static int
count(const char *path)
{
	DIR		*dp;
	struct dirent	*de;
	int		 n = 0;

	if ((dp = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

static int
wr(struct out *o, const char *rel, const char *s, struct diag *d)
{
	return out_write(o, rel, s, strlen(s), d);
}

/* "OUT.tmp-PID" for OUT = base/sub/deep/site. */
static const char *
tmpname(void)
{
	static char	 b[600];

	snprintf(b, sizeof(b), "%s.tmp-%ld", pth("sub/deep/site"),
	    (long)getpid());
	return b;
}

static void
test_first_build(void)
{
	struct diag	 d;
	struct out	*o;

	diag_init(&d);
	o = out_open(pth("sub/deep/site/"), &d);
	ok(o != NULL, "out_open creates missing parents");
	if (o == NULL) {
		printf("# %s", buf_cstr(&d.text));
		return;
	}
	is_str(out_tmpdir(o), tmpname(), "temporary folder is OUT.tmp-PID");
	ok(wr(o, "index.html", "<p>one</p>", &d) == 0, "write index.html");
	ok(wr(o, "a/b/c.txt", "c", &d) == 0, "write a/b/c.txt");
	ok(wr(o, "a/b/d.txt", "d", &d) == 0, "write a/b/d.txt");
	ok(wr(o, "a/b/c.txt", "again", &d) == -1 &&
	    strstr(buf_cstr(&d.text), "already written") != NULL,
	    "writing the same file twice is refused");
	ok(!exists(pth("sub/deep/site")), "OUT not there before commit");
	ok(out_commit(o, &d) == 0, "commit into a new OUT");
	is_str(slurp(pth("sub/deep/site/index.html")), "<p>one</p>",
	    "committed content");
	is_int(mode_of(pth("sub/deep/site/a/b/c.txt")), 0644,
	    "file mode 0644 under umask 077");
	is_int(mode_of(pth("sub/deep/site/a/b")), 0755,
	    "folder mode 0755 under umask 077");
	is_int(mode_of(pth("sub/deep/site")), 0755, "OUT mode 0755");
	is_int(count(pth("sub/deep")), 1, "nothing left beside OUT");
	diag_free(&d);
}

static void
test_stale_and_abort(void)
{
	struct diag	 d;
	struct out	*o;
	char		 f[700];

	diag_init(&d);
	mkdir(tmpname(), 0700);
	snprintf(f, sizeof(f), "%s/old.txt", tmpname());
	spit(f, "stale");
	o = out_open(pth("sub/deep/site"), &d);
	ok(o != NULL && !exists(f) && count(tmpname()) == 0,
	    "a stale temporary folder is replaced by an empty one");
	if (o == NULL)
		return;
	ok(wr(o, "index.html", "<p>aborted</p>", &d) == 0, "write, then");
	out_abort(o);
	ok(!exists(tmpname()), "abort removes the temporary folder");
	is_str(slurp(pth("sub/deep/site/index.html")), "<p>one</p>",
	    "abort leaves OUT untouched");
	out_abort(NULL);
	diag_free(&d);
}

static void
test_replace(void)
{
	struct diag	 d;
	struct out	*o;
	int		 fd;

	diag_init(&d);
	/* Hold the old tree open, as a reader would. */
	fd = open(pth("sub/deep/site/index.html"), O_RDONLY);
	o = out_open(pth("sub/deep/site"), &d);
	ok(o != NULL && wr(o, "new.html", "<p>two</p>", &d) == 0,
	    "second build written");
	if (o == NULL)
		return;
	ok(out_commit(o, &d) == 0, "commit over an existing OUT");
	is_str(slurp(pth("sub/deep/site/new.html")), "<p>two</p>",
	    "new content in place");
	ok(!exists(pth("sub/deep/site/index.html")) &&
	    !exists(pth("sub/deep/site/a")), "old content gone");
	is_int(count(pth("sub/deep")), 1, "old tree removed after swap");
	is_int(d.nwarn + d.nerr, 0, "no diagnostics");
	if (fd != -1)
		close(fd);
	diag_free(&d);
}

static void
test_unsafe(void)
{
	static const char *const bad[] = {
		"../evil", "/abs", "a/../../evil", "./x", "a//b", "", "a/",
		"a\\b", "x\ny",
	};
	struct diag	 d;
	struct out	*o;
	char		 lnk[700];
	size_t		 i;
	int		 all = 1;

	diag_init(&d);
	if ((o = out_open(pth("sub/deep/site"), &d)) == NULL) {
		ok(0, "out_open");
		return;
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (wr(o, bad[i], "x", &d) != -1)
			all = 0;
	ok(all, "unsafe names refused");
	ok(strstr(buf_cstr(&d.text), "output path \"../evil\": unsafe name")
	    != NULL, "diagnostic names the path");
	ok(strstr(buf_cstr(&d.text), "\"x\\x0ay\"") != NULL,
	    "control characters escaped in the diagnostic");
	ok(!exists(pth("sub/deep/evil")) && !exists(pth("sub/evil")),
	    "nothing written outside the tree");
	ok(wr(o, NULL, "x", &d) == -1, "NULL name refused");

	/* Symlinks planted inside the temporary tree are not followed. */
	snprintf(lnk, sizeof(lnk), "%s/evil", out_tmpdir(o));
	ok(symlink(pth("outdir"), lnk) == 0, "plant a folder symlink");
	ok(wr(o, "evil/x.txt", "x", &d) == -1 &&
	    !exists(pth("outdir/x.txt")), "write through a symlinked "
	    "folder refused");
	snprintf(lnk, sizeof(lnk), "%s/link.txt", out_tmpdir(o));
	ok(symlink(pth("outside.txt"), lnk) == 0, "plant a file symlink");
	ok(wr(o, "link.txt", "clobbered", &d) == -1, "write onto a "
	    "symlink refused");
	is_str(slurp(pth("outside.txt")), "keep me", "its target intact");
	out_abort(o);
	ok(!exists(tmpname()), "abort removes the tree with its symlinks");
	is_str(slurp(pth("outdir/keep")), "keep", "symlinked folder intact");
	diag_free(&d);
}

static void
test_rmtree(void)
{
	ok(mkdir(pth("victim"), 0755) == 0 &&
	    mkdir(pth("victim/d"), 0755) == 0 &&
	    mkdir(pth("victim/d/e"), 0700) == 0, "make a tree");
	spit(pth("victim/f"), "f");
	spit(pth("victim/d/g"), "g");
	spit(pth("victim/d/e/h"), "h");
	ok(symlink(pth("outside.txt"), pth("victim/link")) == 0 &&
	    symlink(pth("outdir"), pth("victim/d/dlink")) == 0 &&
	    symlink("..", pth("victim/d/e/up")) == 0,
	    "with symlinks to a file, a folder and ..");
	ok(out_rmtree(pth("victim")) == 0 && !exists(pth("victim")),
	    "out_rmtree removes the tree");
	is_str(slurp(pth("outside.txt")), "keep me",
	    "file behind a symlink survives");
	is_str(slurp(pth("outdir/keep")), "keep",
	    "folder behind a symlink survives");

	ok(symlink(pth("outdir"), pth("dirlink")) == 0 &&
	    out_rmtree(pth("dirlink")) == 0 && !exists(pth("dirlink")) &&
	    exists(pth("outdir/keep")),
	    "out_rmtree on a symlink removes only the link");
	ok(out_rmtree(pth("missing")) == 0, "missing path is not an error");
	spit(pth("plainfile"), "p");
	ok(out_rmtree(pth("plainfile")) == 0 && !exists(pth("plainfile")),
	    "out_rmtree on a file removes it");
}

static void
test_not_dir(void)
{
	struct diag	 d;
	struct out	*o;
	char		 tmp[700];

	diag_init(&d);
	spit(pth("plain"), "plain");
	o = out_open(pth("plain"), &d);
	ok(o != NULL && out_commit(o, &d) == -1 &&
	    strstr(buf_cstr(&d.text), "not a folder") != NULL,
	    "commit onto a file refused");
	is_str(slurp(pth("plain")), "plain", "the file is untouched");
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", pth("plain"), (long)getpid());
	ok(!exists(tmp), "no temporary folder left");
	ok(out_open(pth("."), &d) == NULL && out_open("", &d) == NULL &&
	    out_open("/", &d) == NULL, "OUT must end in a name");
	diag_free(&d);
}

static void
test_write_file(void)
{
	struct diag	 d;

	diag_init(&d);
	ok(out_write_file(pth("wf/a/b.txt"), "one", 3, &d) == 0,
	    "out_write_file creates parents");
	ok(out_write_file(pth("wf/a/b.txt"), "two", 3, &d) == 0,
	    "out_write_file replaces");
	is_str(slurp(pth("wf/a/b.txt")), "two", "content replaced");
	is_int(mode_of(pth("wf/a/b.txt")), 0644, "mode 0644");
	is_int(count(pth("wf/a")), 1, "no temporary left");
	ok(symlink(pth("outside.txt"), pth("wf/ln")) == 0 &&
	    out_write_file(pth("wf/ln"), "x", 1, &d) == 0 &&
	    mode_of(pth("wf/ln")) == 0644, "replaces a symlink, not its "
	    "target");
	is_str(slurp(pth("outside.txt")), "keep me", "target intact");
	ok(out_write_file(pth("wf"), "x", 1, &d) == -1 &&
	    count(pth("wf")) == 2, "cannot replace a folder; no temporary");
	diag_free(&d);
}

int
main(void)
{
	plan(56);
	umask(077);
	snprintf(base, sizeof(base), "/tmp/test_out.XXXXXX");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	spit(pth("outside.txt"), "keep me");
	mkdir(pth("outdir"), 0755);
	spit(pth("outdir/keep"), "keep");

	test_first_build();
	test_stale_and_abort();
	test_replace();
	test_unsafe();
	test_rmtree();
	test_not_dir();
	test_write_file();

	ok(out_rmtree(base) == 0 && !exists(base), "clean up");
	return done_testing();
}

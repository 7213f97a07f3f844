/*
 * test_arc: reproducible archives.  Builds tar.gz and zip archives in
 * memory, checks they are byte-identical across calls, member orders
 * and time zones, reads them back with libarchive to check names,
 * folders, modes, owners and mtimes, and checks that unsafe names are
 * refused with a diagnostic naming the member.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "tap.h"
#include "diag.h"
#include "arc.h"

#define	MTIME	((time_t)1700000000)

static const struct arc_member	members[] = {
	{ "z", "zed\n", 4, 0 },
	{ "docs/x/y.md", "# y\n", 4, 0 },
	{ "bin/run.sh", "#!/bin/sh\necho hi\n", 18, 1 },
	{ "a.txt", "hello\n", 6, 0 },
	{ "docs/empty", NULL, 0, 0 },
	{ "a.b/c", "c", 1, 0 },
};
#define	NMEMB	(sizeof(members) / sizeof(members[0]))

static const char *const	want_names[] = {
	"top/", "top/a.b/", "top/a.b/c", "top/a.txt", "top/bin/",
	"top/bin/run.sh", "top/docs/", "top/docs/empty", "top/docs/x/",
	"top/docs/x/y.md", "top/z",
};
#define	NWANT	(sizeof(want_names) / sizeof(want_names[0]))

static int
build(enum arc_format f, const struct arc_member *mv, size_t n,
    char **out, size_t *len)
{
	struct diag	 d;
	int		 rc;

	diag_init(&d);
	rc = arc_build(f, "top", mv, n, MTIME, out, len, &d);
	if (rc == -1)
		printf("# %s", buf_cstr(&d.text));
	diag_free(&d);
	return rc;
}

/* Builds with one member list and expects failure; returns the text. */
static char *
build_fail(const char *top, const struct arc_member *mv, size_t n)
{
	struct diag	 d;
	char		*out = NULL, *txt;
	size_t		 len = 0;
	int		 rc;

	diag_init(&d);
	rc = arc_build(ARC_TGZ, top, mv, n, MTIME, &out, &len, &d);
	txt = strdup(rc == -1 ? buf_cstr(&d.text) : "(succeeded)");
	free(out);
	diag_free(&d);
	return txt;
}

static void
check_listing(const char *fmtname, const char *data, size_t len)
{
	struct archive		*a;
	struct archive_entry	*ae;
	char			 rd[64];
	size_t			 i = 0;
	int			 names_ok = 1, modes_ok = 1, own_ok = 1;
	int			 time_ok = 1, body_ok = 0;
	la_ssize_t		 r;

	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (!ok(archive_read_open_memory(a, data, len) == ARCHIVE_OK,
	    "%s: readable by archive_read", fmtname)) {
		archive_read_free(a);
		return;
	}
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		const char	*name = archive_entry_pathname(ae);
		mode_t		 m = archive_entry_mode(ae);
		int		 dir = name[strlen(name) - 1] == '/';

		if (i >= NWANT || strcmp(name, want_names[i]) != 0) {
			printf("# entry %zu: %s\n", i, name);
			names_ok = 0;
		}
		if (dir && m != (AE_IFDIR | 0755))
			modes_ok = 0;
		if (!dir && strcmp(name, "top/bin/run.sh") == 0 &&
		    m != (AE_IFREG | 0755))
			modes_ok = 0;
		if (!dir && strcmp(name, "top/bin/run.sh") != 0 &&
		    m != (AE_IFREG | 0644))
			modes_ok = 0;
		if (!modes_ok)
			printf("# %s mode %o\n", name, (unsigned)m);
		if (archive_entry_uid(ae) != 0 || archive_entry_gid(ae) != 0)
			own_ok = 0;
		if (archive_entry_uname(ae) != NULL &&
		    strcmp(archive_entry_uname(ae), "root") != 0)
			own_ok = 0;
		if (archive_entry_mtime(ae) != MTIME) {
			printf("# %s mtime %lld\n", name,
			    (long long)archive_entry_mtime(ae));
			time_ok = 0;
		}
		if (strcmp(name, "top/bin/run.sh") == 0) {
			r = archive_read_data(a, rd, sizeof(rd));
			body_ok = r == 18 && memcmp(rd, members[2].data,
			    18) == 0;
		}
		i++;
	}
	is_int((long long)i, (long long)NWANT, "%s: entry count", fmtname);
	ok(names_ok, "%s: names sorted, folders synthesised", fmtname);
	ok(modes_ok, "%s: modes 0755 dirs/exec, 0644 files", fmtname);
	ok(own_ok, "%s: uid/gid 0, owner root", fmtname);
	ok(time_ok, "%s: mtime from the argument", fmtname);
	ok(body_ok, "%s: member content round-trips", fmtname);
	archive_read_free(a);
}

static void
check_format(enum arc_format f, const char *fmtname)
{
	struct arc_member	 rev[NMEMB];
	char			*o1 = NULL, *o2 = NULL, *o3 = NULL;
	size_t			 l1 = 0, l2 = 0, l3 = 0, i;

	for (i = 0; i < NMEMB; i++)
		rev[i] = members[NMEMB - 1 - i];
	ok(build(f, members, NMEMB, &o1, &l1) == 0, "%s: builds", fmtname);
	ok(build(f, members, NMEMB, &o2, &l2) == 0, "%s: builds again",
	    fmtname);
	ok(o1 != NULL && o2 != NULL && l1 == l2 &&
	    memcmp(o1, o2, l1) == 0, "%s: identical across calls", fmtname);
	ok(build(f, rev, NMEMB, &o3, &l3) == 0 && l1 == l3 &&
	    memcmp(o1, o3, l1) == 0, "%s: identical in another order",
	    fmtname);
	free(o2);
	free(o3);
	o2 = NULL;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	ok(build(f, members, NMEMB, &o2, &l2) == 0 && l1 == l2 &&
	    memcmp(o1, o2, l1) == 0, "%s: identical under TZ=Asia/Tokyo",
	    fmtname);
	free(o2);

	if (f == ARC_TGZ) {
		const unsigned char	*h = (const unsigned char *)o1;

		ok(l1 > 10 && h[0] == 0x1f && h[1] == 0x8b && h[2] == 8,
		    "tgz: gzip magic");
		ok(l1 > 10 && h[4] == 0 && h[5] == 0 && h[6] == 0 &&
		    h[7] == 0, "tgz: gzip header MTIME is 0");
	} else
		ok(l1 > 4 && memcmp(o1, "PK\003\004", 4) == 0,
		    "zip: local header magic");
	check_listing(fmtname, o1, l1);

	if (getenv("ARC_DUMP") != NULL) {
		char	 path[256];
		FILE	*fp;

		snprintf(path, sizeof(path), "%s.%s", getenv("ARC_DUMP"),
		    f == ARC_TGZ ? "tar.gz" : "zip");
		if ((fp = fopen(path, "wb")) != NULL) {
			fwrite(o1, 1, l1, fp);
			fclose(fp);
		}
	}
	free(o1);
}

static void
check_names(void)
{
	static const char *const good[] = {
		"a", "a/b.txt", "x..y", ".hidden", "a/.b/c..",
		"a b/c-d_e",
	};
	static const char *const bad[] = {
		"", "/a", "/", "a//b", "a/", "./a", "a/./b", "a/..", "..",
		"a/../b", ".", "a\\b", "a\nb", "a\tb", "a\x7f", "\x1b[31m",
		"caf\xc3\xa9",
	};
	char	 longname[300];
	size_t	 i;
	int	 all = 1;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (arc_name_ok(good[i]) != 0) {
			printf("# refused good name '%s'\n", good[i]);
			all = 0;
		}
	ok(all, "arc_name_ok accepts safe names");
	all = 1;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (arc_name_ok(bad[i]) != -1) {
			printf("# accepted bad name %zu\n", i);
			all = 0;
		}
	ok(all, "arc_name_ok refuses unsafe names");
	ok(arc_name_ok(NULL) == -1, "arc_name_ok refuses NULL");
	memset(longname, 'a', 255);
	longname[255] = '\0';
	ok(arc_name_ok(longname) == 0, "255-byte name accepted");
	longname[255] = 'a';
	longname[256] = '\0';
	ok(arc_name_ok(longname) == -1, "256-byte name refused");
}

static void
check_refusals(void)
{
	struct arc_member	 m[2];
	char			*t;

	m[0] = members[0];
	m[1] = members[3];
	m[1].path = "docs/../../etc/passwd";
	t = build_fail("top", m, 2);
	ok(strstr(t, "\"docs/../../etc/passwd\"") != NULL &&
	    strstr(t, "component") != NULL,
	    "traversal refused, member named");
	printf("# %s", t);
	free(t);

	m[1].path = "/etc/passwd";
	t = build_fail("top", m, 2);
	ok(strstr(t, "\"/etc/passwd\": absolute path") != NULL,
	    "absolute path refused, member named");
	free(t);

	m[1].path = "evil\nname";
	t = build_fail("top", m, 2);
	ok(strstr(t, "\"evil\\x0aname\"") != NULL &&
	    strchr(t, '\n') == t + strlen(t) - 1,
	    "control character refused and escaped in the message");
	free(t);

	m[1].path = "win\\path";
	t = build_fail("top", m, 2);
	ok(strstr(t, "backslash") != NULL, "backslash refused");
	free(t);

	m[1].path = "z";
	t = build_fail("top", m, 2);
	ok(strstr(t, "\"z\": duplicate member") != NULL,
	    "duplicate member refused");
	free(t);

	m[1].path = "z/inner";
	t = build_fail("top", m, 2);
	ok(strstr(t, "\"z\": both a file and a folder") != NULL,
	    "file that is also a folder refused");
	free(t);

	m[1] = members[3];
	t = build_fail("a/b", m, 2);
	ok(strstr(t, "top folder \"a/b\"") != NULL,
	    "top folder with a slash refused");
	free(t);
	t = build_fail("..", m, 2);
	ok(strstr(t, "top folder \"..\"") != NULL, "top folder .. refused");
	free(t);
}

static void
check_empty(void)
{
	char	*o = NULL;
	size_t	 l = 0;

	ok(build(ARC_ZIP, NULL, 0, &o, &l) == 0 && o != NULL && l > 0,
	    "archive with no members holds the top folder");
	free(o);
}

int
main(void)
{
	plan(41);
	check_names();
	check_format(ARC_TGZ, "tgz");
	check_format(ARC_ZIP, "zip");
	check_refusals();
	check_empty();
	return done_testing();
}

/*
 * sbx: the build sandboxes itself once its inputs are known (see
 * sbx.h).  This is the Linux counterpart of OpenBSD's unveil(2) plus
 * pledge(2): Landlock for paths, seccomp-bpf for system calls.  Both
 * need PR_SET_NO_NEW_PRIVS, which is set first; both are inherited by
 * every child forked later (the plugin workers) and cannot be undone.
 *
 * Landlock.  The ruleset handles every file-system right the running
 * kernel knows (ABI 1: 13 rights; 2: REFER; 3: TRUNCATE; 5:
 * IOCTL_DEV), TCP bind and connect (ABI 4) and the abstract-UNIX-socket
 * and signal scopes (ABI 6), so whatever no rule grants is denied
 * (EACCES; EPERM for signals).  Rules: READ_FILE + READ_DIR
 * below each read path; READ_FILE, READ_DIR, WRITE_FILE, TRUNCATE,
 * MAKE_REG, MAKE_DIR, REMOVE_FILE, REMOVE_DIR below each write path (the
 * build writes OUT.tmp-PID beside OUT and swaps the two with renameat2
 * in the same folder, which needs no REFER); and READ_FILE on the
 * few system files listed in sbx_sysread[], each there for a reason
 * written next to it.  No EXECUTE anywhere, no symlinks, device nodes,
 * FIFOs or sockets are made, no device ioctls.  Shared libraries are
 * all mapped before the call and nothing needs dlopen() after it.  On
 * kernels before ABI 6, kill(2) can still reach any process of the
 * same user: seccomp cannot tell a worker's pid from another.
 *
 * seccomp.  An allow-list (sbx_allow[], plus the calls with argument
 * filters in sbx_seccomp()); everything else fails with EPERM.  Why
 * EPERM and not KILL_PROCESS: the contract says the program never dies
 * from a signal, and an unforeseen call then becomes an ordinary,
 * diagnosable "Operation not permitted" error (exit 1) instead of a
 * SIGSYS; a denied call is denied either way, so nothing is gained in
 * confinement by killing.  Exceptions: clone3 fails with ENOSYS, so
 * that glibc falls back to clone(2), whose flags a filter can see
 * (clone3 passes them in memory); and a call made through a foreign
 * ABI (e.g. int 0x80 on x86-64) still kills, libseccomp's default,
 * since no code of ours ever does that.
 *
 * What a build may still do: read, write, create, remove and rename
 * files inside its paths; map memory, but never executable memory (no
 * PROT_EXEC in mmap or mprotect: nothing is loaded after the call);
 * fork children (clone without namespace flags), talk to them over
 * UNIX socket pairs and pipes, poll, wait for them and kill them; set
 * its own resource limits (prlimit64 on pid 0 only); read clocks and
 * random bytes.  It may not: exec anything, open a network socket,
 * ptrace, mount, chroot, pivot_root, unshare, setns, use bpf,
 * perf_event_open, userfaultfd, io_uring, keyctl, kexec, load modules,
 * change its credentials, or issue an ioctl other than TCGETS and
 * TIOCGWINSZ (so no TIOCSTI into the terminal it inherited).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* O_PATH, CLONE_NEW* */
#endif

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/landlock.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbx.h"

/*
 * Rights newer than Debian 12's <linux/landlock.h> (Linux 6.1):
 * TRUNCATE (ABI 3), the TCP rights (ABI 4), IOCTL_DEV (ABI 5), the
 * scopes (ABI 6).
 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define	LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define	LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define	LANDLOCK_ACCESS_NET_BIND_TCP	(1ULL << 0)
#define	LANDLOCK_ACCESS_NET_CONNECT_TCP	(1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define	LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define	LANDLOCK_SCOPE_SIGNAL		(1ULL << 1)
#endif

#define	SBX_FS_ABI1	((1ULL << 13) - 1)	/* EXECUTE .. MAKE_SYM */

/* The rights a rule on a file (not a folder) may carry. */
#define	SBX_FS_FILE	(LANDLOCK_ACCESS_FS_EXECUTE | \
			 LANDLOCK_ACCESS_FS_WRITE_FILE | \
			 LANDLOCK_ACCESS_FS_READ_FILE | \
			 LANDLOCK_ACCESS_FS_TRUNCATE | \
			 LANDLOCK_ACCESS_FS_IOCTL_DEV)

#define	SBX_FS_READ	(LANDLOCK_ACCESS_FS_READ_FILE | \
			 LANDLOCK_ACCESS_FS_READ_DIR)

#define	SBX_FS_WRITE	(SBX_FS_READ | \
			 LANDLOCK_ACCESS_FS_WRITE_FILE | \
			 LANDLOCK_ACCESS_FS_TRUNCATE | \
			 LANDLOCK_ACCESS_FS_MAKE_REG | \
			 LANDLOCK_ACCESS_FS_MAKE_DIR | \
			 LANDLOCK_ACCESS_FS_REMOVE_FILE | \
			 LANDLOCK_ACCESS_FS_REMOVE_DIR)

/*
 * struct landlock_ruleset_attr as of ABI 6; the size passed to the
 * kernel is cut to what its ABI knows (8, 16 or 24 bytes).
 */
struct	sbx_ruleset {
	uint64_t	 fs;	/* handled_access_fs */
	uint64_t	 net;	/* handled_access_net (ABI 4) */
	uint64_t	 scoped;	/* scoped (ABI 6) */
};

/*
 * System files the build reads after entering, READ_FILE only (a
 * missing one is skipped).  Kept to what a build was seen to open:
 *  - /proc: each plugin worker reads /proc/self/statm to size its
 *    RLIMIT_AS backstop (pl.c).  Workers are forked after the call, so
 *    their /proc/PID is not known in advance and the rule has to sit on
 *    /proc; it grants file reads only (no listing), and other users'
 *    and more privileged processes' files stay behind the usual
 *    permission and ptrace checks;
 *  - /dev/urandom: SQLite seeds its PRNG from it when writing
 *    kb.sqlite (without it SQLite falls back to time and pid; the file
 *    is byte-identical either way, but a quiet fallback is worse).
 * Left out on purpose, and harmless: glibc's gconv-modules.cache
 * (libarchive's UTF-8 conversion uses glibc's built-in converters
 * anyway) and /usr/share/zoneinfo/UTC (with TZ=UTC glibc falls back to
 * the POSIX rule "UTC", the same zone).
 */
static const char *const sbx_sysread[] = {
	"/proc",
	"/dev/urandom",
	NULL
};

/* System calls allowed without conditions (names absent on this
 * architecture are skipped). */
static const char *const sbx_allow[] = {
	/* files and descriptors */
	"read", "write", "readv", "writev", "pread64", "pwrite64",
	"preadv", "pwritev", "lseek", "close", "close_range", "dup", "dup2",
	"dup3", "fcntl", "open", "openat", "stat", "fstat", "lstat",
	"newfstatat", "statx", "access", "faccessat", "faccessat2",
	"readlink", "readlinkat", "getdents64", "getcwd", "mkdir",
	"mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat",
	"renameat2", "chmod", "fchmod", "fchmodat", "ftruncate", "fsync",
	"fdatasync", "umask",
	/* memory (mmap and mprotect: see sbx_seccomp) */
	"brk", "munmap", "mremap", "madvise",
	/* processes: fork (clone: see sbx_seccomp), wait, signal */
	"fork", "wait4", "waitid", "kill", "tgkill", "tkill", "exit",
	"exit_group", "getpid", "getppid", "gettid", "getuid", "geteuid",
	"getgid", "getegid", "getresuid", "getresgid",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"restart_syscall", "set_robust_list", "set_tid_address", "rseq",
	"futex", "sched_yield", "sched_getaffinity",
	/* resource limits (prlimit64: see sbx_seccomp) */
	"getrlimit", "setrlimit", "getrusage",
	/* pipes and the workers' socket pairs (socketpair: see below) */
	"pipe", "pipe2", "poll", "ppoll", "select", "pselect6",
	"sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown",
	/* time, randomness, system facts */
	"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep",
	"gettimeofday", "time", "getrandom", "uname", "sysinfo",
	NULL
};

/* Namespace flags a clone(2) may not carry. */
#define	SBX_CLONE_NS	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
			 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
			 CLONE_NEWCGROUP)

int
sbx_landlock_abi(void)
{
#ifdef SYS_landlock_create_ruleset
	long	 v;

	v = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	return v > 0 ? (int)v : 0;
#else
	return 0;
#endif
}

int
sbx_seccomp_available(void)
{
	/* With filter support, a NULL program fails with EFAULT. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) == -1 &&
	    errno == EFAULT)
		return 1;
	return 0;
}

/* mkdir -p path (0755 less the umask); like out.c's, which is static. */
static int
sbx_mkdirs(const char *path, struct diag *d)
{
	struct stat	 st;
	char		*p, *s;
	int		 last;

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
			diag_error(d, p, 0, 0, "sandbox: cannot create "
			    "folder: %s", strerror(errno));
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

/*
 * Adds a path-beneath rule granting want (masked to what the ruleset
 * handles, and to file rights if path is not a folder).  A missing
 * path is skipped when optional.
 */
static int
sbx_rule(int rfd, const char *path, uint64_t want, uint64_t handled,
    int optional, struct diag *d)
{
	struct landlock_path_beneath_attr	 pb;
	struct stat				 st;
	int					 fd, rc = 0;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		return diag_error(d, path, 0, 0, "sandbox: cannot open: %s",
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		rc = diag_error(d, path, 0, 0, "sandbox: %s", strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode))
		want &= SBX_FS_FILE;
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = want & handled;
	pb.parent_fd = fd;
	if (pb.allowed_access != 0 && syscall(SYS_landlock_add_rule, rfd,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == -1)
		rc = diag_error(d, path, 0, 0, "sandbox: landlock rule: %s",
		    strerror(errno));
out:
	close(fd);
	return rc;
}

/* Landlock: see the top of the file.  abi > 0. */
static int
sbx_landlock(int abi, const char *const *rd, const char *const *wr,
    struct diag *d)
{
	struct sbx_ruleset	 rs;
	size_t			 sz;
	int			 rfd, rc = 0;

	memset(&rs, 0, sizeof(rs));
	rs.fs = SBX_FS_ABI1;
	sz = sizeof(rs.fs);
	if (abi >= 2)
		rs.fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		rs.fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 4) {
		rs.net = LANDLOCK_ACCESS_NET_BIND_TCP |
		    LANDLOCK_ACCESS_NET_CONNECT_TCP;
		sz = offsetof(struct sbx_ruleset, scoped);
	}
	if (abi >= 5)
		rs.fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 6) {
		rs.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
		    LANDLOCK_SCOPE_SIGNAL;
		sz = sizeof(rs);
	}
	if ((rfd = (int)syscall(SYS_landlock_create_ruleset, &rs, sz, 0)) ==
	    -1)
		return diag_error(d, NULL, 0, 0, "sandbox: landlock ruleset "
		    "(ABI %d): %s", abi, strerror(errno));
	for (; rd != NULL && *rd != NULL; rd++)
		if (sbx_rule(rfd, *rd, SBX_FS_READ, rs.fs, 1, d) == -1)
			rc = -1;
	for (; wr != NULL && *wr != NULL; wr++)
		if (sbx_rule(rfd, *wr, SBX_FS_WRITE, rs.fs, 0, d) == -1)
			rc = -1;
	for (rd = sbx_sysread; *rd != NULL; rd++)
		if (sbx_rule(rfd, *rd, LANDLOCK_ACCESS_FS_READ_FILE, rs.fs, 1,
		    d) == -1)
			rc = -1;
	if (rc == 0 && syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
		rc = diag_error(d, NULL, 0, 0, "sandbox: landlock: %s",
		    strerror(errno));
	close(rfd);
	return rc;
}

/* Adds one rule; a name this architecture lacks is skipped. */
static int
sbx_scmp(scmp_filter_ctx ctx, uint32_t act, const char *name,
    unsigned n, const struct scmp_arg_cmp *cmp, struct diag *d)
{
	int	 nr, r;

	if ((nr = seccomp_syscall_resolve_name(name)) == __NR_SCMP_ERROR)
		return 0;
	if ((r = seccomp_rule_add_array(ctx, act, nr, n, cmp)) < 0)
		return diag_error(d, NULL, 0, 0, "sandbox: seccomp rule for "
		    "%s: %s", name, strerror(-r));
	return 0;
}

/* seccomp: see the top of the file. */
static int
sbx_seccomp(struct diag *d)
{
	scmp_filter_ctx		 ctx;
	struct scmp_arg_cmp	 c;
	size_t			 i;
	int			 r, rc = 0;

	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL)
		return diag_error(d, NULL, 0, 0, "sandbox: seccomp_init "
		    "failed");
	for (i = 0; sbx_allow[i] != NULL; i++)
		if (sbx_scmp(ctx, SCMP_ACT_ALLOW, sbx_allow[i], 0, NULL, d) ==
		    -1)
			rc = -1;
	/* fork, but no new namespaces. */
	c = SCMP_A0(SCMP_CMP_MASKED_EQ, SBX_CLONE_NS, 0);
	if (sbx_scmp(ctx, SCMP_ACT_ALLOW, "clone", 1, &c, d) == -1 ||
	    sbx_scmp(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL, d) == -1)
		rc = -1;
	/* Memory, never executable. */
	c = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	if (sbx_scmp(ctx, SCMP_ACT_ALLOW, "mmap", 1, &c, d) == -1 ||
	    sbx_scmp(ctx, SCMP_ACT_ALLOW, "mprotect", 1, &c, d) == -1)
		rc = -1;
	/* The workers' channels: UNIX socket pairs only. */
	c = SCMP_A0(SCMP_CMP_EQ, AF_UNIX);
	if (sbx_scmp(ctx, SCMP_ACT_ALLOW, "socketpair", 1, &c, d) == -1)
		rc = -1;
	/* Resource limits of this process only. */
	c = SCMP_A0(SCMP_CMP_EQ, 0);
	if (sbx_scmp(ctx, SCMP_ACT_ALLOW, "prlimit64", 1, &c, d) == -1)
		rc = -1;
	/* The workers ask to die with their parent. */
	c = SCMP_A0(SCMP_CMP_EQ, PR_SET_PDEATHSIG);
	if (sbx_scmp(ctx, SCMP_ACT_ALLOW, "prctl", 1, &c, d) == -1)
		rc = -1;
	/* isatty(3) and the terminal's size; nothing else (no TIOCSTI). */
	c = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffU, TCGETS);
	if (sbx_scmp(ctx, SCMP_ACT_ALLOW, "ioctl", 1, &c, d) == -1)
		rc = -1;
	c = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffU, TIOCGWINSZ);
	if (sbx_scmp(ctx, SCMP_ACT_ALLOW, "ioctl", 1, &c, d) == -1)
		rc = -1;
	if (rc == 0 && (r = seccomp_load(ctx)) < 0)
		rc = diag_error(d, NULL, 0, 0, "sandbox: seccomp: %s",
		    strerror(-r));
	seccomp_release(ctx);
	return rc;
}

/*
 * Enters the sandbox (see sbx.h): no_new_privs, then Landlock, then
 * seccomp (last, so that the filter need not allow the Landlock calls).
 * read_paths: project folders the build reads (content/, plugins/,
 * themes/, and any folder a symlink inside them points to, such as
 * themes/default/node_modules); write_paths: the folder OUT is built
 * in.  Paths are taken as given (relative to the current folder).
 */
int
sbx_enter(const char *const *read_paths, const char *const *write_paths,
    int flags, struct diag *d)
{
	const char	*const *p;
	const char	*env = getenv(SBX_ENV_OFF);
	int		 abi = 0, nnp = 1;

	if ((flags & SBX_OFF) || (env != NULL && *env != '\0' &&
	    strcmp(env, "0") != 0))
		return 0;
	for (p = write_paths; p != NULL && *p != NULL; p++)
		if (sbx_mkdirs(*p, d) == -1)
			return -1;
	/* EINVAL: a kernel older than 3.5, with neither layer. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		if (errno != EINVAL)
			return diag_error(d, NULL, 0, 0, "sandbox: "
			    "no_new_privs: %s", strerror(errno));
		nnp = 0;
	}
	if (nnp)
		abi = sbx_landlock_abi();
	if (abi == 0)
		diag_warn(d, NULL, 0, 0, "landlock not available (ABI 0): "
		    "the build runs without filesystem confinement");
	else if (sbx_landlock(abi, read_paths, write_paths, d) == -1)
		return -1;
	if (!nnp || !sbx_seccomp_available())
		diag_warn(d, NULL, 0, 0, "seccomp not available: the build "
		    "runs without a system-call filter");
	else if (sbx_seccomp(d) == -1)
		return -1;
	return 0;
}

/* Returns malloc(3)ed a/b, or NULL. */
static char *
sbx_join(const char *a, const char *b)
{
	size_t	 n = strlen(a) + strlen(b) + 2;
	char	*p;

	if ((p = malloc(n)) != NULL)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* Returns the malloc(3)ed folder that holds path ("." or "/" at the
 * top), or NULL. */
static char *
sbx_parent(const char *path)
{
	char	*p, *s;
	size_t	 n;

	if ((p = strdup(path)) == NULL)
		return NULL;
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	if ((s = strrchr(p, '/')) == NULL) {
		free(p);
		return strdup(".");
	}
	while (s > p && s[-1] == '/')
		s--;
	s[s == p ? 1 : 0] = '\0';
	return p;
}

/*
 * The build's sandbox: reads below root/content, root/plugins,
 * root/themes, and wherever root/themes/default and
 * root/themes/default/node_modules point (each may be a symlink, as in
 * the test suites: a rule is made on the folder a path resolves to,
 * and a symlink inside a granted folder leads nowhere else), and, if
 * out is not NULL, writes in the folder that holds out (out_open
 * builds OUT.tmp-PID beside OUT and swaps the two).  Everything else
 * as sbx_enter().
 */
int
sbx_enter_project(const char *root, const char *out, int flags,
    struct diag *d)
{
	static const char *const sub[] = { "content", "plugins", "themes",
	    "themes/default", "themes/default/node_modules", NULL };
	char	*rd[sizeof(sub) / sizeof(sub[0])], *wr[2];
	size_t	 i;
	int	 rc = 0;

	memset(rd, 0, sizeof(rd));
	memset(wr, 0, sizeof(wr));
	for (i = 0; sub[i] != NULL; i++)
		if ((rd[i] = sbx_join(root, sub[i])) == NULL)
			rc = -1;
	if (out != NULL && (wr[0] = sbx_parent(out)) == NULL)
		rc = -1;
	if (rc == -1)
		diag_error(d, NULL, 0, 0, "sandbox: out of memory");
	else
		rc = sbx_enter((const char *const *)rd,
		    (const char *const *)wr, flags, d);
	for (i = 0; sub[i] != NULL; i++)
		free(rd[i]);
	free(wr[0]);
	return rc;
}

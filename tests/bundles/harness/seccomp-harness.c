/*
 * seccomp-harness: loads OCI seccomp profiles (the "linux.seccomp" object
 * of the runtime spec, as runc, crun, runsc --oci-seccomp and Kubernetes
 * localhost profiles take it) with libseccomp the way runc does, and
 * proves what the loaded filter does.  Test helper of the "seccomp" and
 * "bwrap" bundle checks (tests/bundles/checks/); it is a program, so it
 * prints.
 *
 *   seccomp-harness compile PROFILE...
 *	compile each profile; "compile\tPATH\tok\tN unknown names" or
 *	"compile\tPATH\terror\tWHY" per file.
 *   seccomp-harness export PROFILE OUT
 *	write the compiled BPF program to OUT (for bwrap --seccomp FD).
 *   seccomp-harness probe PROFILE...
 *	run every live probe once without a filter ("control" lines), then
 *	once per profile under its filter ("probe" lines).  Each probe runs
 *	in a fresh child inside a private user+mount(+uts+ipc) namespace,
 *	checked against the parent's /proc/self/ns/{user,mnt} first.
 *   seccomp-harness run PROFILE -- CMD [ARG...]
 *	enter a private user+mount+uts+ipc+net namespace (checked), mount
 *	a fresh tmpfs on /tmp, load the filter and exec CMD.
 *
 * Reading of the JSON follows runc (libcontainer/seccomp/patchbpf and
 * seccomp_linux.go): unknown syscall names are skipped, rules whose
 * action equals the default action are skipped, a rule whose args name
 * one index twice is split into one rule per arg.  Docker-only keys
 * (includes/excludes/comment) are ignored here, as OCI runtimes ignore
 * them; the check script rejects profiles that carry them.
 *
 * reboot, kexec_*, init/finit/delete_module and swapon/swapoff are never
 * probed live: the check script verifies them statically.
 */
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <seccomp.h>

#ifndef AF_ALG
#define AF_ALG		38
#endif
#ifndef AF_VSOCK
#define AF_VSOCK	40
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#define FAILSZ		256
#define NS_FLAGS	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC)

struct	nsid {
	dev_t	 user_dev;
	ino_t	 user_ino;
	dev_t	 mnt_dev;
	ino_t	 mnt_ino;
};

/* Result a probe child leaves in shared memory. */
struct	result {
	int	 state;		/* 0 not reached, 1 setup failed, 2 done */
	long	 ret;
	int	 err;
	char	 why[FAILSZ + 32];
};

struct	probe {
	const char	*name;
	int		(*setup)(void);	/* runs before the filter; -1 fails */
	long		(*act)(void);	/* the call under test; sets errno */
	int		 through_errno;	/* errno that still means "let through" */
	int		 want_errno;	/* if set, the filter must give this */
};

static struct nsid	 parent_ns;
static char		 scratch[PATH_MAX];
static int		 setup_fd = -1;
static char		 fail_why[FAILSZ];

static int	 compile_profile(const char *, scmp_filter_ctx *, int *);

/* ---- profile compilation ------------------------------------------ */

static int
parse_action(const char *s, json_t *errno_ret, uint32_t *act)
{
	uint32_t	 e = EPERM;

	if (errno_ret != NULL) {
		if (!json_is_integer(errno_ret) ||
		    json_integer_value(errno_ret) < 0 ||
		    json_integer_value(errno_ret) > 4095) {
			snprintf(fail_why, sizeof(fail_why),
			    "errnoRet is not an errno number");
			return -1;
		}
		e = (uint32_t)json_integer_value(errno_ret);
	}
	if (strcmp(s, "SCMP_ACT_ALLOW") == 0)
		*act = SCMP_ACT_ALLOW;
	else if (strcmp(s, "SCMP_ACT_ERRNO") == 0)
		*act = SCMP_ACT_ERRNO(e);
	else if (strcmp(s, "SCMP_ACT_KILL") == 0 ||
	    strcmp(s, "SCMP_ACT_KILL_THREAD") == 0)
		*act = SCMP_ACT_KILL_THREAD;
	else if (strcmp(s, "SCMP_ACT_KILL_PROCESS") == 0)
		*act = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(s, "SCMP_ACT_TRAP") == 0)
		*act = SCMP_ACT_TRAP;
	else if (strcmp(s, "SCMP_ACT_LOG") == 0)
		*act = SCMP_ACT_LOG;
	else if (strcmp(s, "SCMP_ACT_TRACE") == 0)
		*act = SCMP_ACT_TRACE(e);
	else if (strcmp(s, "SCMP_ACT_NOTIFY") == 0) {
		snprintf(fail_why, sizeof(fail_why),
		    "SCMP_ACT_NOTIFY needs a listener process; "
		    "not verifiable here");
		return -1;
	} else {
		snprintf(fail_why, sizeof(fail_why), "bad action %s", s);
		return -1;
	}
	return 0;
}

static int
parse_op(const char *s, enum scmp_compare *op)
{
	static const struct {
		const char		*name;
		enum scmp_compare	 op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE },
		{ "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE },
		{ "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	size_t	 i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(s, ops[i].name) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

static int
parse_arg(json_t *a, struct scmp_arg_cmp *c)
{
	json_t		*ix, *op, *v, *v2;
	enum scmp_compare o;

	ix = json_object_get(a, "index");
	op = json_object_get(a, "op");
	v = json_object_get(a, "value");
	v2 = json_object_get(a, "valueTwo");
	if (!json_is_integer(ix) || json_integer_value(ix) < 0 ||
	    json_integer_value(ix) > 5 || !json_is_string(op) ||
	    !json_is_integer(v) || (v2 != NULL && !json_is_integer(v2)) ||
	    parse_op(json_string_value(op), &o) == -1) {
		snprintf(fail_why, sizeof(fail_why),
		    "bad argument condition (index 0-5, op SCMP_CMP_*, "
		    "integer value)");
		return -1;
	}
	c->arg = (unsigned)json_integer_value(ix);
	c->op = o;
	c->datum_a = (scmp_datum_t)json_integer_value(v);
	c->datum_b = v2 != NULL ? (scmp_datum_t)json_integer_value(v2) : 0;
	return 0;
}

static int
add_arches(scmp_filter_ctx ctx, json_t *arches)
{
	size_t	 i;
	json_t	*a;
	char	 low[64];
	const char *s;
	uint32_t arch;
	size_t	 k;
	int	 rc;

	json_array_foreach(arches, i, a) {
		if (!json_is_string(a)) {
			snprintf(fail_why, sizeof(fail_why),
			    "architectures: not a string");
			return -1;
		}
		s = json_string_value(a);
		if (strncmp(s, "SCMP_ARCH_", 10) == 0)
			s += 10;
		for (k = 0; s[k] != '\0' && k < sizeof(low) - 1; k++)
			low[k] = (char)(s[k] >= 'A' && s[k] <= 'Z' ?
			    s[k] - 'A' + 'a' : s[k]);
		low[k] = '\0';
		if ((arch = seccomp_arch_resolve_name(low)) == 0) {
			snprintf(fail_why, sizeof(fail_why),
			    "unknown architecture %s", json_string_value(a));
			return -1;
		}
		rc = seccomp_arch_add(ctx, arch);
		if (rc != 0 && rc != -EEXIST) {
			snprintf(fail_why, sizeof(fail_why),
			    "architecture %s: %s", json_string_value(a),
			    strerror(-rc));
			return -1;
		}
	}
	return 0;
}

static int
set_flags(scmp_filter_ctx ctx, json_t *flags)
{
	size_t	 i;
	json_t	*f;
	const char *s;

	json_array_foreach(flags, i, f) {
		s = json_is_string(f) ? json_string_value(f) : "";
		if (strcmp(s, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
		else if (strcmp(s, "SECCOMP_FILTER_FLAG_LOG") == 0)
			seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
		else if (strcmp(s, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
		else {
			snprintf(fail_why, sizeof(fail_why),
			    "flag %s not supported by libseccomp %u.%u here",
			    s, seccomp_version()->major,
			    seccomp_version()->minor);
			return -1;
		}
	}
	return 0;
}

/*
 * Add one JSON rule.  Returns 0, or -1 with fail_why set.  *unknown
 * counts syscall names libseccomp cannot resolve (skipped, as runc does).
 */
static int
add_rule(scmp_filter_ctx ctx, json_t *r, size_t ri, uint32_t defact,
    int *unknown)
{
	json_t			*names, *action, *args, *n, *a;
	struct scmp_arg_cmp	 cmps[6];
	uint32_t		 act;
	size_t			 i, j, nargs = 0;
	int			 nr, rc, dup = 0;
	unsigned		 seen = 0;

	names = json_object_get(r, "names");
	action = json_object_get(r, "action");
	args = json_object_get(r, "args");
	if (!json_is_object(r) || !json_is_array(names) ||
	    !json_is_string(action)) {
		snprintf(fail_why, sizeof(fail_why),
		    "syscalls[%zu]: needs names[] and action", ri);
		return -1;
	}
	if (parse_action(json_string_value(action),
	    json_object_get(r, "errnoRet"), &act) == -1)
		goto bad;
	if (args != NULL && !json_is_null(args)) {
		if (!json_is_array(args) || json_array_size(args) > 6) {
			snprintf(fail_why, sizeof(fail_why),
			    "args must be an array of at most 6");
			goto bad;
		}
		json_array_foreach(args, i, a) {
			if (parse_arg(a, &cmps[nargs]) == -1)
				goto bad;
			if (seen & (1u << cmps[nargs].arg))
				dup = 1;
			seen |= 1u << cmps[nargs].arg;
			nargs++;
		}
	}
	if (act == defact)
		return 0;
	json_array_foreach(names, i, n) {
		if (!json_is_string(n)) {
			snprintf(fail_why, sizeof(fail_why),
			    "names: not a string");
			goto bad;
		}
		nr = seccomp_syscall_resolve_name(json_string_value(n));
		if (nr == __NR_SCMP_ERROR) {
			(*unknown)++;
			continue;
		}
		if (!dup)
			rc = seccomp_rule_add_array(ctx, act, nr,
			    (unsigned)nargs, cmps);
		else
			for (rc = 0, j = 0; j < nargs && rc == 0; j++)
				rc = seccomp_rule_add_array(ctx, act, nr, 1,
				    &cmps[j]);
		if (rc != 0) {
			snprintf(fail_why, sizeof(fail_why),
			    "%s: libseccomp refused the rule: %s",
			    json_string_value(n), strerror(-rc));
			goto bad;
		}
	}
	return 0;
bad:
	if (strncmp(fail_why, "syscalls[", 9) != 0) {
		char	 tmp[FAILSZ + 32];

		snprintf(tmp, sizeof(tmp), "syscalls[%zu]: %s", ri, fail_why);
		memcpy(fail_why, tmp, sizeof(fail_why) - 1);
		fail_why[sizeof(fail_why) - 1] = '\0';
	}
	return -1;
}

/*
 * Compile PATH into a new filter context (*out, freed by the caller with
 * seccomp_release).  Returns 0 or -1 with fail_why set.
 */
static int
compile_profile(const char *path, scmp_filter_ctx *out, int *unknown)
{
	json_error_t	 jerr;
	json_t		*root, *def, *sys, *r;
	scmp_filter_ctx	 ctx = NULL;
	uint32_t	 defact;
	size_t		 i;

	*out = NULL;
	*unknown = 0;
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		snprintf(fail_why, sizeof(fail_why), "%d:%d: %s", jerr.line,
		    jerr.column, jerr.text);
		return -1;
	}
	def = json_object_get(root, "defaultAction");
	if (!json_is_object(root) || !json_is_string(def)) {
		snprintf(fail_why, sizeof(fail_why),
		    "defaultAction missing");
		goto bad;
	}
	if (parse_action(json_string_value(def),
	    json_object_get(root, "defaultErrnoRet"), &defact) == -1)
		goto bad;
	if ((ctx = seccomp_init(defact)) == NULL) {
		snprintf(fail_why, sizeof(fail_why), "seccomp_init failed");
		goto bad;
	}
	if (json_object_get(root, "architectures") != NULL &&
	    add_arches(ctx, json_object_get(root, "architectures")) == -1)
		goto bad;
	if (json_object_get(root, "flags") != NULL &&
	    set_flags(ctx, json_object_get(root, "flags")) == -1)
		goto bad;
	sys = json_object_get(root, "syscalls");
	if (sys != NULL && !json_is_array(sys)) {
		snprintf(fail_why, sizeof(fail_why), "syscalls: not a list");
		goto bad;
	}
	json_array_foreach(sys, i, r)
		if (add_rule(ctx, r, i, defact, unknown) == -1)
			goto bad;
	json_decref(root);
	*out = ctx;
	return 0;
bad:
	if (ctx != NULL)
		seccomp_release(ctx);
	json_decref(root);
	return -1;
}

/* ---- namespaces ----------------------------------------------------- */

static int
ns_read(pid_t pid, struct nsid *id)
{
	char		 p[64];
	struct stat	 st;

	snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)pid);
	if (stat(p, &st) == -1)
		return -1;
	id->user_dev = st.st_dev;
	id->user_ino = st.st_ino;
	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)pid);
	if (stat(p, &st) == -1)
		return -1;
	id->mnt_dev = st.st_dev;
	id->mnt_ino = st.st_ino;
	return 0;
}

static int
write_file(const char *path, const char *text)
{
	int	 fd;
	ssize_t	 n;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * Enter private namespaces (flags), map uid/gid 0 to our own ids, make
 * every mount private, and check that user and mnt namespaces differ
 * from the parent's.  Returns 0 or -1 with fail_why set.
 */
static int
ns_enter(int flags)
{
	struct nsid	 me;
	char		 map[64];
	uid_t		 uid = geteuid();
	gid_t		 gid = getegid();

	if (unshare(flags) == -1) {
		snprintf(fail_why, sizeof(fail_why), "unshare: %s",
		    strerror(errno));
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) == -1) {
		snprintf(fail_why, sizeof(fail_why), "uid_map: %s",
		    strerror(errno));
		return -1;
	}
	(void)write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) == -1) {
		snprintf(fail_why, sizeof(fail_why), "gid_map: %s",
		    strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		snprintf(fail_why, sizeof(fail_why), "make / private: %s",
		    strerror(errno));
		return -1;
	}
	if (ns_read(getpid(), &me) == -1) {
		snprintf(fail_why, sizeof(fail_why), "read own ns: %s",
		    strerror(errno));
		return -1;
	}
	if (me.user_ino == parent_ns.user_ino &&
	    me.user_dev == parent_ns.user_dev) {
		snprintf(fail_why, sizeof(fail_why),
		    "user namespace is the parent's");
		return -1;
	}
	if (me.mnt_ino == parent_ns.mnt_ino &&
	    me.mnt_dev == parent_ns.mnt_dev) {
		snprintf(fail_why, sizeof(fail_why),
		    "mount namespace is the parent's");
		return -1;
	}
	return 0;
}

/* ---- probes --------------------------------------------------------- */

static char	 vm_src[16] = "atlas-probe", vm_dst[16];

static long
act_ptrace(void)
{
	return syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
}

static long
act_vm_readv(void)
{
	struct iovec	 l = { vm_dst, sizeof(vm_dst) };
	struct iovec	 r = { vm_src, sizeof(vm_src) };

	return syscall(SYS_process_vm_readv, getpid(), &l, 1, &r, 1, 0);
}

static long
act_vm_writev(void)
{
	struct iovec	 l = { vm_src, sizeof(vm_src) };
	struct iovec	 r = { vm_dst, sizeof(vm_dst) };

	return syscall(SYS_process_vm_writev, getpid(), &l, 1, &r, 1, 0);
}

static long
act_mount(void)
{
	return syscall(SYS_mount, "none", scratch, "tmpfs", 0, "size=16k");
}

static int
setup_tmpfs(void)
{
	return mount("none", scratch, "tmpfs", 0, "size=16k");
}

static long
act_umount2(void)
{
	return syscall(SYS_umount2, scratch, 0);
}

static int
setup_pivot(void)
{
	char	 old[PATH_MAX + 8];

	if (setup_tmpfs() == -1)
		return -1;
	snprintf(old, sizeof(old), "%s/old", scratch);
	return mkdir(old, 0700);
}

static long
act_pivot_root(void)
{
	char	 old[PATH_MAX + 8];

	snprintf(old, sizeof(old), "%s/old", scratch);
	return syscall(SYS_pivot_root, scratch, old);
}

static long
act_unshare(void)
{
	return syscall(SYS_unshare, CLONE_NEWUTS);
}

static int
setup_nsfd(void)
{
	return (setup_fd = open("/proc/self/ns/uts", O_RDONLY)) == -1 ? -1 : 0;
}

static long
act_setns(void)
{
	return syscall(SYS_setns, setup_fd, CLONE_NEWUTS);
}

static long
act_keyctl(void)
{
	/* KEYCTL_GET_KEYRING_ID of KEY_SPEC_PROCESS_KEYRING, create */
	return syscall(SYS_keyctl, 0, -2, 1);
}

static long
act_add_key(void)
{
	return syscall(SYS_add_key, "user", "atlas-probe", "x", 1, -2);
}

static int
setup_key(void)
{
	return act_add_key() < 0 ? -1 : 0;
}

static long
act_request_key(void)
{
	return syscall(SYS_request_key, "user", "atlas-probe", NULL, 0);
}

static long
act_bpf(void)
{
	union bpf_attr	 a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	return syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
}

static long
act_perf(void)
{
	struct perf_event_attr	 a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static long
act_userfaultfd(void)
{
	return syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
}

static long
act_uring_setup(void)
{
	struct io_uring_params	 p;

	memset(&p, 0, sizeof(p));
	return syscall(SYS_io_uring_setup, 4, &p);
}

static int
setup_uring(void)
{
	long	 fd = act_uring_setup();

	setup_fd = (int)fd;
	return fd < 0 ? -1 : 0;
}

static long
act_uring_enter(void)
{
	return syscall(SYS_io_uring_enter, setup_fd, 0, 0, 0, NULL, 0);
}

static long
act_uring_register(void)
{
	static char	 buf[sizeof(struct io_uring_probe) +
			    256 * sizeof(struct io_uring_probe_op)];

	memset(buf, 0, sizeof(buf));
	return syscall(SYS_io_uring_register, setup_fd,
	    IORING_REGISTER_PROBE, buf, 256);
}

static struct {
	struct file_handle	 fh;
	unsigned char		 data[MAX_HANDLE_SZ];
} handle;

static int
setup_handle(void)
{
	int	 mnt;

	handle.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, "/", &handle.fh, &mnt, 0) == -1)
		return -1;
	return (setup_fd = open("/", O_RDONLY | O_DIRECTORY)) == -1 ? -1 : 0;
}

static long
act_open_by_handle(void)
{
	return syscall(SYS_open_by_handle_at, setup_fd, &handle.fh,
	    O_RDONLY);
}

static long
act_acct(void)
{
	/* A path that does not exist: never switches accounting on. */
	return syscall(SYS_acct, "/nonexistent/atlas-probe/acct");
}

static long
act_clone_ns(void)
{
	long	 pid;
	int	 st;

	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, &st, 0);
	return pid;
}

static long
act_clone3(void)
{
	struct clone_args	 a;
	long			 pid;
	int			 st;

	memset(&a, 0, sizeof(a));
	a.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, &st, 0);
	return pid;
}

static long
act_af_alg(void)
{
	return syscall(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0);
}

static long
act_af_vsock(void)
{
	return syscall(SYS_socket, AF_VSOCK, SOCK_STREAM, 0);
}

static long
act_personality(void)
{
	return syscall(SYS_personality, 0x0006 /* PER_BSD */);
}

static long
act_baseline(void)
{
	return syscall(SYS_getpid);
}

static const struct probe probes[] = {
	{ "baseline-getpid", NULL, act_baseline, 0, 0 },
	{ "ptrace", NULL, act_ptrace, 0, 0 },
	{ "process_vm_readv", NULL, act_vm_readv, 0, 0 },
	{ "process_vm_writev", NULL, act_vm_writev, 0, 0 },
	{ "mount", NULL, act_mount, 0, 0 },
	{ "umount2", setup_tmpfs, act_umount2, 0, 0 },
	{ "pivot_root", setup_pivot, act_pivot_root, 0, 0 },
	{ "unshare", NULL, act_unshare, 0, 0 },
	{ "setns", setup_nsfd, act_setns, 0, 0 },
	{ "keyctl", NULL, act_keyctl, 0, 0 },
	{ "add_key", NULL, act_add_key, 0, 0 },
	{ "request_key", setup_key, act_request_key, 0, 0 },
	{ "bpf", NULL, act_bpf, 0, 0 },
	{ "perf_event_open", NULL, act_perf, 0, 0 },
	{ "userfaultfd", NULL, act_userfaultfd, 0, 0 },
	{ "io_uring_setup", NULL, act_uring_setup, 0, 0 },
	{ "io_uring_enter", setup_uring, act_uring_enter, 0, 0 },
	{ "io_uring_register", setup_uring, act_uring_register, 0, 0 },
	{ "open_by_handle_at", setup_handle, act_open_by_handle, 0, 0 },
	{ "acct", NULL, act_acct, ENOENT, 0 },
	{ "clone-newuser", NULL, act_clone_ns, 0, 0 },
	{ "clone3", NULL, act_clone3, 0, ENOSYS },
	{ "socket-af_alg", NULL, act_af_alg, 0, 0 },
	{ "socket-af_vsock", NULL, act_af_vsock, 0, 0 },
	{ "personality-bsd", NULL, act_personality, 0, 0 },
};
#define NPROBES	(sizeof(probes) / sizeof(probes[0]))

/*
 * Run probe p in a fresh child inside private namespaces, under ctx (or
 * no filter when ctx is NULL).  Fills *res; returns the wait status.
 */
static int
probe_one(const struct probe *p, scmp_filter_ctx ctx, struct result *res)
{
	pid_t		 pid;
	int		 st = 0, i;
	long		 r;

	memset(res, 0, sizeof(*res));
	if ((pid = fork()) == -1) {
		res->state = 1;
		snprintf(res->why, sizeof(res->why), "fork: %s",
		    strerror(errno));
		return 0;
	}
	if (pid == 0) {
		alarm(5);
		if (ns_enter(NS_FLAGS) == -1) {
			res->state = 1;
			snprintf(res->why, sizeof(res->why), "%s", fail_why);
			_exit(1);
		}
		if (p->setup != NULL && p->setup() == -1) {
			res->state = 1;
			snprintf(res->why, sizeof(res->why), "setup: %s",
			    strerror(errno));
			_exit(1);
		}
		if (ctx != NULL && (r = seccomp_load(ctx)) != 0) {
			res->state = 1;
			snprintf(res->why, sizeof(res->why),
			    "seccomp_load: %s", strerror((int)-r));
			_exit(1);
		}
		errno = 0;
		r = p->act();
		res->ret = r;
		res->err = r < 0 ? errno : 0;
		res->state = 2;
		_exit(0);
	}
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &st, 0) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!WIFSTOPPED(st))
			break;
		/* A PTRACE_TRACEME child stops on signals: end it. */
		kill(pid, SIGKILL);
	}
	return st;
}

static int
control_through(const struct probe *p, const struct result *r, int st)
{
	if (r->state != 2 || !WIFEXITED(st))
		return 0;
	return r->ret >= 0 || (p->through_errno != 0 &&
	    r->err == p->through_errno);
}

static int
cmd_probe(int argc, char *argv[])
{
	struct result	*res;
	int		 through[NPROBES], st, i, unknown, bad = 0;
	size_t		 k;
	scmp_filter_ctx	 ctx;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	if (ns_read(getpid(), &parent_ns) == -1) {
		perror("/proc/self/ns");
		return 2;
	}
	snprintf(scratch, sizeof(scratch), "/tmp/atlas-probe.XXXXXX");
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	for (k = 0; k < NPROBES; k++) {
		st = probe_one(&probes[k], NULL, res);
		through[k] = control_through(&probes[k], res, st);
		if (res->state == 1)
			printf("control\t%s\terror\t%s\n", probes[k].name,
			    res->why);
		else if (through[k])
			printf("control\t%s\tthrough\tret=%ld\n",
			    probes[k].name, res->ret);
		else if (WIFSIGNALED(st))
			printf("control\t%s\tblocked\tsignal %d\n",
			    probes[k].name, WTERMSIG(st));
		else
			printf("control\t%s\tblocked\t%s\n", probes[k].name,
			    strerror(res->err));
	}
	for (i = 0; i < argc; i++) {
		if (compile_profile(argv[i], &ctx, &unknown) == -1) {
			printf("probe\t%s\t*\terror\tcompile: %s\n", argv[i],
			    fail_why);
			bad = 1;
			continue;
		}
		for (k = 0; k < NPROBES; k++) {
			const struct probe *p = &probes[k];
			const char	*verdict, *why;
			char		 det[160];

			if (!through[k]) {
				printf("probe\t%s\t%s\tskip\tcontrol blocked: "
				    "not counted\n", argv[i], p->name);
				continue;
			}
			st = probe_one(p, ctx, res);
			why = det;
			if (res->state == 1) {
				verdict = "error";
				why = res->why;
			} else if (WIFSIGNALED(st)) {
				verdict = WTERMSIG(st) == SIGSYS ?
				    "blocked" : "error";
				snprintf(det, sizeof(det), "killed by signal %d",
				    WTERMSIG(st));
			} else if (res->state != 2) {
				verdict = "error";
				snprintf(det, sizeof(det),
				    "child exited %d before the call",
				    WEXITSTATUS(st));
			} else if (res->ret >= 0 || (p->through_errno != 0 &&
			    res->err == p->through_errno)) {
				verdict = "allowed";
				snprintf(det, sizeof(det), "ret=%ld", res->ret);
			} else {
				verdict = "blocked";
				snprintf(det, sizeof(det), "errno %d (%s)",
				    res->err, strerror(res->err));
				if (p->want_errno != 0 &&
				    res->err != p->want_errno) {
					verdict = "wrong-errno";
					snprintf(det, sizeof(det),
					    "errno %d (%s), want %d (%s)",
					    res->err, strerror(res->err),
					    p->want_errno,
					    strerror(p->want_errno));
				}
			}
			printf("probe\t%s\t%s\t%s\t%s\n", argv[i], p->name,
			    verdict, why);
		}
		seccomp_release(ctx);
		fflush(stdout);
	}
	rmdir(scratch);
	munmap(res, sizeof(*res));
	return bad;
}

/* ---- other commands ------------------------------------------------- */

static int
cmd_compile(int argc, char *argv[])
{
	scmp_filter_ctx	 ctx;
	int		 i, unknown, bad = 0;

	for (i = 0; i < argc; i++) {
		if (compile_profile(argv[i], &ctx, &unknown) == -1) {
			printf("compile\t%s\terror\t%s\n", argv[i], fail_why);
			bad = 1;
			continue;
		}
		printf("compile\t%s\tok\t%d unknown names\n", argv[i],
		    unknown);
		seccomp_release(ctx);
	}
	return bad;
}

static int
cmd_export(const char *path, const char *out)
{
	scmp_filter_ctx	 ctx;
	int		 fd, unknown, rc;

	if (compile_profile(path, &ctx, &unknown) == -1) {
		fprintf(stderr, "%s: %s\n", path, fail_why);
		return 1;
	}
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		perror(out);
		seccomp_release(ctx);
		return 1;
	}
	rc = seccomp_export_bpf(ctx, fd);
	close(fd);
	seccomp_release(ctx);
	if (rc != 0) {
		fprintf(stderr, "%s: export: %s\n", path, strerror(-rc));
		return 1;
	}
	return 0;
}

static int
cmd_run(const char *path, char *argv[])
{
	scmp_filter_ctx	 ctx;
	int		 unknown, rc;

	if (compile_profile(path, &ctx, &unknown) == -1) {
		fprintf(stderr, "seccomp-harness: %s: %s\n", path, fail_why);
		return 125;
	}
	if (ns_read(getpid(), &parent_ns) == -1) {
		perror("seccomp-harness: /proc/self/ns");
		return 125;
	}
	if (ns_enter(NS_FLAGS | CLONE_NEWNET) == -1) {
		fprintf(stderr, "seccomp-harness: %s\n", fail_why);
		return 125;
	}
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
	    "size=512m,mode=1777") == -1) {
		fprintf(stderr, "seccomp-harness: tmpfs on /tmp: %s\n",
		    strerror(errno));
		return 125;
	}
	if ((rc = seccomp_load(ctx)) != 0) {
		fprintf(stderr, "seccomp-harness: seccomp_load: %s\n",
		    strerror(-rc));
		return 125;
	}
	execvp(argv[0], argv);
	/* stderr may be blocked by the filter; the status still tells. */
	return 127;
}

static void
usage(void)
{
	fprintf(stderr, "usage: seccomp-harness compile PROFILE...\n"
	    "       seccomp-harness export PROFILE OUT\n"
	    "       seccomp-harness probe PROFILE...\n"
	    "       seccomp-harness run PROFILE -- CMD [ARG...]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "compile") == 0)
		return cmd_compile(argc - 2, argv + 2);
	if (strcmp(argv[1], "export") == 0 && argc == 4)
		return cmd_export(argv[2], argv[3]);
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 2, argv + 2);
	if (strcmp(argv[1], "run") == 0 && argc >= 5 &&
	    strcmp(argv[3], "--") == 0)
		return cmd_run(argv[2], argv + 4);
	usage();
	return 2;
}

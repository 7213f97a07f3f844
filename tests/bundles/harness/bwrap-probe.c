/*
 * bwrap-probe: reports what a process sees inside a sandbox, one fact per
 * line ("KEY\tVALUE..."), for the "bwrap" bundle check, which runs it as
 * the command of a generated bubblewrap command line and asserts on the
 * output.  Built static so it runs in an empty root and under
 * an allowlist seccomp filter (it needs only common syscalls).
 *
 *   bwrap-probe PATH...
 *
 * Facts: for each PATH its filesystem type, read-only flag, size and
 * whether a file can be created there; network interfaces; whether a UDP
 * connect to a public address is routed; resource limits; the seccomp
 * mode, no_new_privs and effective capabilities; its session id (0 when
 * the session leader is outside its pid namespace); and whether
 * unshare(CLONE_NEWUSER) and ptrace work.
 */
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/magic.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *
fstype(long t)
{
	switch (t) {
	case TMPFS_MAGIC:
		return "tmpfs";
	case PROC_SUPER_MAGIC:
		return "proc";
	case EXT4_SUPER_MAGIC:
		return "ext4";
	case OVERLAYFS_SUPER_MAGIC:
		return "overlay";
	case SYSFS_MAGIC:
		return "sysfs";
	default:
		return "other";
	}
}

static void
path_facts(const char *path)
{
	struct statfs	 sf;
	char		 f[4096];
	int		 fd;
	const char	*w;

	if (statfs(path, &sf) == -1) {
		printf("path\t%s\tmissing\t-\t0\t%s\n", path, strerror(errno));
		return;
	}
	snprintf(f, sizeof(f), "%s/.atlas-probe-%d", strcmp(path, "/") == 0 ?
	    "" : path, (int)getpid());
	if ((fd = open(f, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600)) ==
	    -1)
		w = strerror(errno);
	else {
		close(fd);
		unlink(f);
		w = "writable";
	}
	printf("path\t%s\t%s\t%s\t%llu\t%s\n", path, fstype((long)sf.f_type),
	    (sf.f_flags & ST_RDONLY) ? "ro" : "rw",
	    (unsigned long long)sf.f_blocks * (unsigned long long)sf.f_bsize,
	    w);
}

static void
net_facts(void)
{
	struct if_nameindex	*ifs, *i;
	struct sockaddr_in	 sin;
	int			 s;

	printf("ifaces\t");
	if ((ifs = if_nameindex()) == NULL)
		printf("error %s", strerror(errno));
	else {
		for (i = ifs; i->if_index != 0; i++)
			printf("%s%s", i == ifs ? "" : ",", i->if_name);
		if_freenameindex(ifs);
	}
	printf("\n");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	sin.sin_addr.s_addr = htonl(0x01010101);	/* 1.1.1.1 */
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		printf("connect\tsocket: %s\n", strerror(errno));
	else {
		if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			printf("connect\t%s\n", strerror(errno));
		else
			printf("connect\trouted\n");
		close(s);
	}
}

static void
limit_facts(void)
{
	static const struct {
		const char	*name;
		int		 res;
	} lim[] = {
		{ "cpu", RLIMIT_CPU }, { "as", RLIMIT_AS },
		{ "data", RLIMIT_DATA }, { "nproc", RLIMIT_NPROC },
		{ "nofile", RLIMIT_NOFILE }, { "fsize", RLIMIT_FSIZE },
		{ "core", RLIMIT_CORE },
	};
	struct rlimit	 rl;
	size_t		 i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		if (getrlimit(lim[i].res, &rl) == -1)
			printf("rlimit\t%s\terror\n", lim[i].name);
		else if (rl.rlim_cur == RLIM_INFINITY)
			printf("rlimit\t%s\tunlimited\n", lim[i].name);
		else
			printf("rlimit\t%s\t%llu\n", lim[i].name,
			    (unsigned long long)rl.rlim_cur);
	}
}

/* Run fn in a child so a success cannot change this process. */
static void
child_try(const char *name, int (*fn)(void))
{
	pid_t	 pid;
	int	 st;

	fflush(stdout);
	if ((pid = fork()) == -1) {
		printf("%s\tfork: %s\n", name, strerror(errno));
		return;
	}
	if (pid == 0) {
		if (fn() == -1)
			_exit(errno & 0xff);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == -1)
		printf("%s\twait: %s\n", name, strerror(errno));
	else if (WIFSIGNALED(st))
		printf("%s\tkilled by signal %d\n", name, WTERMSIG(st));
	else if (WEXITSTATUS(st) == 0)
		printf("%s\tallowed\n", name);
	else
		printf("%s\t%s\n", name, strerror(WEXITSTATUS(st)));
}

static int
try_unshare(void)
{
	return unshare(CLONE_NEWUSER);
}

static int
try_ptrace(void)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1 ? -1 : 0;
}

static void
priv_facts(void)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 d[2];
	int				 r;

	r = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	if (r == -1)
		printf("seccomp\terror %s\n", strerror(errno));
	else
		printf("seccomp\t%d\n", r);
	printf("nnp\t%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	memset(&h, 0, sizeof(h));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &h, d) == -1)
		printf("capeff\terror %s\n", strerror(errno));
	else
		printf("capeff\t%08x%08x\n", d[1].effective, d[0].effective);
	printf("uid\t%d\n", (int)getuid());
	printf("sid\t%d\n", (int)getsid(0));
	child_try("unshare-user", try_unshare);
	child_try("ptrace", try_ptrace);
}

int
main(int argc, char *argv[])
{
	int	 i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	path_facts("/");
	for (i = 1; i < argc; i++)
		path_facts(argv[i]);
	net_facts();
	limit_facts();
	priv_facts();
	printf("end\n");
	return 0;
}

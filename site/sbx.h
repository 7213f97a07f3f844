/*
 * sbx: the build confines itself once its inputs are known (Linux).
 * Two layers, both inherited by every child forked afterwards:
 *  - Landlock: the process may then only read below the read paths,
 *    read and write (create, remove, rename) below the write paths,
 *    and nothing else on the file system; no TCP bind or connect; no
 *    signals to processes outside the sandbox; no abstract UNIX
 *    sockets outside it;
 *  - seccomp-bpf: an allow-list of the system calls a build makes;
 *    anything else fails with EPERM (never kills: the exit status stays
 *    0, 1 or 2, never a signal).  No exec, no sockets but UNIX socket
 *    pairs, no namespaces, no ptrace, no mount, bpf, keyctl, ...
 * The policy in detail, and why, is at the top of sbx.c.
 */
#ifndef SBX_H
#define SBX_H

#include "diag.h"

#define	SBX_OFF		0x01	/* do nothing (sanitizers, valgrind) */

/* The environment variable that opts out, like SBX_OFF. */
#define	SBX_ENV_OFF	"SANDBOX_ATLAS_NO_SANDBOX"

/*
 * Enters the sandbox for the rest of the process's life (there is no
 * way back).  read_paths and write_paths are NULL-terminated lists
 * (either may be NULL).  A read path that does not exist is skipped; a
 * write path that does not exist is created (mkdir -p).  Children that
 * already exist stay outside: fork workers after this call, since on
 * kernels with Landlock ABI 6 the caller can no longer signal them.
 * With SBX_OFF, or SANDBOX_ATLAS_NO_SANDBOX set to anything but "" or
 * "0", does nothing at all.  A kernel without Landlock or seccomp gets
 * a warning in d and the build goes on.  Returns 0, or -1 after
 * recording an error (the process may then be partly confined; the
 * caller fails the build).  Allocates nothing that outlives the call.
 */
int	sbx_enter(const char *const *read_paths,
	    const char *const *write_paths, int flags, struct diag *d);

/*
 * sbx_enter() for a subcommand of the project at root: read below
 * root/content, root/plugins, root/themes and the folders
 * root/themes/default and root/themes/default/node_modules point to
 * (they may be symlinks); write in the folder that holds out (NULL:
 * write nothing).  Call it after kb_load() (which runs git for the
 * build date) and before pl_open() (which forks the plugin workers,
 * so that they are confined too).
 */
int	sbx_enter_project(const char *root, const char *out, int flags,
	    struct diag *d);

/* The Landlock ABI version of the running kernel, 0 without one. */
int	sbx_landlock_abi(void);

/* 1 if the kernel accepts seccomp filters, else 0. */
int	sbx_seccomp_available(void);

#endif /* !SBX_H */

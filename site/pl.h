/*
 * pl: the Lua 5.4 plugin host.  Each .lua file directly under
 * plugins/ is loaded once, in its own lua_State, with only the base
 * (minus dofile, loadfile, print, warn, and load of binary chunks),
 * table, string (minus string.dump), math and utf8 libraries.  The
 * file must return a table {api = 1, <hook> = function, ...} with only
 * known keys: the metadata api, name, description, family, key (any
 * value but a function) and the hooks rank and bundle.  Plugins
 * receive deep copies of val trees as Lua tables and return plain
 * tables, which come back as val trees in the caller's arena.
 * math.random is seeded with a fixed value and math.randomseed needs an
 * explicit seed; collectgarbage only answers "count"; setmetatable
 * refuses __gc (finalisers would run outside every limit); xpcall runs
 * its handler after the call unwinds (Lua would run it with hooks off).
 * load(chunk [, name [, mode [, env]]]) takes strings only, always in
 * mode "t", with the plugin's globals or the env given.
 *
 * Conversion, val to Lua: VAL_STR, VAL_INT, VAL_NUM, VAL_BOOL become
 * string, integer, float, boolean; VAL_SEQ a sequence 1..n; VAL_MAP a
 * table with string keys.  VAL_NULL is nil in a map (the key is left
 * out) and at the top level (an argument), and the light userdata in
 * the global `null` inside a sequence, so sequences have no holes.
 *
 * Conversion, Lua to val (raw access; metatables are ignored): integers
 * become VAL_INT, floats VAL_NUM (NaN and infinities are errors),
 * strings VAL_STR (must be valid UTF-8 without NUL), booleans VAL_BOOL,
 * nil and `null` VAL_NULL.  A table whose keys are exactly the integers
 * 1..n is a VAL_SEQ; a table whose keys are all strings is a VAL_MAP
 * with its keys sorted by strcmp; an EMPTY table is an empty VAL_SEQ
 * (so JSON lists such as "notes" come out as [], and a consumer that
 * expects a map must accept an empty sequence as an empty map).  Mixed
 * keys, holes, other key types, functions, userdata other than `null`,
 * cycles, nesting deeper than 32 tables, and results larger than the
 * memory cap are errors naming the path, e.g.
 * "plugins/x.lua: rank result.items[2].f: cannot convert a function".
 *
 * Limits: a memory cap enforced by the lua_Alloc function, an
 * instruction budget per call that the plugin's own pcall cannot
 * swallow, and a wall-clock limit.  By default (limits.worker) each
 * plugin is loaded and run in its own forked worker process, so the
 * wall clock holds even inside a slow C library call: the worker is
 * killed when the time is up, runs under RLIMIT_CPU, and has an
 * RLIMIT_AS backstop (skipped under AddressSanitizer; see
 * pl_backstops()).  Any error is reported as "plugins/NAME.lua:LINE:
 * message" (or "plugins/NAME.lua: message" when no line is known) and
 * fails the call; each limit names itself ("memory cap of N bytes
 * exceeded", "instruction budget of N instructions exceeded",
 * "wall-clock limit of N ms exceeded", "... (worker killed)", "CPU
 * time limit of N s exceeded (worker killed by SIGXCPU)").  A plugin
 * stopped by a limit is disabled: later calls fail at once.
 */
#ifndef PL_H
#define PL_H

#include "diag.h"
#include "val.h"

struct	pl_host;

struct	pl_limits {
	size_t		 mem_bytes;	/* per plugin state */
	long long	 instructions;	/* per call */
	unsigned	 wall_ms;	/* per call, and for loading */
	unsigned	 cpu_s;		/* per call, worker's RLIMIT_CPU; 0: derived */
	int		 worker;	/* 1: run plugins in worker processes */
};

/* Fills in the defaults: 64 MiB, 200M instructions, 10 s, workers on,
 * and a CPU limit just above the moment the parent kills a worker
 * (wall clock + 25% + 100 ms, rounded up, + 1 s: 14 s), so that the
 * wall clock reports first and RLIMIT_CPU stays a backstop.  The time
 * limits (wall_ms, cpu_s) are multiplied by SANDBOX_ATLAS_LIMIT_SCALE
 * (a positive number; anything else counts as 1) for sanitizer and
 * valgrind runs.  Memory and instructions are not scaled: neither
 * depends on how fast the machine runs, and scaling the instruction
 * budget would let the wall clock trip first under valgrind. */
void		 pl_limits_default(struct pl_limits *);

/* Loads every *.lua directly in dir (the plugins folder), sorted by
 * name with strcmp; names starting with "." are skipped, and other
 * names must use only letters, digits, "-" and "_".  relpath is how
 * the folder is printed, e.g. "plugins".  A missing folder is an
 * empty host.  limits may be NULL for the defaults.  Every plugin is
 * tried, so all load errors are reported; then NULL is returned if
 * there was any.  The host is freed with pl_close(). */
struct pl_host	*pl_open(const char *dir, const char *relpath,
		    const struct pl_limits *, struct diag *);
/* Stops the workers, closes the states, frees the host.  NULL is ok. */
void		 pl_close(struct pl_host *);

size_t		 pl_count(const struct pl_host *);
/* The plugin's file name without ".lua"; owned by the host. */
const char	*pl_name(const struct pl_host *, size_t);	/* "rank" */
int		 pl_has(const struct pl_host *, size_t, const char *hook);
/* A plugin's non-function fields (e.g. api, family, key) as a map with
 * sorted keys, copied into the caller's arena. */
struct val	*pl_fields(const struct pl_host *, size_t, struct arena *);

/* Calls hook of plugin i with nargs vals (at most 16; NULL entries
 * are nil); the single return value is converted into *res
 * (allocated in ar; nil becomes VAL_NULL).  Returns 0, or -1 with a
 * diagnostic and *res NULL. */
int		 pl_call(struct pl_host *, size_t, const char *hook,
		    struct val **args, int nargs, struct arena *ar,
		    struct val **res, struct diag *);

/* Calls hook once per item of args[each] (a VAL_SEQ), with the other
 * arguments converted only once, all in one round trip; *res is a
 * VAL_SEQ of the results in order.  The instruction budget is per
 * item; the wall clock covers the whole batch. */
int		 pl_call_each(struct pl_host *, size_t, const char *hook,
		    struct val **args, int nargs, int each, struct arena *ar,
		    struct val **res, struct diag *);

/* Which process-level limits the workers run under. */
#define	PL_BS_WORKER	0x01	/* calls run in worker processes */
#define	PL_BS_CPU	0x02	/* RLIMIT_CPU is set per call */
#define	PL_BS_AS	0x04	/* RLIMIT_AS backstop (not under ASan) */
unsigned	 pl_backstops(const struct pl_host *);

#endif /* !PL_H */

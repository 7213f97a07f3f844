/*
 * pl: the Lua 5.4 plugin host (see pl.h).
 *
 * The file has four parts.  The engine runs one plugin in one
 * lua_State: a capped allocator (pl_alloc), a count hook that enforces
 * the instruction budget and the wall clock (pl_hook), a C message
 * handler (pl_msgh), the library set-up, and the conversions between
 * val trees and Lua values.  Every entry into Lua goes through
 * pl_protect(), a lua_pcall of a C function under pl_msgh, which makes
 * every message start with "plugins/NAME.lua".  When a limit trips,
 * the engine records the message once, re-arms the hook to raise on
 * every instruction (so the plugin's own pcall cannot swallow it), and
 * the call fails whatever the plugin returns.
 *
 * The workers: with limits.worker set, pl_open() forks one persistent
 * process per plugin before loading it, so even the load runs away
 * from the caller.  The worker sets RLIMIT_CORE 0, an RLIMIT_AS
 * backstop (not under AddressSanitizer, whose shadow memory needs
 * terabytes of address space) and, before each call, RLIMIT_CPU.
 * Parent and worker talk over a socket pair in frames (a native
 * 64-bit length, then the payload) carrying val trees in a small
 * tagged binary form (wr_*, rd_*).  The parent waits with poll() for
 * the wall clock plus a grace period that lets the worker's own hook
 * report first, then kills the worker.
 *
 * The host: listing the folder, the public functions.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* close_range(2) */
#endif

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "pl.h"

#if defined(__SANITIZE_ADDRESS__)
#define	PL_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define	PL_ASAN	1
#endif
#endif
#ifndef PL_ASAN
#define	PL_ASAN	0
#endif

#define	PL_MAXDEPTH	32		/* nested tables, both ways */
#define	PL_WIREDEPTH	(PL_MAXDEPTH + 8) /* the wire refuses deeper */
#define	PL_MAXARGS	16
#define	PL_MAXSRC	((size_t)1 << 20) /* plugin file size */
#define	PL_STEP		1000		/* instructions per hook call */
#define	PL_MAXLEVELS	100		/* frames searched for a line */
#define	PL_ERRMAX	512
#define	PL_SEED		42
#define	PL_EXIT_OOM	3		/* worker: C allocation failed */

enum	pl_trip {
	PL_TRIP_NONE,
	PL_TRIP_MEM,		/* the allocator's cap */
	PL_TRIP_SYSMEM,		/* realloc failed below the cap */
	PL_TRIP_INSN,
	PL_TRIP_WALL
};

static const char *const pl_hooks[] = { "rank", "bundle", NULL };
/* Sorted by strcmp: pl_fields() returns them in this order. */
static const char *const pl_meta[] = {
	"api", "description", "family", "key", "name", "verify", NULL
};
#define	PL_KNOWN	"api, name, description, family, key, verify, rank, bundle"

/* The address of this is the `null` sentinel. */
static const char	 pl_nullkey = 0;
#define	PL_NULL		((void *)&pl_nullkey)

struct	pl_plugin {
	char			*name;	/* "rank" (host arena) */
	char			*path;	/* "plugins/rank.lua" */
	char			*chunk;	/* "@plugins/rank.lua" */
	unsigned		 hooks;	/* bit i: provides pl_hooks[i] */
	struct val		*fields; /* host arena */
	int			 dead;	/* stopped by a limit */
	const struct pl_limits	*lim;	/* the host's */

	/* The engine, in this process or in the worker. */
	lua_State		*L;
	int			 ref;	/* registry: the returned table */
	int			 active; /* inside pl_protect() */
	size_t			 mem;	/* bytes held by L */
	const void		*rptr;	/* the last refused request */
	size_t			 rosize, rnsize;
	int			 rset;
	long long		 used;	/* instructions this call */
	int			 step;	/* instructions per hook call */
	uint64_t		 deadline; /* CLOCK_MONOTONIC, ns */
	int			 trip;	/* enum pl_trip */
	char			 err[PL_ERRMAX];

	/* The worker, seen from the parent. */
	pid_t			 pid;	/* 0: none */
	int			 fd;	/* -1: none */
};

struct	pl_host {
	struct pl_limits	 lim;
	struct arena		*ar;
	struct pl_plugin	*v;
	size_t			 n;
	unsigned		 backstops;
};

/* Conversion of a Lua value into a val tree. */
struct	pl_conv {
	struct arena	*ar;
	size_t		 left;	/* output budget, bytes */
	size_t		 limit;
	const char	*root;	/* "rank result", "field name" */
	const void	*seen[PL_MAXDEPTH + 1];
	char		 path[256];
	size_t		 plen;
};

struct	pl_pair {
	char		*k;
	struct val	*v;
};

struct	pl_loadctx {
	const char	*src;
	size_t		 len;
	struct arena	*ar;
	struct val	*fields;
	unsigned	 hooks;
};

struct	pl_callctx {
	const char	*hook;
	struct val	**args;
	int		 nargs;
	struct arena	*ar;
	struct val	*res;
};

static void	 pl_hook(lua_State *, lua_Debug *);

/* ---- errors and time ------------------------------------------------ */

static uint64_t
pl_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Makes s safe for a one-line diagnostic: control characters become
 * spaces, and a UTF-8 sequence cut off by truncation is dropped.
 */
static void
pl_clean(char *s)
{
	unsigned char	*u = (unsigned char *)s;
	size_t		 n, k, need;

	for (n = 0; u[n] != '\0'; n++)
		if (u[n] < 0x20 || u[n] == 0x7f)
			u[n] = ' ';
	k = n;
	while (k > 0 && (u[k - 1] & 0xc0) == 0x80)
		k--;
	if (k > 0 && u[k - 1] >= 0xc0) {
		need = u[k - 1] >= 0xf0 ? 3 : u[k - 1] >= 0xe0 ? 2 : 1;
		if (n - k < need)
			u[k - 1] = '\0';
	}
}

static void __attribute__((format(printf, 2, 3)))
pl_seterr(struct pl_plugin *p, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	pl_clean(p->err);
}

/* Returns 0 for valid UTF-8, 1 if there is a NUL byte, 2 if invalid. */
static int
pl_strcheck(const char *str, size_t n)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, k, need;
	unsigned		 c, cp, min;

	while (i < n) {
		c = s[i];
		if (c == 0)
			return 1;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return 2;
		if (n - i - 1 < need)
			return 2;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 2;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 2;
		i += need + 1;
	}
	return 0;
}

/* ---- the engine: state, allocator, hook ------------------------------ */

static struct pl_plugin *
pl_self(lua_State *L)
{
	return *(struct pl_plugin **)lua_getextraspace(L);
}

/*
 * The line of the innermost active function of the plugin's own file,
 * or 0.  [-0, +0, -]
 */
static int
pl_where(lua_State *L, const struct pl_plugin *p)
{
	lua_Debug	 ar;
	int		 lvl;

	for (lvl = 0; lvl < PL_MAXLEVELS && lua_getstack(L, lvl, &ar); lvl++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 &&
		    strcmp(ar.source, p->chunk) == 0)
			return ar.currentline;
	return 0;
}

/*
 * Records the first limit that trips, with the plugin's line when L is
 * given and a call is running, and makes the hook raise on every
 * instruction from now on.
 */
static void
pl_trip(struct pl_plugin *p, lua_State *L, enum pl_trip kind)
{
	char	 what[128];
	int	 line;

	if (p->trip != PL_TRIP_NONE)
		return;
	p->trip = kind;
	switch (kind) {
	case PL_TRIP_MEM:
		snprintf(what, sizeof(what),
		    "memory cap of %zu bytes exceeded", p->lim->mem_bytes);
		break;
	case PL_TRIP_SYSMEM:
		snprintf(what, sizeof(what), "out of memory below the memory "
		    "cap (address-space backstop or system limit)");
		break;
	case PL_TRIP_INSN:
		snprintf(what, sizeof(what),
		    "instruction budget of %lld instructions exceeded",
		    p->lim->instructions);
		break;
	default:
		snprintf(what, sizeof(what),
		    "wall-clock limit of %u ms exceeded", p->lim->wall_ms);
		break;
	}
	line = (L != NULL && p->active) ? pl_where(L, p) : 0;
	if (line > 0)
		pl_seterr(p, "%s:%d: %s", p->path, line, what);
	else
		pl_seterr(p, "%s: %s", p->path, what);
	if (L != NULL)
		lua_sethook(L, pl_hook, LUA_MASKCOUNT, 1);
}

/*
 * The lua_Alloc: refuses growth past the cap, never a shrink or a
 * free.  Lua answers a refusal with an emergency collection and the
 * same request again; only a second refusal of that same request
 * trips the limit, so garbage alone never stops a plugin.
 */
static void *
pl_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct pl_plugin	*p = ud;
	void			*np;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		p->mem -= osize;
		return NULL;
	}
	if (nsize > osize && nsize - osize > p->lim->mem_bytes - p->mem) {
		if (p->rset && p->rptr == ptr && p->rosize == osize &&
		    p->rnsize == nsize)
			pl_trip(p, p->L, PL_TRIP_MEM);
		p->rset = 1;
		p->rptr = ptr;
		p->rosize = osize;
		p->rnsize = nsize;
		return NULL;
	}
	if ((np = realloc(ptr, nsize)) == NULL) {
		if (nsize > osize)
			pl_trip(p, p->L, PL_TRIP_SYSMEM);
		return NULL;
	}
	p->mem = p->mem - osize + nsize;
	if (nsize > osize)
		p->rset = 0;
	return np;
}

/* Count hook: the instruction budget and the wall clock. */
static void
pl_hook(lua_State *L, lua_Debug *ar)
{
	struct pl_plugin	*p = pl_self(L);

	if (p->trip == PL_TRIP_NONE) {
		p->used += p->step;
		if (p->used >= p->lim->instructions)
			pl_trip(p, L, PL_TRIP_INSN);
		else if (pl_now() >= p->deadline)
			pl_trip(p, L, PL_TRIP_WALL);
		else
			return;
	}
	lua_pushstring(L, p->err);
	lua_error(L);
}

/* Starts the per-call budgets. */
static void
pl_begin(struct pl_plugin *p)
{
	p->used = 0;
	p->step = p->lim->instructions < PL_STEP ?
	    (int)p->lim->instructions : PL_STEP;
	p->rset = 0;
	p->deadline = pl_now() + (uint64_t)p->lim->wall_ms * 1000000u;
	if (p->trip == PL_TRIP_NONE)
		lua_sethook(p->L, pl_hook, LUA_MASKCOUNT, p->step);
}

/*
 * Message handler: prefixes "plugins/NAME.lua:LINE: " (the innermost
 * frame of the plugin's file) unless the message already names the
 * file.  [-0, +1, m]
 */
static int
pl_msgh(lua_State *L)
{
	struct pl_plugin	*p = pl_self(L);
	const char		*msg;
	size_t			 plen = strlen(p->path);
	int			 line;

	if (lua_type(L, 1) == LUA_TSTRING)
		msg = lua_tostring(L, 1);
	else
		msg = lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	if (strncmp(msg, p->path, plen) == 0 && msg[plen] == ':') {
		lua_pushstring(L, msg);
		return 1;
	}
	if ((line = pl_where(L, p)) > 0)
		lua_pushfstring(L, "%s:%d: %s", p->path, line, msg);
	else
		lua_pushfstring(L, "%s: %s", p->path, msg);
	return 1;
}

static int
pl_panic(lua_State *L)
{
	/* Unreachable: Lua is only entered through pl_protect(). */
	abort();
	return 0;
}

/*
 * Runs fn(ud) in protected mode under pl_msgh.  On error p->err holds
 * the message (a tripped limit's message wins).  Returns a Lua status;
 * a tripped limit makes it an error even if fn returned normally.
 */
static int
pl_protect(struct pl_plugin *p, lua_CFunction fn, void *ud)
{
	lua_State	*L = p->L;
	const char	*msg;
	size_t		 plen = strlen(p->path);
	int		 base, st;

	if (!lua_checkstack(L, 4)) {
		pl_seterr(p, "%s: Lua stack exhausted", p->path);
		return LUA_ERRRUN;
	}
	base = lua_gettop(L);
	lua_pushcfunction(L, pl_msgh);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	p->active = 1;
	st = lua_pcall(L, 1, 0, base + 1);
	p->active = 0;
	if (st == LUA_ERRMEM)
		pl_trip(p, NULL, PL_TRIP_MEM);
	if (st != LUA_OK && p->trip == PL_TRIP_NONE) {
		msg = lua_tostring(L, -1);
		if (msg == NULL)
			msg = "(error object is not a string)";
		if (strncmp(msg, p->path, plen) == 0 && msg[plen] == ':')
			pl_seterr(p, "%s", msg);
		else
			pl_seterr(p, "%s: %s", p->path, msg);
	}
	lua_settop(L, base);
	if (p->trip != PL_TRIP_NONE)
		return st == LUA_OK ? LUA_ERRRUN : st;
	return st;
}

/* load(chunk [, chunkname [, mode [, env]]]): text chunks only. */
static int
pl_lload(lua_State *L)
{
	const char	*s, *name;
	size_t		 len;
	int		 env = !lua_isnone(L, 4);

	if (lua_type(L, 1) != LUA_TSTRING)
		return luaL_error(L, "load: only strings can be loaded");
	s = lua_tolstring(L, 1, &len);
	name = luaL_optstring(L, 2, "=(load)");
	if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (env) {
		lua_pushvalue(L, 4);
		if (lua_setupvalue(L, -2, 1) == NULL)
			lua_pop(L, 1);
	}
	return 1;
}

static int
pl_lcollectgarbage(lua_State *L)
{
	const char	*opt = luaL_optstring(L, 1, "collect");

	if (strcmp(opt, "count") != 0)
		return luaL_error(L,
		    "collectgarbage: only \"count\" is allowed");
	lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) +
	    (lua_Number)lua_gc(L, LUA_GCCOUNTB, 0) / 1024);
	return 1;
}

/* setmetatable without __gc: finalisers run with hooks off. */
static int
pl_lsetmetatable(lua_State *L)
{
	int	 n = lua_gettop(L);

	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: __gc "
			    "metamethods are not allowed in plugins");
		lua_pop(L, 1);
	}
	if (n > 2) {
		n = 2;
		lua_settop(L, n);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, 1);
	return 1;
}

/*
 * xpcall(f, msgh, ...) as pcall(f, ...) followed by msgh(err) once the
 * call has unwound.  Lua runs a message handler with hooks suspended
 * when the error comes from a hook, so the real xpcall would let a
 * handler that never returns escape the instruction budget.  Without
 * the debug library a handler cannot inspect the stack, so plugins see
 * no difference.  Like xpcall, memory errors skip the handler.
 */
static int
pl_lxpcall(lua_State *L)
{
	int	 n = lua_gettop(L), i, st;

	luaL_checkany(L, 1);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	luaL_checkstack(L, n + 2, "too many arguments");
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	for (i = 3; i <= n; i++)
		lua_pushvalue(L, i);
	st = lua_pcall(L, n - 2, LUA_MULTRET, 0);
	if (st == LUA_OK)
		return lua_gettop(L) - n;
	if (st != LUA_ERRMEM) {
		lua_pushvalue(L, 2);
		lua_insert(L, -2);
		lua_call(L, 1, 1);
	}
	lua_pushboolean(L, 0);
	lua_insert(L, -2);
	return 2;
}

/* The deterministic pairs() of every plugin state (see pl_openlibs). */
static const char pl_pairs_src[] =
    "local next, type, sort, rawget = next, type, table.sort, rawget\n"
    "local rank = {number = 1, string = 2}\n"
    "local function before(a, b)\n"
    "  local ta, tb = type(a), type(b)\n"
    "  if ta ~= tb then return (rank[ta] or 3) < (rank[tb] or 3) or\n"
    "    ((rank[ta] or 3) == (rank[tb] or 3) and ta < tb) end\n"
    "  if ta == 'number' or ta == 'string' then return a < b end\n"
    "  return false\n"
    "end\n"
    "fill = function(text, vars)\n"
    "  if type(text) ~= 'string' or type(vars) ~= 'table' then\n"
    "    error('fill: expected a template string and a table', 2) end\n"
    "  return (text:gsub('{{([%w_%.%-]+)}}', function(k)\n"
    "    local v = vars[k]\n"
    "    if v == nil then error('fill: template variable ' .. k .. ' is not set', 2) end\n"
    "    return tostring(v)\n"
    "  end))\n"
    "end\n"
    "pairs = function(t)\n"
    "  if type(t) ~= 'table' then error('pairs: expected a table', 2) end\n"
    "  local keys, n = {}, 0\n"
    "  for k in next, t do n = n + 1; keys[n] = k end\n"
    "  sort(keys, before)\n"
    "  local i = 0\n"
    "  return function()\n"
    "    i = i + 1\n"
    "    local k = keys[i]\n"
    "    if k ~= nil then return k, rawget(t, k) end\n"
    "  end, t, nil\n"
    "end\n";

/* math.randomseed(x [, y]): an explicit seed keeps builds reproducible. */
static int
pl_lrandomseed(lua_State *L)
{
	int	 n = lua_gettop(L);

	if (n == 0)
		return luaL_error(L, "math.randomseed: a seed is required "
		    "(builds must be reproducible)");
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/* Opens the allowed libraries and trims them.  [-0, +0, e] */
static int
pl_setup(lua_State *L)
{
	static const luaL_Reg	 libs[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
		{ NULL, NULL }
	};
	static const char *const drop[] = {
		"dofile", "loadfile", "print", "warn", NULL
	};
	const luaL_Reg		*l;
	size_t			 i;

	for (l = libs; l->func != NULL; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	for (i = 0; drop[i] != NULL; i++) {
		lua_pushnil(L);
		lua_setfield(L, -2, drop[i]);
	}
	lua_pushcfunction(L, pl_lload);
	lua_setfield(L, -2, "load");
	lua_pushcfunction(L, pl_lcollectgarbage);
	lua_setfield(L, -2, "collectgarbage");
	lua_pushcfunction(L, pl_lxpcall);
	lua_setfield(L, -2, "xpcall");
	lua_getfield(L, -1, "setmetatable");
	lua_pushcclosure(L, pl_lsetmetatable, 1);
	lua_setfield(L, -2, "setmetatable");
	lua_pushlightuserdata(L, PL_NULL);
	lua_setfield(L, -2, "null");

	lua_getfield(L, -1, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);

	lua_getfield(L, -1, LUA_MATHLIBNAME);
	lua_getfield(L, -1, "randomseed");
	lua_pushvalue(L, -1);
	lua_pushinteger(L, PL_SEED);
	lua_call(L, 1, 0);
	lua_pushcclosure(L, pl_lrandomseed, 1);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 2);

	/*
	 * fill(text, vars) replaces every {{name}} in a bundle template
	 * with vars[name] and fails on a name it does not know.
	 *
	 * Lua seeds its string hashes per state, so next() and the stock
	 * pairs() visit keys in an order that changes from run to run.
	 * Plugins see a pairs() that visits keys sorted (numbers, then
	 * strings, then the rest by type name), so their output is
	 * reproducible.
	 */
	if (luaL_loadbufferx(L, pl_pairs_src, sizeof(pl_pairs_src) - 1,
	    "=pairs", "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 0);
	return 0;
}

/* ---- the engine: conversions ---------------------------------------- */

/* Raises "ROOTPATH: message".  [-0, +1, v] */
static int __attribute__((format(printf, 3, 4)))
pl_convfail(lua_State *L, struct pl_conv *c, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lua_pushfstring(L, "%s%s: %s", c->root, c->path, msg);
	return lua_error(L);
}

static void
pl_charge(lua_State *L, struct pl_conv *c, size_t n)
{
	if (n > c->left)
		pl_convfail(L, c, "result exceeds the size limit of %zu bytes",
		    c->limit);
	c->left -= n;
}

/* Appends ".key", "[\"key\"]" or "[i]" to the path; returns the old length. */
static size_t
pl_pathkey(struct pl_conv *c, const char *k, long long i)
{
	size_t	 old = c->plen, room = sizeof(c->path) - c->plen;
	size_t	 j;
	int	 ident = k != NULL && (k[0] == '_' ||
		    (k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z'));
	int	 n;

	for (j = 0; ident && k[j] != '\0'; j++)
		if (!(k[j] == '_' || (k[j] >= 'a' && k[j] <= 'z') ||
		    (k[j] >= 'A' && k[j] <= 'Z') || (k[j] >= '0' && k[j] <= '9')))
			ident = 0;
	if (k == NULL)
		n = snprintf(c->path + c->plen, room, "[%lld]", i);
	else if (ident)
		n = snprintf(c->path + c->plen, room, ".%.40s", k);
	else
		n = snprintf(c->path + c->plen, room, "[\"%.40s\"]", k);
	if (n > 0)
		c->plen += (size_t)n < room ? (size_t)n : room - 1;
	return old;
}

static void
pl_pathpop(struct pl_conv *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

static int
pl_paircmp(const void *a, const void *b)
{
	return strcmp(((const struct pl_pair *)a)->k,
	    ((const struct pl_pair *)b)->k);
}

static struct val	*pl_toval(lua_State *, struct pl_conv *, int, int);

/* A table into a VAL_SEQ or VAL_MAP (see pl.h).  [-0, +0, e] */
static struct val *
pl_totable(lua_State *L, struct pl_conv *c, int idx, int depth)
{
	const void	*tp = lua_topointer(L, idx);
	struct pl_pair	*pairs;
	struct val	*v;
	const char	*k;
	size_t		 nstr = 0, i, klen, old;
	long long	 nint = 0, maxi = 0, ki;
	int		 d, rc;

	for (d = 0; d < depth; d++)
		if (c->seen[d] == tp)
			pl_convfail(L, c, "the table contains itself");
	if (depth >= PL_MAXDEPTH)
		pl_convfail(L, c, "tables nested deeper than %d levels",
		    PL_MAXDEPTH);
	c->seen[depth] = tp;
	luaL_checkstack(L, 6, "result too deep");

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) == LUA_TSTRING)
			nstr++;
		else if (lua_isinteger(L, -2) &&
		    (ki = lua_tointeger(L, -2)) >= 1) {
			nint++;
			if (ki > maxi)
				maxi = ki;
		} else
			pl_convfail(L, c, "has a %s key (only strings and "
			    "sequence indices 1..n are allowed)",
			    lua_isnumber(L, -2) ? "non-positive or "
			    "non-integer number" : luaL_typename(L, -2));
		lua_pop(L, 1);
	}
	if (nstr > 0 && nint > 0)
		pl_convfail(L, c, "mixes string keys and sequence items");
	if (nint != maxi)
		pl_convfail(L, c, "is a sequence with holes (%lld items, "
		    "largest index %lld)", nint, maxi);

	if (nstr == 0) {
		pl_charge(L, c, (size_t)nint * sizeof(struct val *));
		v = val_seq(c->ar);
		for (ki = 1; ki <= nint; ki++) {
			lua_rawgeti(L, idx, ki);
			old = pl_pathkey(c, NULL, ki);
			val_push(c->ar, v, pl_toval(L, c, -1, depth + 1));
			pl_pathpop(c, old);
			lua_pop(L, 1);
		}
		return v;
	}

	pl_charge(L, c, nstr * sizeof(*pairs));
	pairs = ar_alloc(c->ar, nstr * sizeof(*pairs));
	i = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		k = lua_tolstring(L, -2, &klen);	/* a string: no conversion */
		old = pl_pathkey(c, k, 0);
		if ((rc = pl_strcheck(k, klen)) != 0)
			pl_convfail(L, c, "key %s", rc == 1 ?
			    "contains a NUL byte" : "is not valid UTF-8");
		pl_charge(L, c, klen + 1 + 2 * sizeof(void *));
		pairs[i].k = ar_strndup(c->ar, k, klen);
		pairs[i].v = pl_toval(L, c, -1, depth + 1);
		pl_pathpop(c, old);
		lua_pop(L, 1);
		i++;
	}
	qsort(pairs, nstr, sizeof(*pairs), pl_paircmp);
	v = val_map(c->ar);
	for (i = 0; i < nstr; i++)
		val_append(c->ar, v, pairs[i].k, pairs[i].v);
	return v;
}

/* The value at idx as a val in c->ar.  [-0, +0, e] */
static struct val *
pl_toval(lua_State *L, struct pl_conv *c, int idx, int depth)
{
	const char	*s;
	size_t		 len;
	double		 d;
	int		 rc;

	idx = lua_absindex(L, idx);
	pl_charge(L, c, sizeof(struct val));
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return val_null(c->ar);
	case LUA_TBOOLEAN:
		return val_bool(c->ar, lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return val_int(c->ar, lua_tointeger(L, idx));
		d = lua_tonumber(L, idx);
		if (!isfinite(d))
			pl_convfail(L, c, "is not a finite number");
		return val_num(c->ar, d);
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		if ((rc = pl_strcheck(s, len)) != 0)
			pl_convfail(L, c, "string %s", rc == 1 ?
			    "contains a NUL byte" : "is not valid UTF-8");
		pl_charge(L, c, len + 1);
		return val_strn(c->ar, s, len);
	case LUA_TTABLE:
		return pl_totable(L, c, idx, depth);
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == PL_NULL)
			return val_null(c->ar);
		break;
	default:
		break;
	}
	pl_convfail(L, c, "cannot convert a %s (only tables, strings, "
	    "numbers, booleans and null)", luaL_typename(L, idx));
	return NULL;
}

static void
pl_convinit(struct pl_conv *c, struct pl_plugin *p, struct arena *ar,
    const char *root)
{
	c->ar = ar;
	c->left = c->limit = p->lim->mem_bytes;
	c->root = root;
	c->plen = 0;
	c->path[0] = '\0';
}

/* Pushes v; see pl.h for the mapping.  [-0, +1, e] */
static void
pl_push(lua_State *L, const struct val *v, int depth, int inseq)
{
	size_t	 i, n;

	if (depth > PL_MAXDEPTH)
		luaL_error(L, "argument nested deeper than %d levels",
		    PL_MAXDEPTH);
	luaL_checkstack(L, 4, "argument too deep");
	if (v == NULL || v->kind == VAL_NULL) {
		if (inseq)
			lua_pushlightuserdata(L, PL_NULL);
		else
			lua_pushnil(L);
		return;
	}
	switch (v->kind) {
	case VAL_BOOL:
		lua_pushboolean(L, v->u.b);
		break;
	case VAL_INT:
		lua_pushinteger(L, (lua_Integer)v->u.i);
		break;
	case VAL_NUM:
		lua_pushnumber(L, (lua_Number)v->u.d);
		break;
	case VAL_STR:
		lua_pushlstring(L, v->u.str.s, v->u.str.len);
		break;
	case VAL_SEQ:
		n = v->u.seq.n;
		lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
		for (i = 0; i < n; i++) {
			pl_push(L, v->u.seq.v[i], depth + 1, 1);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	default:
		n = v->u.map.n;
		lua_createtable(L, 0, n > INT_MAX ? INT_MAX : (int)n);
		for (i = 0; i < n; i++) {
			if (v->u.map.v[i] == NULL ||
			    v->u.map.v[i]->kind == VAL_NULL)
				continue;
			lua_pushstring(L, v->u.map.k[i]);
			pl_push(L, v->u.map.v[i], depth + 1, 0);
			lua_rawset(L, -3);
		}
		break;
	}
}

/* ---- the engine: load, call, close ----------------------------------- */

/* Loads and runs the chunk, checks the returned table.  [-0, +0, e] */
static int
pl_loadfn(lua_State *L)
{
	struct pl_loadctx	*lc = lua_touserdata(L, 1);
	struct pl_plugin	*p = pl_self(L);
	struct pl_conv		 c;
	const char		*k;
	char			 root[64];
	int			 t, mink, i;

	if (luaL_loadbufferx(L, lc->src, lc->len, p->chunk, "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "the file must return a table "
		    "{api = 1, ...}, not a %s", luaL_typename(L, -1));
	t = lua_gettop(L);

	/* Unknown keys; the smallest is reported, for determinism. */
	lua_pushnil(L);
	mink = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			return luaL_error(L, "the returned table has a "
			    "non-string key (known keys: " PL_KNOWN ")");
		k = lua_tostring(L, -2);
		for (i = 0; pl_hooks[i] != NULL; i++)
			if (strcmp(k, pl_hooks[i]) == 0)
				break;
		if (pl_hooks[i] == NULL) {
			for (i = 0; pl_meta[i] != NULL; i++)
				if (strcmp(k, pl_meta[i]) == 0)
					break;
			if (pl_meta[i] == NULL && (lua_isnil(L, mink) ||
			    strcmp(k, lua_tostring(L, mink)) < 0)) {
				lua_pushvalue(L, -2);
				lua_replace(L, mink);
			}
		}
		lua_pop(L, 1);
	}
	if (!lua_isnil(L, mink))
		return luaL_error(L, "unknown key '%s' in the returned table "
		    "(known keys: " PL_KNOWN ")", lua_tostring(L, mink));

	lua_pushliteral(L, "api");
	lua_rawget(L, t);
	if (lua_isnil(L, -1))
		return luaL_error(L, "the returned table has no api field "
		    "(expected api = 1)");
	if (lua_type(L, -1) != LUA_TNUMBER)
		return luaL_error(L, "api must be the number 1, not a %s",
		    luaL_typename(L, -1));
	if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != 1)
		return luaL_error(L, "api = %s is not supported "
		    "(expected api = 1)", luaL_tolstring(L, -1, NULL));
	lua_pop(L, 1);

	lc->hooks = 0;
	for (i = 0; pl_hooks[i] != NULL; i++) {
		lua_pushstring(L, pl_hooks[i]);
		switch (lua_rawget(L, t)) {
		case LUA_TNIL:
			break;
		case LUA_TFUNCTION:
			lc->hooks |= 1u << i;
			break;
		default:
			return luaL_error(L, "hook '%s' must be a function, "
			    "not a %s", pl_hooks[i], luaL_typename(L, -1));
		}
		lua_pop(L, 1);
	}

	lc->fields = val_map(lc->ar);
	for (i = 0; pl_meta[i] != NULL; i++) {
		lua_pushstring(L, pl_meta[i]);
		if (lua_rawget(L, t) != LUA_TNIL) {
			snprintf(root, sizeof(root), "field %s", pl_meta[i]);
			pl_convinit(&c, p, lc->ar, root);
			val_append(lc->ar, lc->fields, pl_meta[i],
			    pl_toval(L, &c, -1, 0));
		}
		lua_pop(L, 1);
	}
	lua_settop(L, t);
	p->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* Calls a hook and converts its result.  [-0, +0, e] */
static int
pl_callfn(lua_State *L)
{
	struct pl_callctx	*cc = lua_touserdata(L, 1);
	struct pl_plugin	*p = pl_self(L);
	struct pl_conv		 c;
	char			 root[64];
	int			 i;

	const char		*hook = cc->hook;
	int			 each = -1, base, fn, n, k;

	/* "each:K:hook": call hook once per item of argument K. */
	if (strncmp(hook, "each:", 5) == 0 && hook[5] >= '0' &&
	    hook[5] <= '9' && hook[6] == ':') {
		each = hook[5] - '0';
		hook += 7;
		if (each >= cc->nargs || cc->args[each] == NULL ||
		    cc->args[each]->kind != VAL_SEQ)
			return luaL_error(L, "each: argument %d is not a list",
			    each + 1);
	}
	luaL_checkstack(L, cc->nargs + 8, "too many arguments");
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref);
	lua_pushstring(L, hook);
	if (lua_rawget(L, -2) != LUA_TFUNCTION)
		return luaL_error(L, "has no %s hook", hook);
	if (each < 0) {
		for (i = 0; i < cc->nargs; i++)
			pl_push(L, cc->args[i], 1, 0);
		lua_call(L, cc->nargs, 1);
		snprintf(root, sizeof(root), "%s result", hook);
		pl_convinit(&c, p, cc->ar, root);
		cc->res = pl_toval(L, &c, -1, 0);
		return 0;
	}
	/* Convert the fixed arguments once; each call gets the same
	 * tables, so a plugin must not rely on changing them. */
	fn = lua_gettop(L);
	base = fn;
	for (i = 0; i < cc->nargs; i++) {
		if (i == each)
			lua_pushnil(L);
		else
			pl_push(L, cc->args[i], 1, 0);
	}
	n = (int)cc->args[each]->u.seq.n;
	cc->res = val_seq(cc->ar);
	for (k = 0; k < n; k++) {
		lua_pushvalue(L, fn);
		for (i = 0; i < cc->nargs; i++) {
			if (i == each)
				pl_push(L, cc->args[each]->u.seq.v[k], 1, 0);
			else
				lua_pushvalue(L, base + 1 + i);
		}
		p->used = 0;	/* the instruction budget is per item */
		lua_call(L, cc->nargs, 1);
		snprintf(root, sizeof(root), "%s result[%d]", hook, k + 1);
		pl_convinit(&c, p, cc->ar, root);
		val_push(cc->ar, cc->res, pl_toval(L, &c, -1, 0));
		lua_pop(L, 1);
	}
	return 0;
}

/*
 * Creates the state, opens the libraries, runs the file.  The fields
 * are allocated in ar.  Returns 0, or -1 with p->err set.
 */
static int
pl_engine_open(struct pl_plugin *p, const char *src, size_t len,
    struct arena *ar, struct val **fields)
{
	struct pl_loadctx	 lc;

	p->trip = PL_TRIP_NONE;
	if ((p->L = lua_newstate(pl_alloc, p)) == NULL) {
		pl_seterr(p, "%s: cannot create a Lua state within the "
		    "memory cap of %zu bytes", p->path, p->lim->mem_bytes);
		return -1;
	}
	*(struct pl_plugin **)lua_getextraspace(p->L) = p;
	lua_atpanic(p->L, pl_panic);
	if (pl_protect(p, pl_setup, NULL) != LUA_OK)
		return -1;
	memset(&lc, 0, sizeof(lc));
	lc.src = src;
	lc.len = len;
	lc.ar = ar;
	pl_begin(p);
	if (pl_protect(p, pl_loadfn, &lc) != LUA_OK)
		return -1;
	*fields = lc.fields;
	p->hooks = lc.hooks;
	return 0;
}

/* Returns 0, or -1 with p->err set (and p->trip if a limit tripped). */
static int
pl_engine_call(struct pl_plugin *p, const char *hook, struct val **args,
    int nargs, struct arena *ar, struct val **res)
{
	struct pl_callctx	 cc;

	cc.hook = hook;
	cc.args = args;
	cc.nargs = nargs;
	cc.ar = ar;
	cc.res = NULL;
	pl_begin(p);
	if (pl_protect(p, pl_callfn, &cc) != LUA_OK)
		return -1;
	*res = cc.res;
	return 0;
}

/* No finalisers can exist (see pl_lsetmetatable), so this only frees. */
static void
pl_engine_close(struct pl_plugin *p)
{
	if (p->L != NULL)
		lua_close(p->L);
	p->L = NULL;
}

/* ---- the wire -------------------------------------------------------- */

static int
wr_u8(struct buf *b, unsigned c)
{
	unsigned char	 u = (unsigned char)c;

	return buf_put(b, &u, 1);
}

static int
wr_u64(struct buf *b, uint64_t x)
{
	return buf_put(b, &x, sizeof(x));
}

static int
wr_bytes(struct buf *b, const char *s, size_t n)
{
	if (wr_u64(b, n) == -1)
		return -1;
	return n ? buf_put(b, s, n) : 0;
}

/* Returns -1 when the buffer is full or the tree deeper than the wire allows. */
static int
wr_val(struct buf *b, const struct val *v, int depth)
{
	size_t	 i;

	if (depth > PL_WIREDEPTH)
		return -1;
	if (v == NULL)
		return wr_u8(b, 'z');
	switch (v->kind) {
	case VAL_NULL:
		return wr_u8(b, 'z');
	case VAL_BOOL:
		return wr_u8(b, v->u.b ? 'T' : 'F');
	case VAL_INT:
		if (wr_u8(b, 'i') == -1)
			return -1;
		return buf_put(b, &v->u.i, sizeof(v->u.i));
	case VAL_NUM:
		if (wr_u8(b, 'd') == -1)
			return -1;
		return buf_put(b, &v->u.d, sizeof(v->u.d));
	case VAL_STR:
		if (wr_u8(b, 's') == -1)
			return -1;
		return wr_bytes(b, v->u.str.s, v->u.str.len);
	case VAL_SEQ:
		if (wr_u8(b, 'a') == -1 || wr_u64(b, v->u.seq.n) == -1)
			return -1;
		for (i = 0; i < v->u.seq.n; i++)
			if (wr_val(b, v->u.seq.v[i], depth + 1) == -1)
				return -1;
		return 0;
	case VAL_MAP:
		if (wr_u8(b, 'm') == -1 || wr_u64(b, v->u.map.n) == -1)
			return -1;
		for (i = 0; i < v->u.map.n; i++)
			if (wr_bytes(b, v->u.map.k[i],
			    strlen(v->u.map.k[i])) == -1 ||
			    wr_val(b, v->u.map.v[i], depth + 1) == -1)
				return -1;
		return 0;
	}
	return -1;
}

struct	rd {
	const unsigned char	*p;
	size_t			 n;
};

static int
rd_u8(struct rd *r, unsigned *c)
{
	if (r->n < 1)
		return -1;
	*c = *r->p++;
	r->n--;
	return 0;
}

static int
rd_raw(struct rd *r, void *out, size_t n)
{
	if (r->n < n)
		return -1;
	memcpy(out, r->p, n);
	r->p += n;
	r->n -= n;
	return 0;
}

static int
rd_u64(struct rd *r, uint64_t *x)
{
	return rd_raw(r, x, sizeof(*x));
}

static int
rd_bytes(struct rd *r, const char **s, size_t *n)
{
	uint64_t	 len;

	if (rd_u64(r, &len) == -1 || len > r->n)
		return -1;
	*s = (const char *)r->p;
	*n = (size_t)len;
	r->p += len;
	r->n -= len;
	return 0;
}

static int
rd_val(struct rd *r, struct arena *ar, int depth, struct val **out)
{
	struct val	*v, *item;
	const char	*s;
	uint64_t	 n, i;
	size_t		 len;
	unsigned	 tag;

	if (depth > PL_WIREDEPTH || rd_u8(r, &tag) == -1)
		return -1;
	switch (tag) {
	case 'z':
		v = val_null(ar);
		break;
	case 'T':
	case 'F':
		v = val_bool(ar, tag == 'T');
		break;
	case 'i':
		v = val_int(ar, 0);
		if (rd_raw(r, &v->u.i, sizeof(v->u.i)) == -1)
			return -1;
		break;
	case 'd':
		v = val_num(ar, 0);
		if (rd_raw(r, &v->u.d, sizeof(v->u.d)) == -1)
			return -1;
		break;
	case 's':
		if (rd_bytes(r, &s, &len) == -1)
			return -1;
		v = val_strn(ar, s, len);
		break;
	case 'a':
		if (rd_u64(r, &n) == -1 || n > r->n)
			return -1;
		v = val_seq(ar);
		for (i = 0; i < n; i++) {
			if (rd_val(r, ar, depth + 1, &item) == -1)
				return -1;
			val_push(ar, v, item);
		}
		break;
	case 'm':
		if (rd_u64(r, &n) == -1 || n > r->n)
			return -1;
		v = val_map(ar);
		for (i = 0; i < n; i++) {
			if (rd_bytes(r, &s, &len) == -1 ||
			    memchr(s, '\0', len) != NULL ||
			    rd_val(r, ar, depth + 1, &item) == -1)
				return -1;
			val_append(ar, v, ar_strndup(ar, s, len), item);
		}
		break;
	default:
		return -1;
	}
	*out = v;
	return 0;
}

/* The largest frame a worker may send. */
static size_t
pl_maxframe(const struct pl_limits *lim)
{
	size_t	 m = lim->mem_bytes;

	if (m > (SIZE_MAX - ((size_t)16 << 20)) / 4)
		return SIZE_MAX;
	return 4 * m + ((size_t)16 << 20);
}

/*
 * Moves len bytes in or out before the deadline.  Returns 0, -1 on EOF
 * or error, -2 on timeout.
 */
static int
pl_io(int fd, int in, void *data, size_t len, uint64_t deadline)
{
	struct pollfd	 pfd;
	unsigned char	*p = data;
	uint64_t	 now, ms;
	ssize_t		 n;
	int		 r;

	while (len > 0) {
		if ((now = pl_now()) >= deadline)
			return -2;
		ms = (deadline - now + 999999) / 1000000;
		pfd.fd = fd;
		pfd.events = in ? POLLIN : POLLOUT;
		pfd.revents = 0;
		r = poll(&pfd, 1, ms > INT_MAX ? INT_MAX : (int)ms);
		if (r == -1 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
		if (in)
			n = recv(fd, p, len, MSG_DONTWAIT);
		else
			n = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Parent: reads one frame into *out (caller frees).  As pl_io(). */
static int
pl_recvframe(int fd, size_t max, uint64_t deadline, unsigned char **out,
    size_t *outlen)
{
	uint64_t	 len;
	unsigned char	*data;
	int		 r;

	*out = NULL;
	if ((r = pl_io(fd, 1, &len, sizeof(len), deadline)) != 0)
		return r;
	if (len > max || (data = malloc(len ? len : 1)) == NULL)
		return -1;
	if ((r = pl_io(fd, 1, data, len, deadline)) != 0) {
		free(data);
		return r;
	}
	*out = data;
	*outlen = len;
	return 0;
}

static int
pl_sendframe(int fd, const char *data, size_t len, uint64_t deadline)
{
	uint64_t	 n = len;
	int		 r;

	if ((r = pl_io(fd, 0, &n, sizeof(n), deadline)) != 0)
		return r;
	return pl_io(fd, 0, (void *)data, len, deadline);
}

/* Worker: blocking I/O.  Returns 0, or -1 on EOF or error. */
static int
pl_wio(int fd, int in, void *data, size_t len)
{
	unsigned char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = in ? recv(fd, p, len, 0) :
		    send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- the worker ------------------------------------------------------ */

/* The parent's deadline: the wall clock plus a grace period in which
 * the worker's own hook can report first (with a line number). */
static uint64_t
pl_grace_ms(unsigned wall_ms)
{
	return (uint64_t)wall_ms + wall_ms / 4 + 100;
}

static uint64_t
pl_deadline(const struct pl_limits *lim)
{
	return pl_now() + pl_grace_ms(lim->wall_ms) * 1000000u;
}

/* CPU time can only run out after the parent's deadline, so a CPU
 * limit derived from it leaves the wall clock to report first. */
static unsigned
pl_cpu_default(unsigned wall_ms)
{
	return (unsigned)((pl_grace_ms(wall_ms) + 999) / 1000 + 1);
}

static void
pl_child_oom(void)
{
	_exit(PL_EXIT_OOM);
}

static void
pl_closefds(int keep)
{
	int	 fd, max;

	if ((keep <= 3 || close_range(3, (unsigned)keep - 1, 0) == 0) &&
	    close_range((unsigned)keep + 1, ~0U, 0) == 0)
		return;
	max = (int)sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/* Sets RLIMIT_CORE and the RLIMIT_AS backstop; returns PL_BS_* flags. */
static unsigned
pl_rlimits(const struct pl_limits *lim)
{
	struct rlimit	 rl;
	unsigned	 bs = PL_BS_WORKER;
	FILE		*f;
	long		 pages = -1, psz;
	rlim_t		 as;

	rl.rlim_cur = rl.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &rl);
	if (getrlimit(RLIMIT_CPU, &rl) == 0)
		bs |= PL_BS_CPU;
	if (PL_ASAN)
		return bs;
	if ((f = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(f, "%ld", &pages) != 1)
			pages = -1;
		fclose(f);
	}
	psz = sysconf(_SC_PAGESIZE);
	if (pages <= 0 || psz <= 0 || getrlimit(RLIMIT_AS, &rl) == -1)
		return bs;
	as = (rlim_t)pages * (rlim_t)psz + (rlim_t)lim->mem_bytes * 4 +
	    ((rlim_t)256 << 20);
	if (rl.rlim_max != RLIM_INFINITY && as > rl.rlim_max)
		as = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max = as;
	if (setrlimit(RLIMIT_AS, &rl) == 0)
		bs |= PL_BS_AS;
	return bs;
}

/* RLIMIT_CPU: the CPU time used so far (rounded up) plus cpu_s. */
static void
pl_cpulimit(const struct pl_limits *lim)
{
	struct rusage	 ru;
	struct rlimit	 rl;
	rlim_t		 want;

	if (getrusage(RUSAGE_SELF, &ru) == -1 ||
	    getrlimit(RLIMIT_CPU, &rl) == -1)
		return;
	want = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + 1 +
	    lim->cpu_s;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	setrlimit(RLIMIT_CPU, &rl);
}

static int
pl_wsend(int fd, struct buf *b)
{
	uint64_t	 n = b->len;

	if (pl_wio(fd, 0, &n, sizeof(n)) == -1)
		return -1;
	return pl_wio(fd, 0, b->data, b->len);
}

static void
pl_wreply_err(struct buf *b, const struct pl_plugin *p)
{
	buf_reset(b);
	wr_u8(b, 1);
	wr_bytes(b, p->err, strlen(p->err));
	wr_u8(b, p->trip != PL_TRIP_NONE);
}

/* Worker: serves calls until the parent closes the socket. */
static void
pl_wloop(struct pl_plugin *p, int fd, struct buf *b)
{
	struct arena	*ar;
	struct val	*args[PL_MAXARGS], *res;
	struct rd	 r;
	const char	*s;
	char		*hook;
	unsigned char	*msg;
	uint64_t	 len, nargs, i;
	size_t		 slen;
	unsigned	 op;
	int		 ok;

	for (;;) {
		if (pl_wio(fd, 1, &len, sizeof(len)) == -1 ||
		    len > SIZE_MAX / 2 || (msg = malloc(len ? len : 1)) == NULL)
			return;
		if (pl_wio(fd, 1, msg, len) == -1) {
			free(msg);
			return;
		}
		ar = ar_new();
		r.p = msg;
		r.n = len;
		ok = rd_u8(&r, &op) == 0 && op == 'c' &&
		    rd_bytes(&r, &s, &slen) == 0 &&
		    rd_u64(&r, &nargs) == 0 && nargs <= PL_MAXARGS;
		for (i = 0; ok && i < nargs; i++)
			ok = rd_val(&r, ar, 0, &args[i]) == 0;
		if (!ok) {
			free(msg);
			ar_free(ar);
			return;
		}
		hook = ar_strndup(ar, s, slen);
		free(msg);
		pl_cpulimit(p->lim);
		buf_reset(b);
		if (pl_engine_call(p, hook, args, (int)nargs, ar, &res) == 0) {
			wr_u8(b, 0);
			if (wr_val(b, res, 0) == -1) {
				pl_seterr(p, "%s: %s result is too large to "
				    "return", p->path, hook);
				pl_wreply_err(b, p);
			}
		} else
			pl_wreply_err(b, p);
		ar_free(ar);
		if (pl_wsend(fd, b) == -1 || p->trip != PL_TRIP_NONE)
			return;
	}
}

/* Worker: never returns. */
static void __attribute__((noreturn))
pl_child(struct pl_plugin *p, int fd, char *src, size_t len, pid_t ppid)
{
	struct arena	*ar;
	struct val	*fields = NULL;
	struct buf	 b;
	unsigned	 bs;
	int		 rc;

	ar_set_oom(pl_child_oom);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != ppid)
		_exit(1);
	pl_closefds(fd);
	bs = pl_rlimits(p->lim);
	pl_cpulimit(p->lim);

	ar = ar_new();
	buf_init(&b, pl_maxframe(p->lim));
	rc = pl_engine_open(p, src, len, ar, &fields);
	free(src);
	if (rc == 0) {
		wr_u8(&b, 0);
		wr_u64(&b, p->hooks);
		wr_u64(&b, bs);
		if (wr_val(&b, fields, 0) == -1) {
			pl_seterr(p, "%s: metadata too large", p->path);
			p->trip = PL_TRIP_MEM;
			pl_wreply_err(&b, p);
			rc = -1;
		}
	} else
		pl_wreply_err(&b, p);
	ar_free(ar);
	if (pl_wsend(fd, &b) == 0 && rc == 0)
		pl_wloop(p, fd, &b);
	buf_free(&b);
	pl_engine_close(p);
	close(fd);
	_exit(0);
}

/*
 * Parent: closes the socket, waits up to the wall clock for the worker
 * to exit (at once with force), kills it after that.  Returns the wait
 * status, or 0 if there was no worker.
 */
static int
pl_reap(struct pl_plugin *p, int force)
{
	struct timespec	 ts = { 0, 2000000 };
	uint64_t	 until;
	pid_t		 r;
	int		 st = 0;

	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	if (p->pid <= 0)
		return 0;
	if (force)
		kill(p->pid, SIGKILL);
	until = pl_now() + (uint64_t)p->lim->wall_ms * 1000000u;
	for (;;) {
		r = waitpid(p->pid, &st, force ? 0 : WNOHANG);
		if (r == p->pid)
			break;
		if (r == -1 && errno != EINTR) {
			st = 0;
			break;
		}
		if (r == 0 && pl_now() >= until) {
			kill(p->pid, SIGKILL);
			force = 1;
		} else if (r == 0)
			nanosleep(&ts, NULL);
	}
	p->pid = 0;
	return st;
}

/* Parent: why a worker went away. */
static void
pl_death(struct pl_plugin *p, int st)
{
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU)
		pl_seterr(p, "%s: CPU time limit of %u s exceeded (worker "
		    "killed by SIGXCPU)", p->path, p->lim->cpu_s);
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		pl_seterr(p, "%s: worker killed by SIGKILL (CPU hard "
		    "limit or out of memory)", p->path);
	else if (WIFSIGNALED(st))
		pl_seterr(p, "%s: worker died from signal %d (%s)", p->path,
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == PL_EXIT_OOM)
		pl_seterr(p, "%s: worker ran out of memory (address-space "
		    "backstop)", p->path);
	else
		pl_seterr(p, "%s: worker exited unexpectedly (status %d)",
		    p->path, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/*
 * Parent: waits for one reply frame.  On success *out holds it (caller
 * frees); otherwise the worker is gone, p->err says why, p->dead is set.
 */
static int
pl_wreply(struct pl_plugin *p, uint64_t deadline, unsigned char **out,
    size_t *outlen)
{
	int	 r;

	r = pl_recvframe(p->fd, pl_maxframe(p->lim), deadline, out, outlen);
	if (r == 0)
		return 0;
	p->dead = 1;
	if (r == -2) {
		pl_reap(p, 1);
		pl_seterr(p, "%s: wall-clock limit of %u ms exceeded "
		    "(worker killed)", p->path, p->lim->wall_ms);
	} else
		pl_death(p, pl_reap(p, 0));
	return -1;
}

/* Parent: a reply's error part; the worker exits after a fatal one. */
static void
pl_wfail(struct pl_plugin *p, struct rd *r)
{
	const char	*s;
	size_t		 n;
	unsigned	 fatal = 1;

	if (rd_bytes(r, &s, &n) == -1 || rd_u8(r, &fatal) == -1 || n == 0)
		pl_seterr(p, "%s: malformed reply from the worker", p->path);
	else
		pl_seterr(p, "%.*s", (int)(n < PL_ERRMAX ? n : PL_ERRMAX), s);
	if (fatal) {
		p->dead = 1;
		pl_reap(p, 0);
	}
}

/* Parent: forks the worker and reads its load reply. */
static int
pl_spawn(struct pl_host *h, struct pl_plugin *p, char *src, size_t len)
{
	unsigned char	*msg;
	struct rd	 r;
	uint64_t	 hooks, bs, deadline;
	unsigned	 st;
	size_t		 mlen;
	pid_t		 ppid = getpid();
	int		 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		pl_seterr(p, "%s: socketpair: %s", p->path, strerror(errno));
		return -1;
	}
	/* Empty stdio buffers, or the worker could write them again. */
	fflush(NULL);
	deadline = pl_deadline(p->lim);
	switch (p->pid = fork()) {
	case -1:
		pl_seterr(p, "%s: fork: %s", p->path, strerror(errno));
		p->pid = 0;
		close(sv[0]);
		close(sv[1]);
		return -1;
	case 0:
		close(sv[0]);
		pl_child(p, sv[1], src, len, ppid);
	default:
		break;
	}
	close(sv[1]);
	p->fd = sv[0];
	if (pl_wreply(p, deadline, &msg, &mlen) == -1)
		return -1;
	r.p = msg;
	r.n = mlen;
	if (rd_u8(&r, &st) == -1 || st != 0) {
		pl_wfail(p, &r);
		free(msg);
		p->dead = 1;
		pl_reap(p, 0);
		return -1;
	}
	if (rd_u64(&r, &hooks) == -1 || rd_u64(&r, &bs) == -1 ||
	    rd_val(&r, h->ar, 0, &p->fields) == -1) {
		free(msg);
		pl_seterr(p, "%s: malformed reply from the worker", p->path);
		p->dead = 1;
		pl_reap(p, 1);
		return -1;
	}
	free(msg);
	p->hooks = (unsigned)hooks;
	h->backstops &= (unsigned)bs;
	return 0;
}

/* Parent: one call through the worker. */
static int
pl_wcall(struct pl_plugin *p, const char *hook, struct val **args,
    int nargs, struct arena *ar, struct val **res)
{
	unsigned char	*msg;
	struct buf	 b;
	struct rd	 r;
	uint64_t	 deadline;
	size_t		 mlen;
	unsigned	 st;
	int		 i, rc;

	buf_init(&b, 0);
	rc = wr_u8(&b, 'c') == -1 || wr_bytes(&b, hook, strlen(hook)) == -1 ||
	    wr_u64(&b, (uint64_t)nargs) == -1 ? -1 : 0;
	for (i = 0; rc == 0 && i < nargs; i++)
		rc = wr_val(&b, args[i], 0);
	if (rc == -1) {
		buf_free(&b);
		pl_seterr(p, "%s: %s: arguments too large or nested deeper "
		    "than %d levels", p->path, hook, PL_MAXDEPTH);
		return -1;
	}
	deadline = pl_deadline(p->lim);
	rc = pl_sendframe(p->fd, b.data, b.len, deadline);
	buf_free(&b);
	if (rc == -2) {
		p->dead = 1;
		pl_reap(p, 1);
		pl_seterr(p, "%s: wall-clock limit of %u ms exceeded "
		    "(worker killed)", p->path, p->lim->wall_ms);
		return -1;
	}
	if (rc == -1) {
		p->dead = 1;
		pl_death(p, pl_reap(p, 0));
		return -1;
	}
	if (pl_wreply(p, deadline, &msg, &mlen) == -1)
		return -1;
	r.p = msg;
	r.n = mlen;
	if (rd_u8(&r, &st) == -1 || st != 0) {
		pl_wfail(p, &r);
		free(msg);
		return -1;
	}
	rc = rd_val(&r, ar, 0, res);
	free(msg);
	if (rc == -1) {
		*res = NULL;
		pl_seterr(p, "%s: malformed reply from the worker", p->path);
		p->dead = 1;
		pl_reap(p, 1);
	}
	return rc;
}

/* ---- the host -------------------------------------------------------- */

void
pl_limits_default(struct pl_limits *lim)
{
	const char	*s = getenv("SANDBOX_ATLAS_LIMIT_SCALE");
	double		 scale = 1, w;
	char		*end;

	if (s != NULL && *s != '\0') {
		scale = strtod(s, &end);
		if (*end != '\0' || !isfinite(scale) || scale <= 0)
			scale = 1;
	}
	lim->mem_bytes = (size_t)64 << 20;
	lim->instructions = 200000000LL;
	w = 10000 * scale;
	lim->wall_ms = w >= (double)(UINT_MAX / 2) ? UINT_MAX / 2 :
	    w < 1 ? 1 : (unsigned)w;
	lim->cpu_s = pl_cpu_default(lim->wall_ms);
	lim->worker = 1;
}

static int
pl_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Lists the plugin files of dir, sorted, in h->ar.  Returns the count,
 * or -1 with a diagnostic.
 */
static long
pl_list(struct pl_host *h, const char *dir, const char *relpath,
    char ***out, struct diag *d)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 sb;
	char		**v = NULL, **nv, *full;
	size_t		 n = 0, cap = 0, len, i;
	int		 bad = 0;

	*out = NULL;
	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return diag_error(d, relpath, 0, 0, "cannot open: %s",
		    strerror(errno));
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 4 ||
		    strcmp(de->d_name + len - 4, ".lua") != 0)
			continue;
		full = ar_printf(h->ar, "%s/%s", dir, de->d_name);
		if (stat(full, &sb) == -1 || !S_ISREG(sb.st_mode))
			continue;
		for (i = 0; i < len - 4; i++) {
			unsigned char c = (unsigned char)de->d_name[i];

			if (!(c == '-' || c == '_' || (c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
				break;
		}
		if (i < len - 4) {
			diag_error(d, NULL, 0, 0, "%s/%.*s.lua: plugin file "
			    "names may use only letters, digits, '-' and '_'",
			    relpath, (int)(len - 4), de->d_name);
			bad = 1;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = ar_alloc(h->ar, cap * sizeof(*nv));
			if (n)
				memcpy(nv, v, n * sizeof(*nv));
			v = nv;
		}
		v[n++] = ar_strndup(h->ar, de->d_name, len - 4);
	}
	closedir(dp);
	if (bad)
		return -1;
	if (n)
		qsort(v, n, sizeof(*v), pl_namecmp);
	*out = v;
	return (long)n;
}

/* Reads a plugin file into a malloc'd buffer.  Returns 0 or -1. */
static int
pl_read(struct pl_plugin *p, const char *file, char **src, size_t *len)
{
	struct stat	 sb;
	ssize_t		 r;
	size_t		 n = 0;
	char		*b;
	int		 fd;

	*src = NULL;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		pl_seterr(p, "%s: cannot read: %s", p->path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (sb.st_size < 0 || (uint64_t)sb.st_size > PL_MAXSRC) {
		close(fd);
		pl_seterr(p, "%s: larger than %zu bytes", p->path, PL_MAXSRC);
		return -1;
	}
	if ((b = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		pl_seterr(p, "%s: out of memory", p->path);
		return -1;
	}
	while (n < (size_t)sb.st_size &&
	    (r = read(fd, b + n, (size_t)sb.st_size - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			pl_seterr(p, "%s: cannot read: %s", p->path,
			    strerror(errno));
			close(fd);
			free(b);
			return -1;
		}
		n += (size_t)r;
	}
	close(fd);
	*src = b;
	*len = n;
	return 0;
}

struct pl_host *
pl_open(const char *dir, const char *relpath, const struct pl_limits *lim,
    struct diag *d)
{
	struct pl_host		*h;
	struct pl_plugin	*p;
	char			**names, *src;
	size_t			 i, len;
	long			 n;
	int			 errs = 0;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		diag_error(d, relpath, 0, 0, "out of memory");
		return NULL;
	}
	if (lim != NULL)
		h->lim = *lim;
	else
		pl_limits_default(&h->lim);
	if (h->lim.instructions < 1)
		h->lim.instructions = 1;
	if (h->lim.wall_ms < 1)
		h->lim.wall_ms = 1;
	if (h->lim.cpu_s < 1)
		h->lim.cpu_s = pl_cpu_default(h->lim.wall_ms);
	h->backstops = h->lim.worker ?
	    PL_BS_WORKER | PL_BS_CPU | (PL_ASAN ? 0 : PL_BS_AS) : 0;
	h->ar = ar_new();
	if ((n = pl_list(h, dir, relpath, &names, d)) < 0) {
		pl_close(h);
		return NULL;
	}
	if (n > 0 && (h->v = calloc((size_t)n, sizeof(*h->v))) == NULL) {
		diag_error(d, relpath, 0, 0, "out of memory");
		pl_close(h);
		return NULL;
	}
	h->n = (size_t)n;
	for (i = 0; i < h->n; i++) {
		p = &h->v[i];
		p->name = names[i];
		p->path = ar_printf(h->ar, "%s/%s.lua", relpath, names[i]);
		p->chunk = ar_printf(h->ar, "@%s", p->path);
		p->lim = &h->lim;
		p->fd = -1;
		p->ref = LUA_NOREF;
	}
	for (i = 0; i < h->n; i++) {
		p = &h->v[i];
		if (pl_read(p, ar_printf(h->ar, "%s/%s.lua", dir, p->name),
		    &src, &len) == -1)
			goto fail;
		if (h->lim.worker) {
			if (pl_spawn(h, p, src, len) == -1) {
				free(src);
				goto fail;
			}
			free(src);
			continue;
		}
		if (pl_engine_open(p, src, len, h->ar, &p->fields) == -1) {
			free(src);
			goto fail;
		}
		free(src);
		continue;
 fail:
		diag_error(d, NULL, 0, 0, "%s", p->err);
		p->dead = 1;
		errs++;
	}
	if (errs) {
		pl_close(h);
		return NULL;
	}
	return h;
}

void
pl_close(struct pl_host *h)
{
	size_t	 i;

	if (h == NULL)
		return;
	/* Close every socket first so the workers exit together. */
	for (i = 0; i < h->n; i++) {
		if (h->v[i].fd != -1)
			close(h->v[i].fd);
		h->v[i].fd = -1;
	}
	for (i = 0; i < h->n; i++) {
		pl_reap(&h->v[i], 0);
		pl_engine_close(&h->v[i]);
	}
	free(h->v);
	if (h->ar != NULL)
		ar_free(h->ar);
	free(h);
}

size_t
pl_count(const struct pl_host *h)
{
	return h->n;
}

const char *
pl_name(const struct pl_host *h, size_t i)
{
	return i < h->n ? h->v[i].name : NULL;
}

static int
pl_hookbit(const char *hook)
{
	int	 i;

	for (i = 0; pl_hooks[i] != NULL; i++)
		if (strcmp(hook, pl_hooks[i]) == 0)
			return i;
	return -1;
}

int
pl_has(const struct pl_host *h, size_t i, const char *hook)
{
	int	 b;

	if (i >= h->n || (b = pl_hookbit(hook)) < 0)
		return 0;
	return (h->v[i].hooks >> b) & 1;
}

struct val *
pl_fields(const struct pl_host *h, size_t i, struct arena *ar)
{
	if (i >= h->n || h->v[i].fields == NULL)
		return val_map(ar);
	return val_copy(ar, h->v[i].fields);
}

unsigned
pl_backstops(const struct pl_host *h)
{
	return h->backstops;
}

int
pl_call_each(struct pl_host *h, size_t i, const char *hook, struct val **args,
    int nargs, int each, struct arena *ar, struct val **res, struct diag *d)
{
	char	 name[64];

	*res = NULL;
	if (i >= h->n)
		return diag_error(d, NULL, 0, 0, "no plugin number %zu", i);
	if (each < 0 || each > 9 || each >= nargs || strlen(hook) > 32)
		return diag_error(d, h->v[i].path, 0, 0, "%s: bad batch "
		    "argument", hook);
	if (!pl_has(h, i, hook))
		return diag_error(d, h->v[i].path, 0, 0, "has no %s hook",
		    hook);
	snprintf(name, sizeof(name), "each:%d:%s", each, hook);
	return pl_call(h, i, name, args, nargs, ar, res, d);
}

int
pl_call(struct pl_host *h, size_t i, const char *hook, struct val **args,
    int nargs, struct arena *ar, struct val **res, struct diag *d)
{
	struct pl_plugin	*p;
	const char		*base = hook;
	int			 rc;

	*res = NULL;
	if (i >= h->n)
		return diag_error(d, NULL, 0, 0, "no plugin number %zu", i);
	p = &h->v[i];
	if (strncmp(base, "each:", 5) == 0 && strlen(base) > 7)
		base += 7;
	if (!pl_has(h, i, base))
		return diag_error(d, p->path, 0, 0, "has no %s hook", hook);
	if (p->dead)
		return diag_error(d, p->path, 0, 0,
		    "disabled after an earlier failure");
	if (nargs < 0 || nargs > PL_MAXARGS)
		return diag_error(d, p->path, 0, 0,
		    "%s: %d arguments (at most %d)", hook, nargs, PL_MAXARGS);
	if (p->pid > 0)
		rc = pl_wcall(p, hook, args, nargs, ar, res);
	else {
		rc = pl_engine_call(p, hook, args, nargs, ar, res);
		if (rc == -1 && p->trip != PL_TRIP_NONE) {
			pl_engine_close(p);
			p->dead = 1;
		}
	}
	if (rc == -1) {
		*res = NULL;
		return diag_error(d, NULL, 0, 0, "%s", p->err);
	}
	return 0;
}

/*
 * test_pl: the Lua plugin host against the fixture folders in
 * tests/plugins/<case>/ (run from the project root, or pass the
 * fixtures folder as the first argument).  The round trip, the error
 * messages, the sandbox and the Lua-level limits run twice, in worker
 * processes and in this process; the limits that only a worker can
 * enforce (a slow C call, RLIMIT_CPU) run in worker mode.  Every
 * hostile test asserts which mechanism stopped the plugin.
 * SANDBOX_ATLAS_LIMIT_SCALE scales the wall-clock limits used here.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pl.h"
#include "tap.h"

static const char	*root = "tests/plugins";
static double		 scale = 1;
static char		 errbuf[2048];

static struct pl_limits
limits(size_t mib, long long insns, unsigned wall_ms, int worker)
{
	struct pl_limits	 l;

	pl_limits_default(&l);
	l.mem_bytes = mib << 20;
	l.instructions = insns;
	l.wall_ms = (unsigned)(wall_ms * scale);
	l.cpu_s = 0;	/* derived from wall_ms by pl_open() */
	l.worker = worker;
	return l;
}

static struct pl_host *
open_case(const char *name, const struct pl_limits *l, struct diag *d)
{
	char	 dir[512];

	snprintf(dir, sizeof(dir), "%s/%s", root, name);
	return pl_open(dir, "plugins", l, d);
}

/* The diagnostics without the last newline, in a static buffer. */
static const char *
text(struct diag *d)
{
	size_t	 n = d->text.len;

	if (n >= sizeof(errbuf))
		n = sizeof(errbuf) - 1;
	memcpy(errbuf, d->text.data ? d->text.data : "", n);
	while (n > 0 && errbuf[n - 1] == '\n')
		n--;
	errbuf[n] = '\0';
	return errbuf;
}

/* The first diagnostic of opening a case that must fail. */
static const char *
open_error(const char *name, const struct pl_limits *l)
{
	struct diag	 d;
	struct pl_host	*h;

	diag_init(&d);
	h = open_case(name, l, &d);
	if (h != NULL) {
		pl_close(h);
		diag_free(&d);
		return "(opened)";
	}
	text(&d);
	diag_free(&d);
	return errbuf;
}

/*
 * Opens a one-plugin case and calls rank with up to two string
 * arguments.  Returns NULL on success (*res in ar) or the diagnostic.
 */
static const char *
call_case(const char *name, const struct pl_limits *l, const char *a1,
    struct val *a2, struct arena *ar, struct val **res)
{
	struct diag	 d;
	struct pl_host	*h;
	struct val	*args[2];
	const char	*r = NULL;
	int		 n = 0;

	*res = NULL;
	diag_init(&d);
	if ((h = open_case(name, l, &d)) == NULL) {
		text(&d);
		diag_free(&d);
		return errbuf;
	}
	if (a1 != NULL)
		args[n++] = val_str(ar, a1);
	if (a2 != NULL)
		args[n++] = a2;
	if (pl_call(h, 0, "rank", args, n, ar, res, &d) == -1)
		r = text(&d);
	pl_close(h);
	diag_free(&d);
	return r;
}

static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 +
	    (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static const char *
json(struct val *v)
{
	static struct buf	 b;

	buf_free(&b);
	buf_init(&b, 0);
	val_json(&b, v, 0);
	return b.data ? b.data : "";
}

static void
test_good(int worker, const char *m)
{
	struct pl_limits	 l = limits(10, 10000000, 2000, worker);
	struct arena		*ar = ar_new();
	struct diag		 d;
	struct pl_host		*h;
	struct val		*args[3], *e, *req, *res, *f, *x;

	diag_init(&d);
	h = open_case("good", &l, &d);
	if (!ok(h != NULL, "%s: good opens", m)) {
		printf("# %s\n", text(&d));
		diag_free(&d);
		ar_free(ar);
		return;
	}
	is_int((long long)pl_count(h), 2, "%s: two plugins", m);
	is_str(pl_name(h, 0), "echo", "%s: sorted by name: echo", m);
	is_str(pl_name(h, 1), "meta", "%s: then meta", m);
	ok(pl_has(h, 0, "rank") && !pl_has(h, 0, "bundle"), "%s: echo has rank only", m);
	ok(!pl_has(h, 1, "rank") && pl_has(h, 1, "bundle"), "%s: meta has bundle only", m);
	ok(!pl_has(h, 0, "nosuch"), "%s: unknown hook is absent", m);
	is_str(json(pl_fields(h, 1, ar)),
	    "{\"api\":1,\"family\":\"docker\",\"key\":[\"a\",\"b\"],\"name\":\"Meta\"}",
	    "%s: meta fields, sorted", m);
	is_str(json(pl_fields(h, 0, ar)),
	    "{\"api\":1,\"description\":\"returns its arguments\",\"name\":\"Echo\"}",
	    "%s: echo fields", m);

	e = val_seq(ar);
	val_push(ar, e, val_str(ar, "a"));
	val_push(ar, e, val_null(ar));
	x = val_map(ar);
	val_set(ar, x, "k", val_int(ar, 7));
	val_push(ar, e, x);
	req = val_map(ar);
	val_set(ar, req, "n", val_int(ar, 5));
	val_set(ar, req, "x", val_num(ar, 2.5));
	val_set(ar, req, "missing", val_null(ar));
	val_set(ar, req, "s", val_str(ar, "\xc3\xbc"));
	args[0] = e;
	args[1] = req;
	args[2] = val_map(ar);
	res = NULL;
	if (!ok(pl_call(h, 0, "rank", args, 3, ar, &res, &d) == 0,
	    "%s: echo rank succeeds", m))
		printf("# %s\n", text(&d));
	is_str(json(res),
	    "{\"Zkey\":1,\"akey\":2,\"empty\":[],"
	    "\"entries\":[\"a\",null,{\"k\":7}],"
	    "\"floats\":[0.5,-1.25,1e+300,3],"
	    "\"ints\":[1,-2,9223372036854775807,-9223372036854775808],"
	    "\"kinds\":[\"integer\",\"float\",\"string\",\"boolean\"],"
	    "\"nargs\":3,\"nested\":{\"a\":{\"b\":{\"c\":[\"deep\"]}}},"
	    "\"no\":false,\"nothing\":null,\"nulls\":[1,null,3],"
	    "\"req\":{\"n\":5,\"s\":\"\xc3\xbc\",\"x\":2.5},"
	    "\"req_missing_absent\":true,\"req_n\":\"integer\","
	    "\"req_x\":\"float\",\"rules\":[],\"second_is_null\":true,"
	    "\"utf8\":\"h\xc3\xa9llo \xe2\x80\x94 \xe2\x9c\x93 \xf0\x9f\x99\x82\","
	    "\"with space\":3,\"yes\":true}",
	    "%s: echo round trip (sorted keys, null rules)", m);
	if (res != NULL && res->kind == VAL_MAP) {
		f = val_get(res, "floats");
		ok(f != NULL && val_at(f, 3)->kind == VAL_NUM &&
		    val_at(f, 3)->u.d == 3.0, "%s: 3.0 stays a float", m);
		f = val_get(res, "ints");
		ok(f != NULL && val_at(f, 0)->kind == VAL_INT,
		    "%s: 1 stays an integer", m);
		ok(val_get(res, "yes")->kind == VAL_BOOL &&
		    val_get(res, "yes")->u.b == 1, "%s: true is VAL_BOOL", m);
		ok(val_get(res, "nothing")->kind == VAL_NULL,
		    "%s: null is VAL_NULL", m);
		ok(val_get(res, "empty")->kind == VAL_SEQ,
		    "%s: empty table is an empty VAL_SEQ", m);
		x = val_get(res, "utf8");
		ok(x->kind == VAL_STR && x->u.str.len == 19,
		    "%s: UTF-8 string length kept", m);
	} else
		ok(0, "%s: result is a map", m);

	x = val_map(ar);
	val_set(ar, x, "slug", val_str(ar, "gvisor"));
	args[0] = x;
	args[1] = args[2] = NULL;
	if (!ok(pl_call(h, 1, "bundle", args, 3, ar, &res, &d) == 0,
	    "%s: meta bundle succeeds", m))
		printf("# %s\n", text(&d));
	is_str(json(res), "{\"Dockerfile\":\"FROM scratch\\n\","
	    "\"k8s/pod.yaml\":\"kind: Pod\\nname: gvisor\\n\"}",
	    "%s: bundle files", m);
	ok(pl_call(h, 1, "rank", args, 0, ar, &res, &d) == -1 &&
	    strstr(text(&d), "plugins/meta.lua: has no rank hook") != NULL,
	    "%s: calling a missing hook fails", m);
	pl_close(h);
	diag_free(&d);
	ar_free(ar);
}

static void
test_errors(int worker, const char *m)
{
	struct pl_limits	 l = limits(10, 10000000, 2000, worker);
	struct arena		*ar = ar_new();
	struct diag		 d;
	struct pl_host		*h;
	struct val		*res, *arg;

	is_str(open_error("syntax", &l),
	    "plugins/bad.lua:4: unexpected symbol near '='",
	    "%s: syntax error", m);
	is_str(open_error("loaderr", &l),
	    "plugins/boom.lua:2: attempt to index a nil value (local 'x')",
	    "%s: runtime error while loading", m);
	is_str(open_error("unknown", &l),
	    "plugins/x.lua: unknown key 'frobnicate' in the returned table "
	    "(known keys: api, name, description, family, key, verify, rank, bundle)",
	    "%s: unknown key (the first by name)", m);
	is_str(open_error("noapi", &l),
	    "plugins/x.lua: the returned table has no api field "
	    "(expected api = 1)", "%s: missing api", m);
	is_str(open_error("badname", &l),
	    "plugins/bad.name.lua: plugin file names may use only letters, "
	    "digits, '-' and '_'", "%s: bad file name", m);
	is_str(open_error("multi", &l),
	    "plugins/a.lua:3: unexpected symbol near 'end'\n"
	    "plugins/b.lua: api = 2 is not supported (expected api = 1)",
	    "%s: every load error is reported", m);
	is_str(open_error("loadloop", &l),
	    "plugins/loop.lua:1: instruction budget of 10000000 instructions "
	    "exceeded", "%s: endless loop while loading", m);

	diag_init(&d);
	h = open_case("nonexistent", &l, &d);
	ok(h != NULL && pl_count(h) == 0 && d.nerr == 0,
	    "%s: a missing folder is an empty host", m);
	pl_close(h);

	h = open_case("runtime", &l, &d);
	ok(h != NULL, "%s: runtime opens", m);
	if (h != NULL) {
		arg = val_str(ar, "index");
		pl_call(h, 0, "rank", &arg, 1, ar, &res, &d);
		is_str(text(&d), "plugins/rt.lua:2: attempt to index a nil "
		    "value (field 'field')", "%s: error in a helper", m);
		buf_reset(&d.text);
		arg = val_str(ar, "error");
		pl_call(h, 0, "rank", &arg, 1, ar, &res, &d);
		is_str(text(&d), "plugins/rt.lua:11: boom", "%s: error()", m);
		buf_reset(&d.text);
		arg = val_str(ar, "table");
		pl_call(h, 0, "rank", &arg, 1, ar, &res, &d);
		is_str(text(&d), "plugins/rt.lua:13: (error object is a table "
		    "value)", "%s: error with a table", m);
		buf_reset(&d.text);
		arg = val_str(ar, "level0");
		pl_call(h, 0, "rank", &arg, 1, ar, &res, &d);
		is_str(text(&d), "plugins/rt.lua:15: no position",
		    "%s: error(msg, 0) gets the line", m);
		buf_reset(&d.text);
		arg = val_str(ar, "fine");
		ok(pl_call(h, 0, "rank", &arg, 1, ar, &res, &d) == 0 &&
		    strcmp(json(res), "{\"mode\":\"fine\"}") == 0,
		    "%s: an ordinary error leaves the plugin usable", m);
	}
	pl_close(h);
	diag_free(&d);
	ar_free(ar);
}

static void
test_sandbox(int worker, const char *m, long long *random)
{
	struct pl_limits	 l = limits(10, 10000000, 2000, worker);
	struct arena		*ar = ar_new();
	struct val		*res, *a, *r;
	const char		*err;
	size_t			 i;

	err = call_case("sandbox", &l, NULL, NULL, ar, &res);
	if (!ok(err == NULL && res != NULL, "%s: sandbox probe runs", m)) {
		printf("# %s\n", err ? err : "");
		ar_free(ar);
		return;
	}
	a = val_get(res, "absent");
	for (i = 0; a != NULL && i < a->u.map.n; i++)
		ok(a->u.map.v[i]->kind == VAL_BOOL && a->u.map.v[i]->u.b,
		    "%s: %s is absent", m, a->u.map.k[i]);
	is_int((long long)val_len(a), 10, "%s: ten names probed", m);
	ok(val_truthy(val_get(res, "binary_rejected")),
	    "%s: load of a binary chunk fails", m);
	ok(val_getstr(res, "binary_err") != NULL &&
	    strstr(val_getstr(res, "binary_err"), "binary chunk") != NULL,
	    "%s: ... saying so (%s)", m, val_getstr(res, "binary_err"));
	r = val_get(res, "text_load");
	ok(r != NULL && r->kind == VAL_INT && r->u.i == 2,
	    "%s: load of text works", m);
	r = val_get(res, "env_load");
	ok(r != NULL && r->kind == VAL_INT && r->u.i == 5,
	    "%s: load with an env works", m);
	ok(val_truthy(val_get(res, "reader_rejected")),
	    "%s: load of a reader function fails", m);
	ok(val_truthy(val_get(res, "gc_count")), "%s: collectgarbage(\"count\")", m);
	ok(val_truthy(val_get(res, "gc_collect")) &&
	    val_truthy(val_get(res, "gc_noarg")),
	    "%s: other collectgarbage options fail", m);
	ok(val_truthy(val_get(res, "gc_meta")), "%s: __gc is refused", m);
	ok(val_truthy(val_get(res, "setmeta_ok")),
	    "%s: setmetatable still works", m);
	ok(val_truthy(val_get(res, "seed_noarg")),
	    "%s: math.randomseed() without a seed fails", m);
	is_str(json(val_get(res, "xpcall_ok")), "[true,3,\"two\"]",
	    "%s: xpcall returns the results", m);
	is_str(json(val_get(res, "xpcall_err")), "[false,\"handled e\"]",
	    "%s: xpcall runs the handler on error", m);
	is_str(json(val_get(res, "libs")), "{\"math\":\"function\","
	    "\"string\":\"function\",\"table\":\"function\","
	    "\"utf8\":\"function\"}", "%s: the allowed libraries are there", m);
	r = val_get(res, "random");
	ok(r != NULL && r->kind == VAL_INT, "%s: math.random ran", m);
	if (r != NULL && *random == 0)
		*random = r->u.i;
	else if (r != NULL)
		is_int(r->u.i, *random, "%s: math.random is deterministic", m);
	ar_free(ar);
}

static void
test_convert(int worker, const char *m)
{
	static const struct {
		const char	*which, *want;
	} cases[] = {
		{ "fn", "plugins/conv.lua: rank result.items[2].f: cannot "
		    "convert a function (only tables, strings, numbers, "
		    "booleans and null)" },
		{ "cycle", "plugins/conv.lua: rank result.self: the table "
		    "contains itself" },
		{ "mixed", "plugins/conv.lua: rank result: mixes string keys "
		    "and sequence items" },
		{ "holes", "plugins/conv.lua: rank result: is a sequence with "
		    "holes (2 items, largest index 3)" },
		{ "nan", "plugins/conv.lua: rank result.score: is not a "
		    "finite number" },
		{ "nul", "plugins/conv.lua: rank result.s: string contains a "
		    "NUL byte" },
		{ "utf8", "plugins/conv.lua: rank result.s: string is not "
		    "valid UTF-8" },
		{ "boolkey", "plugins/conv.lua: rank result: has a boolean key "
		    "(only strings and sequence indices 1..n are allowed)" },
		{ "blowup", "result exceeds the size limit of 10485760 bytes" },
		{ "deep", "rank result.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x"
		    ".x.x.x.x.x.x.x.x.x.x.x.x: tables nested deeper than 32 "
		    "levels" },
	};
	struct pl_limits	 l = limits(10, 10000000, 2000, worker);
	struct arena		*ar = ar_new();
	struct val		*res, *deep, *v;
	const char		*err;
	size_t			 i;
	int			 n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = call_case("convert", &l, cases[i].which, NULL, ar, &res);
		if (strncmp(cases[i].want, "plugins/", 8) == 0)
			is_str(err, cases[i].want, "%s: result %s", m,
			    cases[i].which);
		else
			ok(err != NULL && strstr(err, cases[i].want) != NULL,
			    "%s: result %s (%s)", m, cases[i].which,
			    err ? err : "no error");
	}
	err = call_case("convert", &l, "nothing", NULL, ar, &res);
	ok(err == NULL && res != NULL && res->kind == VAL_NULL,
	    "%s: no result is VAL_NULL", m);
	err = call_case("convert", &l, "nullval", NULL, ar, &res);
	ok(err == NULL && res != NULL && res->kind == VAL_NULL,
	    "%s: null result is VAL_NULL", m);

	deep = v = val_map(ar);
	for (n = 0; n < 40; n++) {
		val_set(ar, v, "x", val_map(ar));
		v = val_get(v, "x");
	}
	err = call_case("convert", &l, "arg", deep, ar, &res);
	is_str(err, "plugins/conv.lua: argument nested deeper than 32 levels",
	    "%s: too deep an argument", m);
	ar_free(ar);
}

/* The limits a plugin cannot escape. */
static void
test_limits(int worker, const char *m)
{
	struct pl_limits	 l = limits(10, 10000000, 3000, worker);
	struct arena		*ar = ar_new();
	struct diag		 d;
	struct pl_host		*h;
	struct val		*res;
	const char		*err;
	char			 want[128];

	err = call_case("loop", &l, NULL, NULL, ar, &res);
	is_str(err, "plugins/loop.lua:4: instruction budget of 10000000 "
	    "instructions exceeded", "%s: while true do end", m);
	err = call_case("pcallloop", &l, NULL, NULL, ar, &res);
	is_str(err, "plugins/loop.lua:5: instruction budget of 10000000 "
	    "instructions exceeded", "%s: pcall cannot swallow the budget", m);
	err = call_case("xpcallloop", &l, NULL, NULL, ar, &res);
	is_str(err, "plugins/loop.lua:5: instruction budget of 10000000 "
	    "instructions exceeded", "%s: an endless xpcall handler is "
	    "stopped too", m);
	err = call_case("membomb", &l, NULL, NULL, ar, &res);
	is_str(err, "plugins/bomb.lua:4: memory cap of 10485760 bytes "
	    "exceeded", "%s: memory bomb", m);
	err = call_case("mempcall", &l, NULL, NULL, ar, &res);
	is_str(err, "plugins/bomb.lua:2: memory cap of 10485760 bytes "
	    "exceeded", "%s: pcall cannot swallow the memory cap", m);

	l = limits(10, 1000000000000000LL, 300, worker);
	snprintf(want, sizeof(want), "plugins/spin.lua:5: wall-clock limit "
	    "of %u ms exceeded", l.wall_ms);
	err = call_case("walllua", &l, NULL, NULL, ar, &res);
	is_str(err, want, "%s: wall clock in Lua code (hook)", m);

	/* A tripped plugin stays disabled. */
	l = limits(10, 10000000, 3000, worker);
	diag_init(&d);
	h = open_case("loop", &l, &d);
	ok(h != NULL && pl_call(h, 0, "rank", NULL, 0, ar, &res, &d) == -1,
	    "%s: loop fails once", m);
	buf_reset(&d.text);
	ok(h != NULL && pl_call(h, 0, "rank", NULL, 0, ar, &res, &d) == -1 &&
	    strcmp(text(&d), "plugins/loop.lua: disabled after an earlier "
	    "failure") == 0, "%s: and then stays disabled", m);
	pl_close(h);
	diag_free(&d);
	ar_free(ar);
}

/* Only a worker can stop a C function that never returns. */
static void
test_worker_only(void)
{
	struct pl_limits	 l = limits(10, 10000000, 1000, 1);
	struct arena		*ar = ar_new();
	struct diag		 d;
	struct pl_host		*h;
	struct val		*res;
	struct timespec		 t0;
	const char		*err;
	char			 want[128];
	double			 ms;

	snprintf(want, sizeof(want), "plugins/slow.lua: wall-clock limit of "
	    "%u ms exceeded (worker killed)", l.wall_ms);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = call_case("slowc", &l, NULL, NULL, ar, &res);
	ms = elapsed_ms(&t0);
	is_str(err, want, "worker: slow C call stopped by the wall clock");
	ok(ms < l.wall_ms * 3.0 + 2000, "worker: ... in %.0f ms", ms);

	l = limits(10, 10000000, 30000, 1);
	l.cpu_s = 1;
	err = call_case("slowc", &l, NULL, NULL, ar, &res);
	is_str(err, "plugins/slow.lua: CPU time limit of 1 s exceeded "
	    "(worker killed by SIGXCPU)", "worker: slow C call stopped by "
	    "RLIMIT_CPU");

	diag_init(&d);
	l = limits(10, 10000000, 1000, 1);
	h = open_case("good", &l, &d);
	if (h != NULL) {
		ok(pl_backstops(h) & PL_BS_WORKER, "worker: backstop flags "
		    "say worker");
		ok(pl_backstops(h) & PL_BS_CPU, "worker: RLIMIT_CPU set");
		printf("# RLIMIT_AS backstop: %s\n", pl_backstops(h) &
		    PL_BS_AS ? "set" : "skipped (AddressSanitizer)");
	}
	pl_close(h);
	l.worker = 0;
	h = open_case("good", &l, &d);
	ok(h != NULL && pl_backstops(h) == 0, "inproc: no backstops");
	pl_close(h);
	diag_free(&d);
	ar_free(ar);
}

static void
test_defaults(void)
{
	struct pl_limits	 l;
	const char		*old = getenv("SANDBOX_ATLAS_LIMIT_SCALE");
	char			*save = old ? strdup(old) : NULL;

	unsetenv("SANDBOX_ATLAS_LIMIT_SCALE");
	pl_limits_default(&l);
	ok(l.mem_bytes == (size_t)64 << 20 && l.instructions == 200000000 &&
	    l.wall_ms == 10000 && l.cpu_s == 14 && l.worker == 1,
	    "defaults: 64 MiB, 200M instructions, 10 s, 14 s CPU, worker");
	setenv("SANDBOX_ATLAS_LIMIT_SCALE", "2.5", 1);
	pl_limits_default(&l);
	ok(l.wall_ms == 25000 && l.cpu_s == 33 &&
	    l.instructions == 200000000 && l.mem_bytes == (size_t)64 << 20,
	    "defaults: scale 2.5 scales the time limits only");
	setenv("SANDBOX_ATLAS_LIMIT_SCALE", "-1", 1);
	pl_limits_default(&l);
	is_int(l.wall_ms, 10000, "defaults: a negative scale counts as 1");
	setenv("SANDBOX_ATLAS_LIMIT_SCALE", "fast", 1);
	pl_limits_default(&l);
	is_int(l.wall_ms, 10000, "defaults: a non-number counts as 1");
	if (save != NULL) {
		setenv("SANDBOX_ATLAS_LIMIT_SCALE", save, 1);
		free(save);
	} else
		unsetenv("SANDBOX_ATLAS_LIMIT_SCALE");
}

int
main(int argc, char *argv[])
{
	const char	*s = getenv("SANDBOX_ATLAS_LIMIT_SCALE");
	struct stat	 sb;
	long long	 random = 0;
	int		 worker;

	if (argc > 1)
		root = argv[1];
	if (stat(root, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		printf("Bail out! no fixtures at %s (run from the project "
		    "root or pass the folder)\n", root);
		return 1;
	}
	if (s != NULL && atof(s) > 0)
		scale = atof(s);
	test_defaults();
	for (worker = 1; worker >= 0; worker--) {
		const char	*m = worker ? "worker" : "inproc";

		test_good(worker, m);
		test_errors(worker, m);
		test_sandbox(worker, m, &random);
		test_convert(worker, m);
		test_limits(worker, m);
	}
	test_worker_only();
	return done_testing();
}

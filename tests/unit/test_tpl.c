/*
 * test_tpl: the Mustache engine.  Runs every test of the official spec
 * suite (MUSTACHE_SPEC_DIR, else ../shared/testdata/mustache-spec from
 * the repository root), reported as one skipped test when that folder
 * is absent, then our own cases: escaping, scalar formatting, compile
 * errors with their positions, the nesting and output caps.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../tap.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "tpl.h"
#include "val.h"

static const char *const spec_files[] = {
	"comments.json", "delimiters.json", "interpolation.json",
	"inverted.json", "partials.json", "sections.json",
	"~inheritance.json"
};

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p = NULL;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL) {
		if (fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		} else {
			p[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return p;
}

static void
skip(const char *why)
{
	tap_n++;
	printf("ok %d # SKIP %s\n", tap_n, why);
}

static void
diag_comment(struct diag *d)
{
	const char	*s = buf_cstr(&d->text), *nl;

	while (*s != '\0') {
		nl = strchr(s, '\n');
		printf("# %.*s\n", nl ? (int)(nl - s) : (int)strlen(s), s);
		s = nl ? nl + 1 : s + strlen(s);
	}
}

static void
spec_one(const char *file, const struct val *t)
{
	const char	*name = val_getstr(t, "name");
	const struct val *tp = val_get(t, "template");
	const struct val *exp = val_get(t, "expected");
	const struct val *parts = val_get(t, "partials");
	struct tpl_set	*set;
	struct diag	 d;
	struct buf	 out;
	size_t		 i;
	int		 rc = 0;

	if (name == NULL || tp == NULL || tp->kind != VAL_STR ||
	    exp == NULL || exp->kind != VAL_STR) {
		ok(0, "%s: malformed test", file);
		return;
	}
	set = tpl_set_new();
	diag_init(&d);
	buf_init(&out, 0);
	for (i = 0; parts != NULL && i < val_len(parts); i++) {
		const struct val *p = parts->u.map.v[i];

		if (p->kind == VAL_STR && tpl_set_add(set, parts->u.map.k[i],
		    p->u.str.s, p->u.str.len, parts->u.map.k[i], &d) == -1)
			rc = -1;
	}
	if (tpl_set_add(set, "main", tp->u.str.s, tp->u.str.len, "main",
	    &d) == -1)
		rc = -1;
	if (rc == 0)
		rc = tpl_render(set, "main", val_get(t, "data"), &out, &d);
	if (!is_str(rc == 0 ? buf_cstr(&out) : NULL, exp->u.str.s, "%s: %s",
	    file, name))
		diag_comment(&d);
	buf_free(&out);
	diag_free(&d);
	tpl_set_free(set);
}

static void
spec_file(const char *dir, const char *file)
{
	char		 path[4096], err[256];
	char		*text;
	size_t		 len = 0, i;
	struct arena	*ar;
	struct val	*root, *tests;
	int		 lambdas = strcmp(file, "~lambdas.json") == 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((text = slurp(path, &len)) == NULL) {
		ok(0, "%s: readable", path);
		return;
	}
	ar = ar_new();
	root = json_parse(ar, text, len, err, sizeof(err));
	tests = val_get(root, "tests");
	if (!ok(tests != NULL && tests->kind == VAL_SEQ, "%s: parses", file))
		printf("# %s\n", err);
	for (i = 0; i < val_len(tests); i++) {
		if (lambdas) {
			tap_n++;
			printf("ok %d # SKIP %s: %s: lambdas are not "
			    "supported\n", tap_n, file,
			    val_getstr(val_at(tests, i), "name"));
			continue;
		}
		spec_one(file, val_at(tests, i));
	}
	ar_free(ar);
	free(text);
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
spec_suite(void)
{
	const char	*dir = getenv("MUSTACHE_SPEC_DIR");
	char		 path[4096], why[4200];
	char		*names[64];
	size_t		 n = 0, i, k;
	struct dirent	*de;
	struct stat	 st;
	DIR		*dp;

	if (dir == NULL || *dir == '\0')
		dir = "../shared/testdata/mustache-spec";
	if ((dp = opendir(dir)) == NULL) {
		snprintf(why, sizeof(why),
		    "mustache spec suite not found at %s", dir);
		skip(why);
		return;
	}
	while ((de = readdir(dp)) != NULL && n < 64) {
		k = strlen(de->d_name);
		if (k > 5 && strcmp(de->d_name + k - 5, ".json") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), namecmp);
	for (i = 0; i < sizeof(spec_files) / sizeof(spec_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, spec_files[i]);
		ok(stat(path, &st) == 0, "spec file %s present",
		    spec_files[i]);
	}
	for (i = 0; i < n; i++) {
		spec_file(dir, names[i]);
		free(names[i]);
	}
}

static int
add(struct tpl_set *set, const char *name, const char *src,
    const char *path, struct diag *d)
{
	return tpl_set_add(set, name, src, strlen(src), path, d);
}

/* Compiles src as "t" (path "t.mustache") and renders it against ctx. */
static int
render1(const char *src, const struct val *ctx, struct buf *out,
    struct diag *d)
{
	struct tpl_set	*set = tpl_set_new();
	int		 rc;

	rc = tpl_set_add(set, "t", src, strlen(src), "t.mustache", d);
	if (rc == 0)
		rc = tpl_render(set, "t", ctx, out, d);
	tpl_set_free(set);
	return rc;
}

static void
is_render(const char *src, const struct val *ctx, const char *want,
    const char *what)
{
	struct diag	 d;
	struct buf	 out;
	int		 rc;

	diag_init(&d);
	buf_init(&out, 0);
	rc = render1(src, ctx, &out, &d);
	if (!is_str(rc == 0 ? buf_cstr(&out) : NULL, want, "%s", what))
		diag_comment(&d);
	buf_free(&out);
	diag_free(&d);
}

static void
is_error(const char *src, const char *want, const char *what)
{
	struct diag	 d;
	struct buf	 out;
	int		 rc;

	diag_init(&d);
	buf_init(&out, 0);
	rc = render1(src, NULL, &out, &d);
	is_int(rc, -1, "%s: fails", what);
	is_str(buf_cstr(&d.text), want, "%s: message", what);
	buf_free(&out);
	diag_free(&d);
}

static struct val *
nest(struct arena *ar, int levels)
{
	struct val	*v = val_bool(ar, 0), *m;

	while (levels-- > 0) {
		m = val_map(ar);
		val_set(ar, m, "n", v);
		v = m;
	}
	return v;
}

static void
own_tests(void)
{
	struct arena	*ar = ar_new();
	struct val	*m = val_map(ar), *seq = val_seq(ar), *sub;
	struct tpl_set	*set;
	struct diag	 d;
	struct buf	 out;
	int		 i, rc;

	val_set(ar, m, "x", val_str(ar, "& \" < > '"));
	val_set(ar, m, "i", val_int(ar, -42));
	val_set(ar, m, "big", val_int(ar, 9007199254740993LL));
	val_set(ar, m, "half", val_num(ar, 0.5));
	val_set(ar, m, "huge", val_num(ar, 1e20));
	val_set(ar, m, "t", val_bool(ar, 1));
	val_set(ar, m, "f", val_bool(ar, 0));
	val_set(ar, m, "nul", val_null(ar));
	val_set(ar, m, "empty", val_seq(ar));
	val_set(ar, m, "emptymap", val_map(ar));
	val_set(ar, m, "zero", val_int(ar, 0));
	val_set(ar, m, "estr", val_str(ar, ""));
	for (i = 1; i <= 3; i++)
		val_push(ar, seq, val_int(ar, i));
	val_set(ar, m, "seq", seq);
	sub = val_map(ar);
	val_set(ar, sub, "name", val_str(ar, "inner"));
	val_set(ar, m, "sub", sub);
	val_set(ar, m, "name", val_str(ar, "outer"));

	is_render("{{x}}", m, "&amp; &quot; &lt; &gt; '",
	    "escapes & \" < > but not '");
	is_render("{{{x}}}|{{&x}}|{{{ x }}}", m,
	    "& \" < > '|& \" < > '|& \" < > '", "triple and & do not escape");
	is_render("{{i}} {{big}} {{half}} {{huge}}", m,
	    "-42 9007199254740993 0.5 1e+20", "integers and doubles");
	is_render("{{t}} {{f}} [{{nul}}] [{{missing}}] [{{seq}}] [{{sub}}]", m,
	    "true false [] [] [] []", "booleans, null, missing, containers");
	is_render("{{#nul}}N{{/nul}}{{#f}}F{{/f}}{{#empty}}E{{/empty}}"
	    "{{#emptymap}}M{{/emptymap}}{{#zero}}Z{{/zero}}"
	    "{{#estr}}S{{/estr}}{{^empty}}!{{/empty}}", m, "MZS!",
	    "truthiness follows val_truthy");
	is_render("{{#seq}}<{{.}}>{{/seq}}", m, "<1><2><3>",
	    "lists iterate, {{.}} is the item");
	is_render("{{#sub}}{{name}}/{{sub.name}}{{/sub}} {{sub.name}}", m,
	    "inner/inner inner", "maps push context; dotted names");
	is_render("{{#t}}{{.}}{{/t}}", m, "true", "scalars push themselves");
	is_render("[{{x}}]", NULL, "[]", "NULL context renders as empty");
	is_render("a\n  {{> p}}\nb", m, "a\nb",
	    "missing standalone partial renders as nothing");

	is_error("a\n  {{x", "t.mustache:2:3: unclosed tag\n",
	    "unclosed tag");
	is_error("\xc3\xa9\xc3\xa9 {{{x}}", "t.mustache:1:4: unclosed tag\n",
	    "columns count characters; unclosed triple");
	is_error("x\n{{#a}}\n{{b}}\n",
	    "t.mustache:2:1: unclosed section \"a\"\n",
	    "unclosed section");
	is_error("{{<p}}{{$b}}", "t.mustache:1:7: unclosed block \"b\"\n",
	    "unclosed block");
	is_error("{{#a}} {{/b}}", "t.mustache:1:8: mismatched section close "
	    "\"b\", expected \"a\" (opened at 1:1)\n", "mismatched close");
	is_error("x{{/a}}", "t.mustache:1:2: unexpected section close \"a\"\n",
	    "close without open");
	is_error("\n {{=<%=}}", "t.mustache:2:2: bad set-delimiter tag\n",
	    "one delimiter");
	is_error("{{=a b c=}}", "t.mustache:1:1: bad set-delimiter tag\n",
	    "three delimiters");
	is_error("{{=<% %>}}", "t.mustache:1:1: unclosed tag\n",
	    "delimiter tag without closing =");
	is_error("{{=<% %>=}}<%x%><%#a%>", "t.mustache:1:17: unclosed "
	    "section \"a\"\n", "positions under new delimiters");
	is_error("{{ }}", "t.mustache:1:1: empty tag\n", "empty tag");
	is_error("{{a b}}", "t.mustache:1:1: bad name \"a b\"\n",
	    "blank inside a name");
	is_error("{{a..b}}", "t.mustache:1:1: bad name \"a..b\"\n",
	    "empty dotted part");

	{
		char	 deep[101 * 6 + 1] = "";

		for (i = 0; i < 101; i++)
			strcat(deep, "{{#a}}");
		is_error(deep, "t.mustache:1:601: sections nest deeper than "
		    "100\n", "nesting cap");
	}

	/* The test's own JSON reader. */
	{
		const char	*js =
		    "{\"s\":\"a\\u00e9\\ud83d\\ude00\\n\\\"\","
		    "\"i\":-12,\"d\":1.5e1,\"b\":[true,false,null],"
		    "\"s\":\"z\"}";
		struct val	*j = json_parse(ar, js, strlen(js), NULL, 0);

		ok(j != NULL && val_len(j) == 4, "json: object, repeated key");
		is_str(val_getstr(j, "s"), "z", "json: last value wins");
		j = json_parse(ar, js, 29, NULL, 0);
		ok(j == NULL, "json: truncated text fails");
		js = "[\"a\\u00e9\\ud83d\\ude00\\n\\\"\",-12,1.5e1,"
		    "9223372036854775808]";
		j = json_parse(ar, js, strlen(js), NULL, 0);
		is_str(val_cstr(val_at(j, 0)), "a\xc3\xa9\xf0\x9f\x98\x80\n\"",
		    "json: escapes and surrogate pairs");
		ok(val_at(j, 1)->kind == VAL_INT && val_at(j, 1)->u.i == -12,
		    "json: integers are VAL_INT");
		ok(val_at(j, 2)->kind == VAL_NUM && val_at(j, 2)->u.d == 15,
		    "json: other numbers are VAL_NUM");
		ok(val_at(j, 3)->kind == VAL_NUM, "json: overflow is VAL_NUM");
		ok(json_parse(ar, "\"\\ud83d\"", 8, NULL, 0) == NULL,
		    "json: lone surrogate fails");
	}

	/* A failed compile leaves the set as it was. */
	set = tpl_set_new();
	diag_init(&d);
	buf_init(&out, 0);
	add(set, "t", "old", NULL, &d);
	rc = add(set, "t", "{{#a}}", NULL, &d);
	is_int(rc, -1, "bad replacement fails");
	is_str(buf_cstr(&d.text), "t:1:1: unclosed section \"a\"\n",
	    "path defaults to the name");
	tpl_render(set, "t", NULL, &out, &d);
	is_str(buf_cstr(&out), "old", "failed compile keeps the old template");
	add(set, "t", "new {{name}}", NULL, &d);
	buf_reset(&out);
	tpl_render(set, "t", m, &out, &d);
	is_str(buf_cstr(&out), "new outer", "a good compile replaces it");
	/* Compile once, render many: appends, same output each time. */
	buf_reset(&out);
	for (i = 0; i < 1000; i++)
		tpl_render(set, "t", m, &out, &d);
	is_int((long long)out.len, 9000, "1000 renders append 9000 bytes");
	is_int(memcmp(out.data + 8991, "new outer", 9), 0,
	    "the last render is the same");
	/* Many templates in one set (the table grows). */
	for (i = 0; i < 100; i++) {
		char	 nm[16], src[32];

		snprintf(nm, sizeof(nm), "p%d", i);
		snprintf(src, sizeof(src), "%d{{>p%d}}", i, i + 1);
		tpl_set_add(set, nm, src, strlen(src), NULL, &d);
	}
	add(set, "short", "{{>p90}}", NULL, &d);
	buf_reset(&out);
	is_int(tpl_render(set, "short", NULL, &out, &d), 0,
	    "a chain of ten partials renders");
	is_str(buf_cstr(&out), "90919293949596979899", "and in order");
	/* Unknown names. */
	diag_free(&d);
	diag_init(&d);
	buf_reset(&out);
	is_int(tpl_render(set, "nope", NULL, &out, &d), -1,
	    "unknown template fails");
	is_str(buf_cstr(&d.text), "unknown template \"nope\"\n",
	    "unknown template message");
	diag_free(&d);
	diag_init(&d);
	buf_reset(&out);
	is_int(tpl_render(set, "p0", NULL, &out, &d), -1,
	    "100 nested partials fail");
	is_str(buf_cstr(&d.text), "p64:1:3: partials nest deeper than 64\n",
	    "depth cap message names the innermost tag");
	is_int((long long)out.len, 0, "a failed render leaves out as it was");

	/* Depth: 64 levels render, 65 do not. */
	add(set, "r", "{{#n}}.{{>r}}{{/n}}", NULL, &d);
	add(set, "top", "{{>r}}", NULL, &d);
	diag_free(&d);
	diag_init(&d);
	buf_reset(&out);
	is_int(tpl_render(set, "top", nest(ar, 64), &out, &d), 0,
	    "partials nested 64 deep render");
	is_int((long long)out.len, 63, "with all their output");
	diag_free(&d);
	diag_init(&d);
	buf_reset(&out);
	is_int(tpl_render(set, "top", nest(ar, 65), &out, &d), -1,
	    "partials nested 65 deep fail");
	is_str(buf_cstr(&d.text), "r:1:8: partials nest deeper than 64\n",
	    "with a diagnostic");

	/* A block argument that expands itself. */
	add(set, "lay", "{{$a}}{{/a}}", NULL, &d);
	add(set, "loop", "{{<lay}}{{$a}}[{{$a}}{{/a}}]{{/a}}{{/lay}}", NULL,
	    &d);
	diag_free(&d);
	diag_init(&d);
	buf_reset(&out);
	is_int(tpl_render(set, "loop", NULL, &out, &d), -1,
	    "self-expanding block fails");
	is_str(buf_cstr(&d.text), "loop:1:16: blocks nest deeper than 64\n",
	    "with a diagnostic");

	/* Output cap. */
	buf_free(&out);
	buf_init(&out, 8);
	add(set, "long", "0123{{name}}", "long.mustache", &d);
	diag_free(&d);
	diag_init(&d);
	is_int(tpl_render(set, "long", m, &out, &d), -1,
	    "output over the cap fails");
	is_str(buf_cstr(&d.text), "long.mustache: output exceeds 8 bytes\n",
	    "cap message");
	is_int((long long)out.len, 0, "and leaves out as it was");
	buf_free(&out);
	diag_free(&d);
	tpl_set_free(set);

	/* Indentation of standalone partials nests. */
	set = tpl_set_new();
	diag_init(&d);
	buf_init(&out, 0);
	add(set, "outer", "<ul>\n  {{>inner}}\n</ul>\n", NULL, &d);
	add(set, "inner", "{{#seq}}\n<li>\n  {{.}}\n</li>\n{{/seq}}\n", NULL,
	    &d);
	add(set, "page", "<body>\n  {{>outer}}\n</body>\n", NULL,
	    &d);
	tpl_render(set, "page", m, &out, &d);
	is_str(buf_cstr(&out), "<body>\n  <ul>\n    <li>\n      1\n    </li>\n"
	    "    <li>\n      2\n    </li>\n    <li>\n      3\n    </li>\n"
	    "  </ul>\n</body>\n", "nested partial indentation");
	/* Block re-indentation (the examples of mustache/spec #131, #135). */
	add(set, "parent", "I say,\n  {{$block}}\n  Hi there!\n  {{/block}}",
	    NULL, &d);
	add(set, "child", "{{<parent}}\n        {{$block}}\n        Hello\n"
	    "        {{/block}}\n{{/parent}}", NULL, &d);
	add(set, "p2", "{{$block}}x{{/block}}", NULL, &d);
	add(set, "list", "* a\n* {{<p2}}{{$block}}\n        {{! big }}\n"
	    "        c{{/block}}{{/p2}}\n* d", NULL, &d);
	buf_reset(&out);
	tpl_render(set, "child", m, &out, &d);
	is_str(buf_cstr(&out), "I say,\n  Hello\n",
	    "an argument takes the indentation of its block");
	buf_reset(&out);
	tpl_render(set, "list", m, &out, &d);
	is_str(buf_cstr(&out), "* a\n* c\n* d",
	    "an argument loses its own indentation mid-line");
	buf_free(&out);
	diag_free(&d);
	tpl_set_free(set);
	ar_free(ar);
}

int
main(void)
{
	spec_suite();
	own_tests();
	return done_testing();
}

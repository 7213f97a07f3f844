/*
 * test_md: the Markdown renderer and its input caps (md.h).
 *
 * 1. Pathological inputs from cmark-gfm's advisories (GHSA ids in each
 *    name), commonmark/cmark's pathological_tests.py and
 *    league/commonmark's pathological suite, each generated here at
 *    about 100 KB: each must either render or be rejected with the
 *    message of the cap named in the table, in under 2 s (times
 *    SANDBOX_ATLAS_LIMIT_SCALE for sanitizer and valgrind runs).  On
 *    Debian's 0.29.0.gfm.6 without the caps, twelve of these take from
 *    1 s to minutes, and one aborts the process.
 * 2. Inputs that sit just under every cap, which must render in the
 *    same time: the caps bound the work, not just the examples.
 * 3. Error positions, the output cap and md_plain.
 * 4. Features: table, strikethrough, autolink, tasklist, raw HTML
 *    omitted, javascript: links dropped, Mermaid fences kept as code.
 * 5. Every body and criterion detail of content/ renders (skipped when
 *    run outside the repository root).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tap.h"
#include "buf.h"
#include "diag.h"
#include "fm.h"
#include "md.h"
#include "val.h"

#define	KB	1024

static double	 guard = 2.0;

static void
rep(struct buf *b, const char *s, size_t n)
{
	size_t	 len = strlen(s);

	while (n-- > 0)
		buf_put(b, s, len);
}

/* Appends s repeated until b holds about kb KiB more. */
static void
fill(struct buf *b, const char *s, size_t kb)
{
	size_t	 end = b->len + kb * KB;

	while (b->len + strlen(s) <= end)
		buf_puts(b, s);
}

static void
g_strong(struct buf *b)
{
	rep(b, "*a **a ", 7000);
	buf_puts(b, "b");
	rep(b, " a** a*", 7000);
}

static void
g_closers(struct buf *b)
{
	fill(b, "a_ ", 100);
}

static void
g_openers(struct buf *b)
{
	fill(b, "_a ", 100);
}

static void
g_mult3(struct buf *b)
{
	buf_puts(b, "a**b");
	fill(b, "c* ", 100);
}

static void
g_noopen(struct buf *b)
{
	fill(b, "*_* _ ", 100);
}

static void
g_lclosers(struct buf *b)
{
	fill(b, "a] ", 100);
}

static void
g_lopeners(struct buf *b)
{
	fill(b, "[a ", 100);
}

static void
g_lemph(struct buf *b)
{
	fill(b, "[ a_ ", 100);
}

static void
g_mismatch(struct buf *b)
{
	fill(b, "*a_ ", 100);
}

static void
g_paren(struct buf *b)
{
	fill(b, "[ (](", 100);
}

static void
g_unclosed1(struct buf *b)
{
	fill(b, "[](", 100);
}

static void
g_unclosed2(struct buf *b)
{
	fill(b, "[a](b", 100);
}

static void
g_unclosed3(struct buf *b)
{
	fill(b, "[a](<b", 100);
}

static void
g_bq(struct buf *b)
{
	fill(b, "> ", 100);
	buf_puts(b, "a\n");
}

static void
g_refdefs(struct buf *b)
{
	fill(b, "[a]: u\n", 100);
}

static void
g_hr(struct buf *b)
{
	fill(b, "*", 100);
	buf_puts(b, "\n");
}

static void
g_39209(struct buf *b)
{
	fill(b, "![l", 100);
}

static void
g_22486(struct buf *b)
{
	fill(b, "![[]()", 100);
}

static void
g_22484(struct buf *b)
{
	buf_puts(b, "</");
	fill(b, "<!--", 100);
}

static void
g_pi(struct buf *b)
{
	buf_puts(b, "-1");
	fill(b, "<?x", 100);
	buf_puts(b, "y");
}

static void
g_tbl2(struct buf *b)
{
	fill(b, "|-\nt>|-\n", 100);
	buf_puts(b, "y\n");
}

static void
g_www5(struct buf *b)
{
	fill(b, "z_www.", 100);
}

static void
g_www7(struct buf *b)
{
	buf_puts(b, "www.");
	fill(b, ")", 100);
}

static void
g_tbl8(struct buf *b)
{
	buf_puts(b, ":-\n");
	fill(b, ":\n", 100);
	buf_puts(b, ":-\n");
}

static void
g_lt9(struct buf *b)
{
	fill(b, "<http://s", 100);
}

static void
g_strike(struct buf *b)
{
	buf_puts(b, "~e");
	fill(b, ",z~~", 100);
}

static void
g_email(struct buf *b)
{
	fill(b, "a@b.", 100);
}

static void
g_cdata(struct buf *b)
{
	buf_puts(b, "a");
	fill(b, "<![CDATA[ ", 100);
}

static void
g_decl(struct buf *b)
{
	buf_puts(b, "a");
	fill(b, "<!X ", 100);
}

static void
g_26485_2(struct buf *b)
{
	buf_puts(b, "1.\n");
	fill(b, " 2.\n", 100);
}

static void
g_26485_3(struct buf *b)
{
	fill(b, " -\n", 100);
	buf_puts(b, "x\n");
}

static void
g_tables_cr(struct buf *b)
{
	fill(b, "aaa\rbbb\n-\v\n", 100);
}

static void
g_www_sp(struct buf *b)
{
	buf_puts(b, "\xc3\xa9 ");
	fill(b, "www. ", 100);
}

static void
g_autolinks(struct buf *b)
{
	fill(b, "<http://example.com> ", 100);
}

static void
g_bare(struct buf *b)
{
	fill(b, "see https://a.example/b?c=d ", 100);
}

static void
g_entities(struct buf *b)
{
	fill(b, "&amp; &#x41; &copy; ", 100);
}

static void
g_tasks(struct buf *b)
{
	fill(b, "- [ ] a\n- [x] b\n", 100);
}


static void
g_nul(struct buf *b)
{
	buf_put(b, "abc\0de\0", 7);
	fill(b, "x", 1);
}

static void
g_brackets(struct buf *b)
{
	rep(b, "[", 50000);
	buf_puts(b, "a");
	rep(b, "]", 50000);
}

static void
g_brackets_ref(struct buf *b)
{
	buf_puts(b, "[x]: y\n\n");
	g_brackets(b);
}

static void
g_backslash(struct buf *b)
{
	buf_puts(b, "[");
	fill(b, "\\", 100);
	buf_puts(b, "\n[test](\\url \"");
	fill(b, "\\", 1);
}

static void
g_backticks(struct buf *b)
{
	size_t	 i;

	for (i = 1; b->len < 100 * KB; i++) {
		buf_putc(b, 'e');
		rep(b, "`", i);
	}
}

static void
g_fence_info(struct buf *b)
{
	rep(b, "`", 50000);
	rep(b, "a", 50000);
	buf_puts(b, "`\n");
}

static void
g_tbl3(struct buf *b)
{
	rep(b, "*t ", 12000);
	rep(b, "_t*_ ", 12000);
}

static void
g_tbl4(struct buf *b)
{
	buf_puts(b, "x\n| - |\n");
	fill(b, "|", 100);
	buf_puts(b, "y\n");
}

static void
g_ref6(struct buf *b)
{
	buf_puts(b, "[f]:u\n\"\n");
	fill(b, "[f]\n", 100);
	buf_puts(b, "[f]:u \"t\n");
}

static void
g_deepbq(struct buf *b)
{
	rep(b, ">", 50000);
	rep(b, ".", 50000);
}

static void
g_24824_1(struct buf *b)
{
	rep(b, ">", 34000);
	rep(b, "a*", 34000);
}

static void
g_24824_2(struct buf *b)
{
	rep(b, " -", 34000);
	buf_puts(b, "x");
	rep(b, "\n", 34000);
}

static void
g_listblank(struct buf *b)
{
	rep(b, "- ", 34000);
	buf_puts(b, "x\n");
	rep(b, "\n", 34000);
}

static void
g_26485_1(struct buf *b)
{
	rep(b, "_", 50000);
	buf_puts(b, ".");
	rep(b, "_", 50000);
}

static void
g_wide(struct buf *b)
{
	buf_puts(b, "|");
	rep(b, "x|", 25000);
	buf_puts(b, "\n|");
	rep(b, "-|", 25000);
	buf_puts(b, "\n");
}

static void
g_wide_rows(struct buf *b)
{
	g_wide(b);
	fill(b, "a\n", 2);
}

static void
g_square(struct buf *b)
{
	rep(b, "x|", 150);
	buf_puts(b, "\n");
	rep(b, "-|", 150);
	buf_puts(b, "\n");
	fill(b, "x|\n", 98);
}

static void
g_deeplist(struct buf *b)
{
	size_t	 i;

	for (i = 0; b->len < 90 * KB; i++) {
		rep(b, "  ", i);
		buf_puts(b, "* a\n");
	}
}

/* Just under the caps, in every paragraph. */
static void
u_nest(struct buf *b)
{
	while (b->len < 100 * KB) {
		rep(b, ">", MD_MAXNEST);
		rep(b, "a*", MD_MAXDELIM / 2);
		buf_puts(b, "\n\n");
	}
}

static void
u_img(struct buf *b)
{
	while (b->len < 100 * KB) {
		rep(b, "![", MD_MAXIMG);
		rep(b, "[]() ", 2000);
		buf_puts(b, "\n\n");
	}
}

static void
u_delim(struct buf *b)
{
	while (b->len < 100 * KB) {
		rep(b, "*t ", MD_MAXDELIM * 2 / 5);	/* 1 run each */
		rep(b, "_t*_ ", MD_MAXDELIM / 5);	/* 3 runs each */
		buf_puts(b, "\n\n");
	}
}

static void
u_raw(struct buf *b)
{
	while (b->len < 100 * KB) {
		buf_puts(b, "-1");
		rep(b, "<?x <![CDATA[ <!X ", MD_MAXRAW / 3);
		rep(b, "x ", 4000);
		buf_puts(b, "\n\n");
	}
}

static void
u_url(struct buf *b)
{
	while (b->len < 50 * KB) {
		buf_puts(b, "www.");
		rep(b, ")", MD_MAXURL - 4);
		buf_puts(b, " ");
	}
	while (b->len < 100 * KB) {
		rep(b, "z_www.", MD_MAXURL / 6);
		buf_puts(b, " a@b.");
		rep(b, "a@b.", MD_MAXURL / 4 - 2);
		buf_puts(b, "\n\n");
	}
}

static void
u_pipes(struct buf *b)
{
	while (b->len < 100 * KB) {
		buf_puts(b, "x\n| - |\n");
		rep(b, "|", MD_MAXCOLS + 1);
		buf_puts(b, "y\n\n");
	}
}

static void
u_tbllead(struct buf *b)
{
	int	 i;

	while (b->len < 50 * KB) {
		rep(b, "|-\nt>|-\n", 32);
		buf_puts(b, "\n");
	}
	for (i = 0; i < 3; i++) {
		buf_puts(b, "a\n");
		rep(b, "x\n", MD_MAXTBLLEAD - 1);
		buf_puts(b, ":-\n\n");
	}
}

static void
u_cells(struct buf *b)
{
	rep(b, "x|", MD_MAXCOLS / 2);
	buf_puts(b, "\n");
	rep(b, "-|", MD_MAXCOLS / 2);
	buf_puts(b, "\n");
	rep(b, "x|\n", MD_MAXCELLS / (MD_MAXCOLS / 2) - 1);
}

static void
u_ref(struct buf *b)
{
	buf_puts(b, "[f]:u\n\"");
	rep(b, "x", 1000);
	buf_puts(b, "\"\n\n");
	rep(b, "[f]", 3000);
}

struct	patho {
	const char	*name;
	void		(*gen)(struct buf *);
	const char	*want;	/* NULL: renders; else part of the error */
};

#define	NEST	"nested blocks"
#define	DELIM	"runs of '*', '_' or '~'"
#define	IMG	"images ('![')"
#define	RAW	"'<?' or '<!'"
#define	URL	"a word with a link"
#define	PIPES	"'|' on one line"
#define	CELLS	"cells at this row"
#define	LEAD	"table delimiter row after"
#define	REF	"link reference definition"

static const struct patho pathos[] = {
	{ "nested strong emph", g_strong, DELIM },
	{ "emph closers without openers", g_closers, DELIM },
	{ "emph openers without closers", g_openers, DELIM },
	{ "openers and closers multiple of 3", g_mult3, DELIM },
	{ "delimiters that cannot open or close", g_noopen, DELIM },
	{ "link closers without openers", g_lclosers, NULL },
	{ "link openers without closers", g_lopeners, NULL },
	{ "link openers and emph closers", g_lemph, DELIM },
	{ "mismatched openers and closers", g_mismatch, DELIM },
	{ "pattern [ (](", g_paren, NULL },
	{ "nested brackets", g_brackets, NULL },
	{ "nested brackets with a reference", g_brackets_ref, NULL },
	{ "backslashes in link and title", g_backslash, NULL },
	{ "unclosed links [](", g_unclosed1, NULL },
	{ "unclosed links [a](b", g_unclosed2, NULL },
	{ "unclosed links [a](<b", g_unclosed3, NULL },
	{ "nested block quotes '> '", g_bq, NEST },
	{ "backtick runs of every length", g_backticks, NULL },
	{ "backtick fence with a backtick in its info", g_fence_info, NULL },
	{ "many reference definitions", g_refdefs, NULL },
	{ "huge thematic break", g_hr, NULL },
	{ "U+0000 in input", g_nul, NULL },
	{ "GHSA-cgh3-p57x-9q7q autolink ![l", g_39209, IMG },
	{ "GHSA-r572-jvj2-3m8p ![[]()", g_22486, IMG },
	{ "GHSA-24f7-9frr-5h2r </<!--", g_22484, RAW },
	{ "GHSA-29g3-96g3-jg6c t1 <?x", g_pi, RAW },
	{ "GHSA-29g3-96g3-jg6c t2 table attempts", g_tbl2, LEAD },
	{ "GHSA-29g3-96g3-jg6c t3 *t _t*_", g_tbl3, DELIM },
	{ "GHSA-29g3-96g3-jg6c t4 row of pipes", g_tbl4, PIPES },
	{ "GHSA-29g3-96g3-jg6c t5 z_www.", g_www5, URL },
	{ "GHSA-29g3-96g3-jg6c t6 reference title copies", g_ref6, REF },
	{ "GHSA-29g3-96g3-jg6c t7 www.)))", g_www7, URL },
	{ "GHSA-29g3-96g3-jg6c t8 :- : :-", g_tbl8, CELLS },
	{ "GHSA-29g3-96g3-jg6c t9 <http://s", g_lt9, URL },
	{ "GHSA-29g3-96g3-jg6c t10 ~e,z~~", g_strike, DELIM },
	{ "GHSA-29g3-96g3-jg6c t11 >>>...", g_deepbq, NEST },
	{ "GHSA-66g8-4hjf-77xh t1 >>> a*", g_24824_1, NEST },
	{ "GHSA-66g8-4hjf-77xh t2 ' -' x n", g_24824_2, NEST },
	{ "nested list markers, trailing blanks", g_listblank, NEST },
	{ "GHSA-r8vr-c48j-fcc5 t1 ___.___", g_26485_1, NULL },
	{ "GHSA-r8vr-c48j-fcc5 t2 1. 2. 2.", g_26485_2, NULL },
	{ "GHSA-r8vr-c48j-fcc5 t3 ' -' lines", g_26485_3, LEAD },
	{ "GHSA-w4qg-3vf7-m9x5 t1 wide table", g_wide, PIPES },
	{ "GHSA-w4qg-3vf7-m9x5 t2 wide table, rows", g_wide_rows, PIPES },
	{ "table auto-completion square", g_square, CELLS },
	{ "GHSA-7gc6-9qr5-hc85 tables aaa\\rbbb\\n-\\v", g_tables_cr, LEAD },
	{ "email autolink a@b.", g_email, URL },
	{ "inline CDATA", g_cdata, RAW },
	{ "inline declarations", g_decl, RAW },
	{ "deeply nested list by indentation", g_deeplist, NULL },
	{ "www. with spaces", g_www_sp, NULL },
	{ "many <http://> autolinks", g_autolinks, NULL },
	{ "many bare URLs", g_bare, NULL },
	{ "many entities", g_entities, NULL },
	{ "many task list items", g_tasks, NULL },
	/* just under each cap: must render */
	{ "under caps: nesting and delimiters", u_nest, NULL },
	{ "under caps: images", u_img, NULL },
	{ "under caps: emphasis runs", u_delim, NULL },
	{ "under caps: <? and <!", u_raw, NULL },
	{ "under caps: link words", u_url, NULL },
	{ "under caps: pipes per line", u_pipes, NULL },
	{ "under caps: table delimiter rows", u_tbllead, NULL },
	{ "under caps: table cells", u_cells, NULL },
	{ "under caps: reference copies", u_ref, NULL },
};

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
patho_one(const struct patho *p)
{
	struct buf	 in, out;
	struct diag	 d;
	double		 t;
	int		 rc, good;

	buf_init(&in, 0);
	buf_init(&out, 0);
	diag_init(&d);
	p->gen(&in);
	t = now();
	rc = md_render(buf_cstr(&in), in.len, &out, "x.md", 1, &d);
	t = now() - t;
	if (p->want == NULL)
		good = rc == 0 && d.nerr == 0;
	else
		good = rc == -1 && strstr(buf_cstr(&d.text), p->want) != NULL;
	ok(good && t < guard, "%s (%zu bytes): %s in %.3f s", p->name,
	    in.len, rc == 0 ? "rendered" : "rejected", t);
	if (!good)
		printf("# want %s; got rc %d: %s", p->want ? p->want :
		    "rendered", rc, buf_cstr(&d.text));
	buf_free(&in);
	buf_free(&out);
	diag_free(&d);
}

/* Renders src; returns the HTML (static buffer) or the diagnostics. */
static const char *
render(const char *src, unsigned line, int *rc)
{
	static struct buf	 out;
	struct diag		 d;

	buf_free(&out);
	buf_init(&out, 0);
	diag_init(&d);
	*rc = md_render(src, strlen(src), &out, "x.md", line, &d);
	if (*rc == -1) {
		buf_reset(&out);
		buf_puts(&out, buf_cstr(&d.text));
	}
	diag_free(&d);
	return buf_cstr(&out);
}

static int
has(const char *html, const char *s)
{
	return strstr(html, s) != NULL;
}

/* ok() with the HTML as TAP comments when the test fails. */
static void
okh(int cond, const char *name, const char *h)
{
	const char	*nl;

	if (ok(cond, "%s", name))
		return;
	while (*h != '\0') {
		nl = strchr(h, '\n');
		printf("# %.*s\n", nl ? (int)(nl - h) : (int)strlen(h), h);
		h = nl ? nl + 1 : h + strlen(h);
	}
}

static void
test_positions(void)
{
	struct buf	 in, out;
	struct diag	 d;
	const char	*h;
	int		 rc;

	h = render("a\n\n> > x\n\xc3\xa9 >>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>\n",
	    11, &rc);
	okh(rc == 0, "'>' after text is not nesting", h);
	h = render("a\n\n\xc3\xa9\n>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>x\n", 11,
	    &rc);
	is_str(h, "x.md:14:33: 38 nested blocks ('>' or list markers) on "
	    "one line; the limit is 32\n", "nesting error names line:col "
	    "from the body's first line");
	h = render("t\n\n\xc3\xa9\xc3\xa9 ![a ![b ![c", 5, &rc);
	ok(rc == 0, "a few images render");
	buf_init(&in, 0);
	buf_puts(&in, "# T\n\n\xc3\xa9 ");
	rep(&in, "![x](y) ", MD_MAXIMG);
	buf_puts(&in, "![z](w)\n");
	h = render(buf_cstr(&in), 7, &rc);
	is_str(h, "x.md:9:515: more than 64 images ('![') in one paragraph; "
	    "the limit is 64\n", "image cap names the 65th image");
	buf_reset(&in);
	buf_puts(&in, "| a | b |\n|---|---|\n");
	rep(&in, "| 1 | 2 |\n", MD_MAXCELLS / 2 - 1);
	h = render(buf_cstr(&in), 1, &rc);
	ok(rc == 0, "a table of exactly %d cells renders", MD_MAXCELLS);
	buf_puts(&in, "| 1 | 2 |\n");
	h = render(buf_cstr(&in), 1, &rc);
	is_str(h, "x.md:5002:1: table of 2 columns reaches 10002 cells at "
	    "this row; the limit is 10000 cells\n", "cell cap names the row");
	buf_free(&in);

	/* A title that starts after a destination on the next line. */
	buf_init(&in, 0);
	buf_puts(&in, "[f]:\nu 'x\n");
	rep(&in, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 90);
	buf_puts(&in, "'\n\n");
	rep(&in, "[f]", 2000);
	h = render(buf_cstr(&in), 1, &rc);
	okh(rc == -1 && has(h, "x.md:1:3: link reference definition that "
	    "may copy 4600 bytes"), "reference title on the next line", h);
	buf_free(&in);

	/* Output cap: 32 blockquotes per short paragraph. */
	buf_init(&in, 0);
	while (in.len < 400 * KB) {
		rep(&in, "> ", MD_MAXNEST);
		buf_puts(&in, "a\n\n");
	}
	buf_init(&out, 0);
	diag_init(&d);
	rc = md_render(buf_cstr(&in), in.len, &out, "x.md", 3, &d);
	okh(rc == -1 && out.len == 0 && has(buf_cstr(&d.text), "x.md:3:1: "
	    "Markdown renders to ") && has(buf_cstr(&d.text),
	    "bytes of HTML; the limit is 4194304"), "output cap",
	    buf_cstr(&d.text));
	diag_free(&d);
	buf_free(&out);

	/* Input cap. */
	fill(&in, "x", 200);
	h = render(buf_cstr(&in), 2, &rc);
	okh(rc == -1 && has(h, "x.md:2:1: Markdown is ") &&
	    has(h, "the limit is 524288"), "input cap", h);
	buf_free(&in);

	/* A CRLF file and a lone CR count as line ends, as cmark does. */
	h = render("a\r\n\r\n>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>x\r\n", 1, &rc);
	is_str(h, "x.md:3:33: 34 nested blocks ('>' or list markers) on "
	    "one line; the limit is 32\n", "CRLF lines");
}

#define	PLAIN	"# Title\n\nSome *emphasis* and `code`.\n"

static void
test_plain(void)
{
	struct buf	 out, in;

	buf_init(&out, 0);
	ok(md_plain(PLAIN, strlen(PLAIN), &out) == 0 &&
	    has(buf_cstr(&out), "Title") &&
	    has(buf_cstr(&out), "Some emphasis and code.") &&
	    !has(buf_cstr(&out), "*"), "md_plain strips syntax");
	buf_init(&in, 0);
	fill(&in, "![l", 2);
	buf_reset(&out);
	ok(md_plain(buf_cstr(&in), in.len, &out) == -1 && out.len == 0,
	    "md_plain applies the caps");
	buf_free(&in);
	buf_free(&out);
}

static void
test_features(void)
{
	const char	*h;
	int		 rc;

	h = render("| a | b |\n|:--|--:|\n| 1 | **2** |\n", 1, &rc);
	okh(rc == 0 && has(h, "<table>") &&
	    has(h, "<th align=\"left\">a</th>") &&
	    has(h, "<td align=\"right\"><strong>2</strong></td>"), "table", h);
	h = render("~~gone~~ and ~kept~\n", 1, &rc);
	okh(has(h, "<del>gone</del>") && has(h, "~kept~"),
	    "strikethrough needs two tildes", h);
	h = render("see https://example.com/a?b=c, www.example.org.\n", 1,
	    &rc);
	okh(has(h, "<a href=\"https://example.com/a?b=c\">") &&
	    has(h, "<a href=\"http://www.example.org\">"), "autolink", h);
	h = render("- [ ] todo\n- [x] done\n", 1, &rc);
	okh(has(h, "<input type=\"checkbox\" disabled=\"\" /> todo") &&
	    has(h, "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> "
	    "done"), "tasklist", h);
	h = render("<script>alert(1)</script>\n\nx <img src=x onerror=y> "
	    "<b onclick=\"z\">b</b>\n", 1, &rc);
	okh(has(h, "<!-- raw HTML omitted -->") && !has(h, "<script") &&
	    !has(h, "onerror") && !has(h, "onclick") && !has(h, "<b"),
	    "raw HTML omitted", h);
	h = render("[a](javascript:alert(1)) [b](JavaScript:x) "
	    "[c](vbscript:x) [d](data:text/html,x) ![e](javascript:x) "
	    "<javascript:alert(1)> [f](https://ok.example/)\n", 1, &rc);
	okh(!has(h, "=\"javascript:") && !has(h, "=\"JavaScript:") &&
	    !has(h, "=\"vbscript:") && !has(h, "=\"data:text") &&
	    has(h, "<a href=\"\">javascript:alert(1)</a>") &&
	    has(h, "<a href=\"\">a</a>") &&
	    has(h, "<img src=\"\" alt=\"e\" />") &&
	    has(h, "<a href=\"https://ok.example/\">f</a>"),
	    "dangerous URL schemes dropped", h);
	h = render("```mermaid\ngraph TD\n  A-->B\n```\n", 1, &rc);
	is_str(h, "<pre><code class=\"language-mermaid\">graph TD\n"
	    "  A--&gt;B\n</code></pre>\n", "mermaid fence stays code");
	h = render("text with \"quotes\" & <ampersands>\n", 1, &rc);
	okh(has(h, "&quot;quotes&quot; &amp; <!-- raw HTML omitted -->"),
	    "text escaped", h);
}

static unsigned	 nreal, nrealbad;

static void
real_md(const char *path, const char *s, size_t n, unsigned line)
{
	struct buf	 out;
	struct diag	 d;

	buf_init(&out, 0);
	diag_init(&d);
	if (md_render(s, n, &out, path, line, &d) == -1) {
		nrealbad++;
		printf("# %s", buf_cstr(&d.text));
	}
	nreal++;
	buf_free(&out);
	diag_free(&d);
}

static void
real_walk(const char *path, const struct val *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	if (v->kind == VAL_SEQ)
		for (i = 0; i < v->u.seq.n; i++)
			real_walk(path, v->u.seq.v[i]);
	if (v->kind != VAL_MAP)
		return;
	for (i = 0; i < v->u.map.n; i++)
		if (strcmp(v->u.map.k[i], "detail") == 0 &&
		    v->u.map.v[i]->kind == VAL_STR)
			real_md(path, v->u.map.v[i]->u.str.s,
			    v->u.map.v[i]->u.str.len, v->u.map.v[i]->line);
		else
			real_walk(path, v->u.map.v[i]);
}

static void
test_content(const char *dir)
{
	DIR		*dp;
	struct dirent	*de;
	struct arena	*ar;
	struct fm_doc	 doc;
	struct diag	 d;
	char		 path[1024], *src;
	size_t		 len, nl;
	FILE		*f;
	unsigned	 nfiles = 0, before = nreal;

	if ((dp = opendir(dir)) == NULL) {
		tap_n++;
		printf("ok %d - %s # SKIP not run from the repository root\n",
		    tap_n, dir);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		nl = strlen(de->d_name);
		if (nl < 4 || strcmp(de->d_name + nl - 3, ".md") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		src = malloc(FM_MAXFILE + 1);
		len = src ? fread(src, 1, FM_MAXFILE, f) : 0;
		fclose(f);
		ar = ar_new();
		diag_init(&d);
		if (src != NULL && fm_parse(ar, path, src, len, &doc, &d) == 0) {
			real_walk(path, doc.meta);
			real_md(path, doc.body, doc.bodylen, doc.body_line);
			nfiles++;
		}
		diag_free(&d);
		ar_free(ar);
		free(src);
	}
	closedir(dp);
	ok(nrealbad == 0 && nfiles > 0, "%s: %u files, %u bodies and "
	    "details render within the caps", dir, nfiles, nreal - before);
}

int
main(void)
{
	const char	*sc;
	size_t		 i;

	if ((sc = getenv("SANDBOX_ATLAS_LIMIT_SCALE")) != NULL && atof(sc) > 1)
		guard *= atof(sc);
	md_init();
	for (i = 0; i < sizeof(pathos) / sizeof(pathos[0]); i++)
		patho_one(&pathos[i]);
	test_positions();
	test_plain();
	test_features();
	test_content("content/frameworks");
	test_content("content/scenarios");
	return done_testing();
}

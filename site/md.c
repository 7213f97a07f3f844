/*
 * md: cmark-gfm wrapper (see md.h).  One parser per document: parsers
 * are cheap and a fresh one carries no state between entries.  The
 * extension list given to the parser is also given to the renderer,
 * as cmark-gfm requires for tables and tasklists to render.
 *
 * md_scan() is the linear pre-scan that enforces md.h's caps.  It
 * splits lines as cmark does ("\n", "\r\n" or a lone "\r"), but counts
 * positions for messages as editors do: lines by '\n', columns by
 * UTF-8 character.  It never tries to know what cmark will make of a
 * line; every count over-approximates (a fenced code block is counted
 * like prose), so the only risk is rejecting odd-but-harmless text,
 * and each message says how to fix it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "md.h"

static const char *const md_exts[] = {
	"table", "strikethrough", "autolink", "tasklist", NULL
};

#define	MD_OPTS	(CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | \
		 CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE)

#define	MD_NONE	SIZE_MAX

struct	md_scan {
	const char	*src;
	size_t		 len;
	const char	*path;
	unsigned	 line0;
	struct diag	*d;
	/* per paragraph (see md_split) */
	size_t		 plines;	/* lines so far */
	size_t		 nimg, ndelim, nraw;
	size_t		 refoff;	/* first "]:" or MD_NONE */
	size_t		 reflong;	/* longest line from refoff on */
	int		 refquote;	/* a title opener after refoff */
	int		 prevref;	/* the line before had a "]:" */
	/* per run of non-blank lines */
	size_t		 tcols;		/* open table's columns, or 0 */
	size_t		 trows;
	/* per document */
	size_t		 nbracket;
	size_t		 refmax, refmaxoff;
	size_t		 tblwork;
};

void
md_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* Reports a cap error at byte off of the source. */
static int
md_err(const struct md_scan *s, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
md_err(const struct md_scan *s, size_t off, const char *fmt, ...)
{
	char		 msg[512];
	va_list		 ap;
	size_t		 i;
	unsigned	 line = s->line0 ? s->line0 : 1, col = 1;

	for (i = 0; i < off && i < s->len; i++) {
		if (s->src[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)s->src[i] & 0xc0) != 0x80)
			col++;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_error(s->d, s->path, line, col, "%s", msg);
}

static int
md_isblank(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/*
 * Skips the block-container prefix of the line [p, p + n): '>' and list
 * markers with the blanks between them.  Counts the markers into *nest
 * and returns the offset where the content starts.  *bad is the offset
 * of the first marker over MD_MAXNEST, or MD_NONE.
 */
static size_t
md_prefix(const char *p, size_t n, size_t *nest, size_t *bad)
{
	size_t	 i = 0, j;

	*nest = 0;
	*bad = MD_NONE;
	for (;;) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i >= n)
			break;
		j = i;
		if (p[i] == '>')
			j = i + 1;
		else if ((p[i] == '-' || p[i] == '+' || p[i] == '*') &&
		    (i + 1 == n || p[i + 1] == ' ' || p[i + 1] == '\t'))
			j = i + 1;
		else if (p[i] >= '0' && p[i] <= '9') {
			while (j < n && j - i < 10 && p[j] >= '0' && p[j] <= '9')
				j++;
			if (j < n && (p[j] == '.' || p[j] == ')') &&
			    (j + 1 == n || p[j + 1] == ' ' || p[j + 1] == '\t'))
				j++;
			else
				j = i;
		}
		if (j == i)
			break;
		if (++*nest > MD_MAXNEST && *bad == MD_NONE)
			*bad = i;
		i = j;
	}
	return i;
}

/*
 * Returns 1 if the line [p, p + n) ends any paragraph open before it,
 * whatever the containers: after '>' markers (each after at most three
 * spaces), at most three spaces, then an ATX heading, a code fence, a
 * thematic break, a bullet item with text, or an item "1." / "1)" with
 * text.  (Other ordered items, setext "=" lines and "--" can be lazy
 * continuation text, so they do not count.)  A false 0 only makes the
 * per-paragraph counts larger; a false 1 would be a hole, so every
 * case here is one that CommonMark lets interrupt a paragraph.
 */
static int
md_split(const char *p, size_t n)
{
	size_t	 i = 0, k, sp;
	char	 c;

	for (;;) {
		for (sp = 0; i < n && p[i] == ' ' && sp < 4; i++, sp++)
			;
		if (sp > 3 || i >= n || p[i] == '\t')
			return 0;
		if (p[i] != '>')
			break;
		i++;
		if (i < n && p[i] == ' ')
			i++;
	}
	c = p[i];
	if (c == '#') {
		for (k = i; k < n && p[k] == '#'; k++)
			;
		return k - i <= 6 && (k == n || p[k] == ' ' || p[k] == '\t');
	}
	if (c == '`' || c == '~') {
		for (k = i; k < n && p[k] == c; k++)
			;
		if (k - i < 3)
			return 0;
		if (c == '`' && memchr(p + k, '`', n - k) != NULL)
			return 0;
		return 1;
	}
	if (c == '-' || c == '*' || c == '_') {
		for (k = i, sp = 0; k < n; k++) {
			if (p[k] == c)
				sp++;
			else if (p[k] != ' ' && p[k] != '\t')
				break;
		}
		if (k == n && sp >= 3)
			return 1;		/* thematic break */
	}
	if (c == '1' && i + 1 < n && (p[i + 1] == '.' || p[i + 1] == ')'))
		i++;
	else if (c != '-' && c != '*' && c != '+')
		return 0;
	i++;
	if (i >= n || (p[i] != ' ' && p[i] != '\t'))
		return 0;
	return !md_isblank(p + i, n - i);
}

/*
 * Returns the number of columns if [p, p + n) could be a table
 * delimiter row (only '|', '-', ':' and blanks, with a '-'), else 0.
 * Also true of setext underlines, which is harmless.
 */
static size_t
md_delimrow(const char *p, size_t n)
{
	size_t	 i, cols = 0;
	int	 dash = 0;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '-':
			dash = 1;
			break;
		case '|':
			cols += dash;
			dash = 0;
			break;
		case ':':
		case ' ':
		case '\t':
		case '\v':
		case '\f':
			break;
		default:
			return 0;
		}
	}
	return cols + dash;
}

/*
 * Ends the paragraph at byte off (the start of a blank or splitting
 * line, or EOF).  A link reference definition's copies are its
 * destination (one line) and title.  A title opens with '"', '\'' or
 * '(' after a "]:" on its line, on the next line after a destination
 * (anywhere, unless the line starts with '[': then after a blank, as
 * "[x'y']: u" is the next definition's label), or first on a later
 * line, and may then run to the paragraph's end; without one, a copy
 * is at most a line.
 */
static void
md_endpara(struct md_scan *s, size_t off)
{
	size_t	 m;

	if (s->refoff != MD_NONE) {
		m = s->refquote ? off - s->refoff : s->reflong;
		if (m > s->refmax) {
			s->refmax = m;
			s->refmaxoff = s->refoff;
		}
	}
	s->plines = s->nimg = s->ndelim = s->nraw = 0;
	s->refoff = MD_NONE;
	s->reflong = 0;
	s->refquote = s->prevref = 0;
}

/* Table-shape checks for the line [ls, le) whose container prefix ends
 * at ls + pre. */
static int
md_table(struct md_scan *s, size_t ls, size_t le, size_t pre)
{
	const char	*p = s->src + ls;
	size_t		 n = le - ls, i, cols, ncol, lead;

	for (i = 0, ncol = 0; i < n; i++)
		if (p[i] == '|' && ++ncol > MD_MAXCOLS + 1)
			return md_err(s, ls + i, "more than %d '|' on one "
			    "line (a table of more than %d columns); the "
			    "limit is %d columns", MD_MAXCOLS + 1, MD_MAXCOLS,
			    MD_MAXCOLS);
	/* Either reading of the line: after '>' and blanks only, or after
	 * list markers too ("- |---|" is a row in a list item). */
	for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '>'); i++)
		;
	cols = md_delimrow(p + i, n - i);
	if (pre > i && (ncol = md_delimrow(p + pre, n - pre)) > cols)
		cols = ncol;
	if (cols > 0) {
		lead = s->plines;
		s->tblwork += lead * lead;
		if (lead > MD_MAXTBLLEAD || s->tblwork > MD_MAXTBLWORK)
			return md_err(s, ls, "table delimiter row after %zu "
			    "lines of one paragraph: re-reading them makes "
			    "%zu line-scans so far; the limit is %zu lines "
			    "or %zu scans (put a blank line before the "
			    "table)", lead, s->tblwork, (size_t)MD_MAXTBLLEAD,
			    (size_t)MD_MAXTBLWORK);
		s->tcols = cols;
		s->trows = 0;
		return 0;
	}
	if (s->tcols > 0 && s->tcols * (++s->trows + 1) > MD_MAXCELLS)
		return md_err(s, ls, "table of %zu columns reaches %zu cells "
		    "at this row; the limit is %d cells", s->tcols,
		    s->tcols * (s->trows + 1), MD_MAXCELLS);
	return 0;
}

/* Per-paragraph token counts and word lengths in the line [ls, le). */
static int
md_tokens(struct md_scan *s, size_t ls, size_t le)
{
	const char	*p = s->src;
	size_t		 i, word = ls;
	int		 url = 0, first, seen = 0, lineref = 0, gap = 0;
	int		 label = 0;
	char		 c;

	for (i = ls; i < le; i++) {
		c = p[i];
		if (c == ' ' || c == '\t') {
			word = i + 1;
			url = 0;
			gap = seen;
			continue;
		}
		first = !seen;
		seen = 1;
		if (first && c == '[')
			label = 1;
		if (c == '[')
			s->nbracket++;
		else if (c == '!' && i + 1 < le && p[i + 1] == '[' &&
		    ++s->nimg > MD_MAXIMG)
			return md_err(s, i, "more than %d images ('![') in "
			    "one paragraph; the limit is %d", MD_MAXIMG,
			    MD_MAXIMG);
		else if (c == ']' && i + 1 < le && p[i + 1] == ':') {
			lineref = 1;
			if (s->refoff == MD_NONE) {
				s->refoff = i;
				s->reflong = le - i;
			}
		} else if ((c == '"' || c == '\'' || c == '(') &&
		    s->refoff != MD_NONE && (lineref || first ||
		    (s->prevref && (!label || gap))))
			s->refquote = 1;
		else if ((c == '*' || c == '_' || c == '~') &&
		    (i == ls || p[i - 1] != c) && ++s->ndelim > MD_MAXDELIM)
			return md_err(s, i, "more than %d runs of '*', '_' or "
			    "'~' in one paragraph; the limit is %d",
			    MD_MAXDELIM, MD_MAXDELIM);
		else if (c == '<' && i + 1 < le &&
		    (p[i + 1] == '?' || p[i + 1] == '!') &&
		    ++s->nraw > MD_MAXRAW)
			return md_err(s, i, "more than %d '<?' or '<!' in one "
			    "paragraph; the limit is %d", MD_MAXRAW,
			    MD_MAXRAW);
		if (!url)
			url = c == '@' ||
			    (c == ':' && le - i >= 3 && p[i + 1] == '/' &&
			    p[i + 2] == '/') ||
			    ((c == 'w' || c == 'W') && le - i >= 4 &&
			    (p[i + 1] | 0x20) == 'w' &&
			    (p[i + 2] | 0x20) == 'w' && p[i + 3] == '.');
		if (url && i - word + 1 > MD_MAXURL)
			return md_err(s, word, "a word with a link (www., "
			    ":// or @) longer than %d bytes; the limit is %d",
			    MD_MAXURL, MD_MAXURL);
	}
	if (s->refoff != MD_NONE && s->refoff < ls && le - ls > s->reflong)
		s->reflong = le - ls;
	s->prevref = lineref;
	return 0;
}

/*
 * The pre-scan: one pass, constant work per byte.  Returns 0 or -1
 * with a diagnostic at the first input over a cap.
 */
static int
md_scan(const char *src, size_t len, const char *path, unsigned line,
    struct diag *d)
{
	struct md_scan	 s;
	size_t		 ls, le, pre, nest, bad;

	memset(&s, 0, sizeof(s));
	s.src = src;
	s.len = len;
	s.path = path;
	s.line0 = line;
	s.d = d;
	s.refoff = MD_NONE;
	for (ls = 0; ls < len; ls = le + 1 + (le + 1 < len &&
	    src[le] == '\r' && src[le + 1] == '\n')) {
		for (le = ls; le < len && src[le] != '\n' && src[le] != '\r';
		    le++)
			;
		if (md_isblank(src + ls, le - ls)) {
			md_endpara(&s, ls);
			s.tcols = s.trows = 0;
			continue;
		}
		pre = md_prefix(src + ls, le - ls, &nest, &bad);
		if (bad != MD_NONE)
			return md_err(&s, ls + bad, "%zu nested blocks ('>' "
			    "or list markers) on one line; the limit is %d",
			    nest, MD_MAXNEST);
		if (md_table(&s, ls, le, pre) == -1)
			return -1;
		if (md_split(src + ls, le - ls))
			md_endpara(&s, ls);
		s.plines++;
		if (md_tokens(&s, ls, le) == -1)
			return -1;
	}
	md_endpara(&s, len);
	if (s.refmax > 0 && s.nbracket > MD_MAXREFX / s.refmax)
		return md_err(&s, s.refmaxoff, "link reference definition "
		    "that may copy %zu bytes (to the next blank line) into "
		    "each of up to %zu links; the limit is %zu bytes in all "
		    "(end the definition's title, or add a blank line after "
		    "it)", s.refmax, s.nbracket, MD_MAXREFX);
	return 0;
}

static cmark_node *
md_parse(const char *src, size_t len, cmark_llist **exts)
{
	cmark_parser		*p;
	cmark_syntax_extension	*e;
	cmark_node		*doc;
	cmark_llist		*l, *copy = NULL;
	cmark_mem		*mem = cmark_get_default_mem_allocator();
	size_t			 i;

	*exts = NULL;
	if ((p = cmark_parser_new(MD_OPTS)) == NULL)
		return NULL;
	for (i = 0; md_exts[i] != NULL; i++)
		if ((e = cmark_find_syntax_extension(md_exts[i])) != NULL)
			cmark_parser_attach_syntax_extension(p, e);
	cmark_parser_feed(p, src, len);
	doc = cmark_parser_finish(p);
	/* The list belongs to the parser; copy what the renderer needs. */
	for (l = cmark_parser_get_syntax_extensions(p); l != NULL; l = l->next)
		copy = cmark_llist_append(mem, copy, l->data);
	*exts = copy;
	cmark_parser_free(p);
	return doc;
}

int
md_render(const char *src, size_t len, struct buf *out, const char *path,
    unsigned line, struct diag *d)
{
	cmark_node	*doc;
	cmark_llist	*exts;
	char		*html;
	size_t		 n;
	int		 rc;

	if (len > MD_MAXIN)
		return diag_error(d, path, line, 1,
		    "Markdown is %zu bytes; the limit is %zu", len, MD_MAXIN);
	if (md_scan(src, len, path, line, d) == -1)
		return -1;
	if ((doc = md_parse(src, len, &exts)) == NULL)
		return diag_error(d, path, line, 1, "out of memory");
	html = cmark_render_html(doc, MD_OPTS, exts);
	cmark_llist_free(cmark_get_default_mem_allocator(), exts);
	cmark_node_free(doc);
	if (html == NULL)
		return diag_error(d, path, line, 1, "out of memory");
	if ((n = strlen(html)) > MD_MAXOUT) {
		free(html);
		return diag_error(d, path, line, 1, "Markdown renders to %zu "
		    "bytes of HTML; the limit is %zu", n, MD_MAXOUT);
	}
	rc = buf_put(out, html, n);
	free(html);
	if (rc == -1)
		return diag_error(d, path, line, 1, "rendered HTML too large");
	return 0;
}

int
md_plain(const char *src, size_t len, struct buf *out)
{
	cmark_node	*doc;
	cmark_llist	*exts;
	char		*txt;
	int		 rc;

	if (len > MD_MAXIN || md_scan(src, len, NULL, 1, NULL) == -1)
		return -1;
	if ((doc = md_parse(src, len, &exts)) == NULL)
		return -1;
	txt = cmark_render_plaintext(doc, MD_OPTS, 0);
	cmark_llist_free(cmark_get_default_mem_allocator(), exts);
	cmark_node_free(doc);
	if (txt == NULL)
		return -1;
	if (strlen(txt) > MD_MAXOUT) {
		free(txt);
		return -1;
	}
	rc = buf_puts(out, txt);
	free(txt);
	return rc;
}

/*
 * md: Markdown to HTML through cmark-gfm, always in safe mode (raw
 * HTML omitted, dangerous URL schemes dropped), with the GFM table,
 * strikethrough, autolink and tasklist extensions.  Mermaid fences
 * stay code blocks (<pre><code class="language-mermaid">), which the
 * theme's script turns into diagrams; without JavaScript the source
 * shows.
 *
 * Debian 12 ships cmark-gfm 0.29.0.gfm.6, which predates the upstream
 * fixes for several inputs that take quadratic time or memory.  Before
 * parsing, md_render() makes one linear pass over the input and
 * rejects, with "path:line:col: ... the limit is N", anything beyond
 * the caps below.  Each cap is far above what real content uses (the
 * whole knowledge base stays under a tenth of every one) and bounds
 * the work of one known quadratic case to a linear total; the advisory
 * it answers is named beside it.  A "paragraph" here is a run of lines
 * up to a blank (spaces and tabs only) line or a line that ends every
 * paragraph (a heading, fence, thematic break or list item; md.c's
 * md_split): none of cmark's paragraphs, and so none of its inline
 * parses or link reference definitions, can span one.  Inputs
 * that stay within the caps render in well under a second at MD_MAXIN
 * (tests/unit/test_md.c measures every case).
 */
#ifndef MD_H
#define MD_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* Bytes of Markdown in; the content-file body cap (fm.h). */
#define	MD_MAXIN	((size_t)512 << 10)
/* Bytes of HTML out.  Real pages are under 2x their Markdown; the cap
 * stops table auto-completion and nesting from multiplying output
 * (pulldown-cmark #832, md4c #345). */
#define	MD_MAXOUT	((size_t)4 << 20)
/* Block container markers (">", "-", "+", "*", "1.", "1)") opening one
 * line.  GHSA-29g3-96g3-jg6c (CVE-2023-22483, ">" x n), and
 * GHSA-66g8-4hjf-77xh (CVE-2023-24824, ">" x n and " -" x n). */
#define	MD_MAXNEST	32
/* '|' on one line, i.e. table columns + 1.  GHSA-w4qg-3vf7-m9x5
 * (CVE-2023-37463, wide tables), GHSA-29g3-96g3-jg6c test 4 (a row of
 * n pipes), GHSA-mc3g-88wq-6f4x (column count overflow). */
#define	MD_MAXCOLS	200
/* Columns x rows of one table (missing cells are filled in, so the
 * output grows with the product).  GHSA-w4qg-3vf7-m9x5, GHSA-7gc6-9qr5-hc85
 * (CVE-2020-5238). */
#define	MD_MAXCELLS	10000
/* Lines of a paragraph before a line that could be a table delimiter
 * row (or setext underline): each such line re-parses the paragraph as
 * a table header, in time quadratic in its lines.  MD_MAXTBLLEAD caps
 * one such line, MD_MAXTBLWORK the sum of their squares over the
 * document.  GHSA-29g3-96g3-jg6c tests 2 and 8. */
#define	MD_MAXTBLLEAD	4096
#define	MD_MAXTBLWORK	((size_t)1 << 26)
/* "![" per paragraph: unclosed image openers are walked again by every
 * link that closes after them.  GHSA-r572-jvj2-3m8p (CVE-2023-22486). */
#define	MD_MAXIMG	64
/* Runs of '*', '_' or '~' per paragraph (emphasis and strikethrough
 * delimiters).  GHSA-29g3-96g3-jg6c test 3 ("*t " x n "_t*_ " x n). */
#define	MD_MAXDELIM	1000
/* "<?" and "<!" per paragraph: each unclosed processing instruction,
 * declaration or CDATA section is scanned to the paragraph's end.
 * GHSA-29g3-96g3-jg6c test 1, GHSA-24f7-9frr-5h2r (CVE-2023-22484). */
#define	MD_MAXRAW	32
/* Bytes of a word (no space or tab) that holds "www.", "://" or '@':
 * the autolink extension rescans the word per '(' ')' '_' '@'.
 * GHSA-29g3-96g3-jg6c tests 5, 7, 9, GHSA-cgh3-p57x-9q7q. */
#define	MD_MAXURL	1024
/* Link reference expansion: every use of a reference copies its
 * destination and title, and a title may run to the paragraph's end.
 * The bytes from a "]:" to its blank line times the number of '['
 * in the document must stay under this (GHSA-29g3-96g3-jg6c test 6:
 * without it cmark-gfm grows a buffer past 1 GiB and aborts). */
#define	MD_MAXREFX	((size_t)8 << 20)

/* Registers the extensions; call once before md_render. */
void	md_init(void);
/*
 * Checks src against the caps above, then appends the HTML of src to
 * out.  path and line (src's first line in its file) locate errors,
 * which go to the diag; returns 0, or -1 with out unchanged.
 */
int	md_render(const char *src, size_t len, struct buf *out,
	    const char *path, unsigned line, struct diag *);
/* Appends the plain text of src (Markdown syntax stripped) to out;
 * -1 when src breaks a cap or out is full.  No diagnostics. */
int	md_plain(const char *src, size_t len, struct buf *out);

#endif /* !MD_H */

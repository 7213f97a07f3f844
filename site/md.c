/*
 * md: cmark-gfm wrapper (see md.h).  One parser per document: parsers
 * are cheap and a fresh one carries no state between entries.  The
 * extension list given to the parser is also given to the renderer,
 * as cmark-gfm requires for tables and tasklists to render.
 */
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

void
md_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static cmark_node *
md_parse(const char *src, size_t len, cmark_llist **exts)
{
	cmark_parser		*p;
	cmark_syntax_extension	*e;
	cmark_node		*doc;
	size_t			 i;

	if ((p = cmark_parser_new(MD_OPTS)) == NULL)
		return NULL;
	*exts = NULL;
	for (i = 0; md_exts[i] != NULL; i++)
		if ((e = cmark_find_syntax_extension(md_exts[i])) != NULL)
			cmark_parser_attach_syntax_extension(p, e);
	cmark_parser_feed(p, src, len);
	doc = cmark_parser_finish(p);
	*exts = cmark_parser_get_syntax_extensions(p);
	/* The list belongs to the parser; copy what the renderer needs. */
	{
		cmark_llist	*l, *copy = NULL;
		cmark_mem	*mem = cmark_get_default_mem_allocator();

		for (l = *exts; l != NULL; l = l->next)
			copy = cmark_llist_append(mem, copy, l->data);
		*exts = copy;
	}
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
	int		 rc;

	if (len > MD_MAXIN)
		return diag_error(d, path, line, 1,
		    "Markdown is %zu bytes; the limit is %zu", len, MD_MAXIN);
	if ((doc = md_parse(src, len, &exts)) == NULL)
		return diag_error(d, path, line, 1, "out of memory");
	html = cmark_render_html(doc, MD_OPTS, exts);
	cmark_llist_free(cmark_get_default_mem_allocator(), exts);
	cmark_node_free(doc);
	if (html == NULL)
		return diag_error(d, path, line, 1, "out of memory");
	rc = buf_puts(out, html);
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

	if (len > MD_MAXIN)
		return -1;
	if ((doc = md_parse(src, len, &exts)) == NULL)
		return -1;
	txt = cmark_render_plaintext(doc, MD_OPTS, 0);
	cmark_llist_free(cmark_get_default_mem_allocator(), exts);
	cmark_node_free(doc);
	if (txt == NULL)
		return -1;
	rc = buf_puts(out, txt);
	free(txt);
	return rc;
}

/*
 * md: Markdown to HTML through cmark-gfm, always in safe mode (raw
 * HTML omitted, dangerous URL schemes dropped), with the GFM table,
 * strikethrough, autolink and tasklist extensions.  Mermaid fences
 * stay code blocks (<pre><code class="language-mermaid">), which the
 * theme's script turns into diagrams; without JavaScript the source
 * shows.  Input is capped at MD_MAXIN bytes.
 */
#ifndef MD_H
#define MD_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

#define	MD_MAXIN	((size_t)512 << 10)

/* Registers the extensions; call once before md_render. */
void	md_init(void);
/* Appends the HTML of src to out.  path/line locate errors. */
int	md_render(const char *src, size_t len, struct buf *out,
	    const char *path, unsigned line, struct diag *);
/* Appends the plain text of src (Markdown syntax stripped) to out. */
int	md_plain(const char *src, size_t len, struct buf *out);

#endif /* !MD_H */

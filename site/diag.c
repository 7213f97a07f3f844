/*
 * diag: collected diagnostics (see diag.h).  A position of line 0
 * means "no line known"; col 0 means "no column known".
 */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

void
diag_init(struct diag *d)
{
	buf_init(&d->text, 1 << 20);
	d->nerr = d->nwarn = 0;
	d->maxerr = 100;
}

void
diag_free(struct diag *d)
{
	buf_free(&d->text);
}

static void
diag_add(struct diag *d, const char *kind, const char *path, unsigned line,
    unsigned col, const char *fmt, va_list ap)
{
	if (path != NULL && line > 0 && col > 0)
		buf_printf(&d->text, "%s:%u:%u: ", path, line, col);
	else if (path != NULL && line > 0)
		buf_printf(&d->text, "%s:%u: ", path, line);
	else if (path != NULL)
		buf_printf(&d->text, "%s: ", path);
	if (kind != NULL)
		buf_puts(&d->text, kind);
	buf_vprintf(&d->text, fmt, ap);
	buf_putc(&d->text, '\n');
}

/* Records an error; always returns -1 so callers can "return diag_error(...)". */
int
diag_error(struct diag *d, const char *path, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list	 ap;

	if (d == NULL)
		return -1;
	d->nerr++;
	if (d->nerr > (d->maxerr ? d->maxerr : 100))
		return -1;
	va_start(ap, fmt);
	diag_add(d, NULL, path, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

void
diag_warn(struct diag *d, const char *path, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list	 ap;

	if (d == NULL)
		return;
	d->nwarn++;
	va_start(ap, fmt);
	diag_add(d, "warning: ", path, line, col, fmt, ap);
	va_end(ap);
}

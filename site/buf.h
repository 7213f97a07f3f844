/*
 * buf: a growable byte buffer with a hard maximum size.
 *
 * Every text the builder produces (pages, JSON, archive members) is
 * assembled in a struct buf.  A buffer owns its data; buf_free()
 * releases it and leaves the buffer empty and reusable.  Appends past
 * the maximum fail (return -1) without changing the contents, so a
 * runaway renderer cannot exhaust memory.  The data is always kept
 * NUL-terminated for convenience; len does not count the NUL.
 */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>

struct	buf {
	char	*data;	/* owned; NULL until the first append */
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* maximum len; 0 means BUF_DEFMAX */
};

#define	BUF_DEFMAX	((size_t)256 << 20)

void	 buf_init(struct buf *, size_t);
int	 buf_put(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_putc(struct buf *, int);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
const char *buf_cstr(struct buf *);
char	*buf_detach(struct buf *, size_t *);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

#endif /* !BUF_H */

/*
 * val: arena-allocated value trees and their JSON serialisation
 * (see val.h).  The arena hands out 16-byte aligned pieces of 64 KiB
 * blocks; pieces larger than a quarter block get a block of their own.
 * Growing a sequence or map copies it into a new piece and abandons the
 * old one, which wastes at most the size of the final array.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "val.h"

#define	AR_BLOCK	((size_t)64 << 10)
#define	AR_ALIGN	16

struct	ar_block {
	struct ar_block	*next;
	size_t		 used;
	size_t		 size;
	/* data follows, aligned */
};

struct	arena {
	struct ar_block	*head;	/* current block first */
	size_t		 total;
};

static void	(*ar_oom_handler)(void);

void
ar_set_oom(void (*fn)(void))
{
	ar_oom_handler = fn;
}

static void
ar_oom(void)
{
	if (ar_oom_handler != NULL)
		ar_oom_handler();
	abort();
}

#define	AR_HDR	((sizeof(struct ar_block) + AR_ALIGN - 1) & ~(size_t)(AR_ALIGN - 1))

struct arena *
ar_new(void)
{
	struct arena	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		ar_oom();
	return a;
}

void
ar_free(struct arena *a)
{
	struct ar_block	*b, *n;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = n) {
		n = b->next;
		free(b);
	}
	free(a);
}

size_t
ar_used(const struct arena *a)
{
	return a->total;
}

void *
ar_alloc(struct arena *a, size_t n)
{
	struct ar_block	*b;
	size_t		 sz;
	char		*p;

	n = (n + AR_ALIGN - 1) & ~(size_t)(AR_ALIGN - 1);
	if (n == 0)
		n = AR_ALIGN;
	b = a->head;
	if (b == NULL || b->size - b->used < n) {
		sz = n > AR_BLOCK / 4 ? n : AR_BLOCK;
		if ((b = malloc(AR_HDR + sz)) == NULL)
			ar_oom();
		b->used = 0;
		b->size = sz;
		if (sz == n && a->head != NULL) {
			/* Private block: keep the current one in front. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		a->total += sz;
	}
	p = (char *)b + AR_HDR + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *
ar_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p = ar_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
ar_strdup(struct arena *a, const char *s)
{
	return ar_strndup(a, s, strlen(s));
}

char *
ar_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		ar_oom();
	p = ar_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static struct val *
val_new(struct arena *a, enum val_kind k)
{
	struct val	*v = ar_alloc(a, sizeof(*v));

	v->kind = k;
	return v;
}

struct val *
val_null(struct arena *a)
{
	return val_new(a, VAL_NULL);
}

struct val *
val_bool(struct arena *a, int b)
{
	struct val	*v = val_new(a, VAL_BOOL);

	v->u.b = b != 0;
	return v;
}

struct val *
val_int(struct arena *a, long long i)
{
	struct val	*v = val_new(a, VAL_INT);

	v->u.i = i;
	return v;
}

struct val *
val_num(struct arena *a, double d)
{
	struct val	*v = val_new(a, VAL_NUM);

	v->u.d = d;
	return v;
}

struct val *
val_strn(struct arena *a, const char *s, size_t n)
{
	struct val	*v = val_new(a, VAL_STR);

	v->u.str.s = ar_strndup(a, s, n);
	v->u.str.len = n;
	return v;
}

struct val *
val_str(struct arena *a, const char *s)
{
	return val_strn(a, s, strlen(s));
}

struct val *
val_seq(struct arena *a)
{
	return val_new(a, VAL_SEQ);
}

struct val *
val_map(struct arena *a)
{
	return val_new(a, VAL_MAP);
}

void
val_push(struct arena *a, struct val *s, struct val *item)
{
	struct val	**nv;
	size_t		  ncap;

	if (s->u.seq.n == s->u.seq.cap) {
		ncap = s->u.seq.cap ? s->u.seq.cap * 2 : 4;
		nv = ar_alloc(a, ncap * sizeof(*nv));
		if (s->u.seq.n)
			memcpy(nv, s->u.seq.v, s->u.seq.n * sizeof(*nv));
		s->u.seq.v = nv;
		s->u.seq.cap = ncap;
	}
	s->u.seq.v[s->u.seq.n++] = item;
}

void
val_append(struct arena *a, struct val *m, const char *key, struct val *v)
{
	struct val	**nv;
	char		**nk;
	size_t		  ncap;

	if (m->u.map.n == m->u.map.cap) {
		ncap = m->u.map.cap ? m->u.map.cap * 2 : 8;
		nv = ar_alloc(a, ncap * sizeof(*nv));
		nk = ar_alloc(a, ncap * sizeof(*nk));
		if (m->u.map.n) {
			memcpy(nv, m->u.map.v, m->u.map.n * sizeof(*nv));
			memcpy(nk, m->u.map.k, m->u.map.n * sizeof(*nk));
		}
		m->u.map.v = nv;
		m->u.map.k = nk;
		m->u.map.cap = ncap;
	}
	m->u.map.k[m->u.map.n] = ar_strdup(a, key);
	m->u.map.v[m->u.map.n++] = v;
}

void
val_set(struct arena *a, struct val *m, const char *key, struct val *v)
{
	size_t	 i;

	for (i = 0; i < m->u.map.n; i++)
		if (strcmp(m->u.map.k[i], key) == 0) {
			m->u.map.v[i] = v;
			return;
		}
	val_append(a, m, key, v);
}

struct val *
val_get(const struct val *m, const char *key)
{
	size_t	 i;

	if (m == NULL || m->kind != VAL_MAP)
		return NULL;
	for (i = 0; i < m->u.map.n; i++)
		if (strcmp(m->u.map.k[i], key) == 0)
			return m->u.map.v[i];
	return NULL;
}

struct val *
val_path(const struct val *m, const char *path)
{
	const char	*dot;
	char		 key[128];
	size_t		 n;

	while (m != NULL && (dot = strchr(path, '.')) != NULL) {
		n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		m = val_get(m, key);
		path = dot + 1;
	}
	return m == NULL ? NULL : val_get(m, path);
}

const char *
val_cstr(const struct val *v)
{
	return v != NULL && v->kind == VAL_STR ? v->u.str.s : NULL;
}

const char *
val_getstr(const struct val *m, const char *key)
{
	return val_cstr(val_get(m, key));
}

size_t
val_len(const struct val *v)
{
	if (v == NULL)
		return 0;
	if (v->kind == VAL_SEQ)
		return v->u.seq.n;
	if (v->kind == VAL_MAP)
		return v->u.map.n;
	return 0;
}

struct val *
val_at(const struct val *v, size_t i)
{
	if (v == NULL || v->kind != VAL_SEQ || i >= v->u.seq.n)
		return NULL;
	return v->u.seq.v[i];
}

/* Mustache truthiness: null, false and the empty list are false. */
int
val_truthy(const struct val *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case VAL_NULL:
		return 0;
	case VAL_BOOL:
		return v->u.b;
	case VAL_SEQ:
		return v->u.seq.n > 0;
	default:
		return 1;
	}
}

struct val *
val_copy(struct arena *a, const struct val *v)
{
	struct val	*c;
	size_t		 i;

	if (v == NULL)
		return NULL;
	switch (v->kind) {
	case VAL_STR:
		c = val_strn(a, v->u.str.s, v->u.str.len);
		break;
	case VAL_SEQ:
		c = val_seq(a);
		for (i = 0; i < v->u.seq.n; i++)
			val_push(a, c, val_copy(a, v->u.seq.v[i]));
		break;
	case VAL_MAP:
		c = val_map(a);
		for (i = 0; i < v->u.map.n; i++)
			val_append(a, c, v->u.map.k[i],
			    val_copy(a, v->u.map.v[i]));
		break;
	default:
		c = val_new(a, v->kind);
		c->u = v->u;
		break;
	}
	c->line = v->line;
	c->col = v->col;
	c->quoted = v->quoted;
	return c;
}

int
val_json_str(struct buf *b, const char *s, size_t n, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;
	int			 rc = buf_putc(b, '"');

	for (i = 0; i < n && rc == 0; i++) {
		switch (p[i]) {
		case '"':
			rc = buf_puts(b, "\\\"");
			continue;
		case '\\':
			rc = buf_puts(b, "\\\\");
			continue;
		case '\n':
			rc = buf_puts(b, "\\n");
			continue;
		case '\r':
			rc = buf_puts(b, "\\r");
			continue;
		case '\t':
			rc = buf_puts(b, "\\t");
			continue;
		case '<': case '>': case '&':
			if (flags & VAL_JSON_HTML) {
				rc = buf_printf(b, "\\u%04x", p[i]);
				continue;
			}
			break;
		case 0xe2:
			/* U+2028 and U+2029 end lines in old JavaScript. */
			if ((flags & VAL_JSON_HTML) && i + 2 < n &&
			    p[i + 1] == 0x80 &&
			    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
				rc = buf_printf(b, "\\u%04x",
				    p[i + 2] == 0xa8 ? 0x2028 : 0x2029);
				i += 2;
				continue;
			}
			break;
		default:
			if (p[i] < 0x20) {
				rc = buf_printf(b, "\\u%04x", p[i]);
				continue;
			}
			break;
		}
		rc = buf_putc(b, p[i]);
	}
	return rc ? rc : buf_putc(b, '"');
}

static int
json_indent(struct buf *b, int flags, int depth)
{
	if (!(flags & VAL_JSON_PRETTY))
		return 0;
	if (buf_putc(b, '\n') == -1)
		return -1;
	while (depth-- > 0)
		if (buf_puts(b, "  ") == -1)
			return -1;
	return 0;
}

static int
json_val(struct buf *b, const struct val *v, int flags, int depth)
{
	size_t	 i;
	double	 d;

	if (v == NULL)
		return buf_puts(b, "null");
	switch (v->kind) {
	case VAL_NULL:
		return buf_puts(b, "null");
	case VAL_BOOL:
		return buf_puts(b, v->u.b ? "true" : "false");
	case VAL_INT:
		return buf_printf(b, "%lld", v->u.i);
	case VAL_NUM:
		d = v->u.d;
		if (!isfinite(d))
			return buf_puts(b, "null");
		if (d == (double)(long long)d && fabs(d) < 1e15)
			return buf_printf(b, "%lld", (long long)d);
		{
			char	 tmp[64];
			int	 prec;

			/* The shortest form that reads back the same. */
			for (prec = 15; prec < 17; prec++) {
				snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
				if (strtod(tmp, NULL) == d)
					break;
			}
			snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
			return buf_puts(b, tmp);
		}
	case VAL_STR:
		return val_json_str(b, v->u.str.s, v->u.str.len, flags);
	case VAL_SEQ:
		if (v->u.seq.n == 0)
			return buf_puts(b, "[]");
		buf_putc(b, '[');
		for (i = 0; i < v->u.seq.n; i++) {
			if (i && buf_putc(b, ',') == -1)
				return -1;
			json_indent(b, flags, depth + 1);
			if (json_val(b, v->u.seq.v[i], flags, depth + 1) == -1)
				return -1;
		}
		json_indent(b, flags, depth);
		return buf_putc(b, ']');
	case VAL_MAP:
		if (v->u.map.n == 0)
			return buf_puts(b, "{}");
		buf_putc(b, '{');
		for (i = 0; i < v->u.map.n; i++) {
			if (i && buf_putc(b, ',') == -1)
				return -1;
			json_indent(b, flags, depth + 1);
			val_json_str(b, v->u.map.k[i],
			    strlen(v->u.map.k[i]), flags);
			buf_puts(b, (flags & VAL_JSON_PRETTY) ? ": " : ":");
			if (json_val(b, v->u.map.v[i], flags, depth + 1) == -1)
				return -1;
		}
		json_indent(b, flags, depth);
		return buf_putc(b, '}');
	}
	return -1;
}

/* Appends v as JSON; returns -1 when the buffer's cap is hit. */
int
val_json(struct buf *b, const struct val *v, int flags)
{
	return json_val(b, v, flags, 0);
}

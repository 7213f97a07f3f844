/*
 * json.h: a small JSON reader for the unit tests (RFC 8259).  It turns
 * JSON text into a val tree in an arena: objects become VAL_MAP in key
 * order (a repeated key keeps its first place and its last value),
 * arrays VAL_SEQ, strings UTF-8 VAL_STR with every escape decoded
 * (\uXXXX surrogate pairs included), true and false VAL_BOOL, null
 * VAL_NULL, integers that fit a long long VAL_INT and other numbers
 * VAL_NUM.  Header-only; each test is its own program.
 */
#ifndef JSON_H
#define JSON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "val.h"

#define	JSON_MAXDEPTH	256

struct	json_rd {
	struct arena	*ar;
	const char	*s;
	size_t		 len;
	size_t		 p;
	char		*err;
	size_t		 errlen;
	struct buf	 tmp;
};

static struct val	*json_value(struct json_rd *, int);

static struct val *
json_fail(struct json_rd *r, const char *msg)
{
	if (r->err != NULL && r->err[0] == '\0')
		snprintf(r->err, r->errlen, "offset %zu: %s", r->p, msg);
	return NULL;
}

static void
json_ws(struct json_rd *r)
{
	while (r->p < r->len && (r->s[r->p] == ' ' || r->s[r->p] == '\t' ||
	    r->s[r->p] == '\n' || r->s[r->p] == '\r'))
		r->p++;
}

static int
json_lit(struct json_rd *r, const char *lit)
{
	size_t	 n = strlen(lit);

	if (r->len - r->p < n || memcmp(r->s + r->p, lit, n) != 0)
		return 0;
	r->p += n;
	return 1;
}

static int
json_hex4(struct json_rd *r, unsigned *out)
{
	unsigned	 v = 0;
	int		 i, ch;

	if (r->len - r->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		ch = (unsigned char)r->s[r->p++];
		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v |= (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v |= (unsigned)(ch - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
json_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80)
		buf_putc(b, (int)cp);
	else if (cp < 0x800) {
		buf_putc(b, (int)(0xc0 | (cp >> 6)));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_putc(b, (int)(0xe0 | (cp >> 12)));
		buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		buf_putc(b, (int)(0xf0 | (cp >> 18)));
		buf_putc(b, (int)(0x80 | ((cp >> 12) & 0x3f)));
		buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* Reads a string (at its opening quote) into r->tmp.  Returns 0 or -1. */
static int
json_string(struct json_rd *r)
{
	unsigned	 cp, lo;
	int		 ch;

	buf_reset(&r->tmp);
	r->p++;
	for (;;) {
		if (r->p >= r->len)
			return json_fail(r, "unterminated string"), -1;
		ch = (unsigned char)r->s[r->p++];
		if (ch == '"')
			return 0;
		if (ch < 0x20)
			return json_fail(r, "control character in string"), -1;
		if (ch != '\\') {
			buf_putc(&r->tmp, ch);
			continue;
		}
		if (r->p >= r->len)
			return json_fail(r, "unterminated string"), -1;
		switch (ch = r->s[r->p++]) {
		case '"':
		case '\\':
		case '/':
			buf_putc(&r->tmp, ch);
			break;
		case 'b':
			buf_putc(&r->tmp, '\b');
			break;
		case 'f':
			buf_putc(&r->tmp, '\f');
			break;
		case 'n':
			buf_putc(&r->tmp, '\n');
			break;
		case 'r':
			buf_putc(&r->tmp, '\r');
			break;
		case 't':
			buf_putc(&r->tmp, '\t');
			break;
		case 'u':
			if (json_hex4(r, &cp) == -1)
				return json_fail(r, "bad \\u escape"), -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return json_fail(r, "lone low surrogate"), -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (!json_lit(r, "\\u") ||
				    json_hex4(r, &lo) == -1 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return json_fail(r,
					    "lone high surrogate"), -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			json_utf8(&r->tmp, cp);
			break;
		default:
			return json_fail(r, "bad escape"), -1;
		}
	}
}

static struct val *
json_number(struct json_rd *r)
{
	size_t		 a = r->p;
	int		 isint = 1;
	char		 num[128], *end;
	long long	 i;
	double		 d;

	if (r->p < r->len && r->s[r->p] == '-')
		r->p++;
	if (r->p >= r->len || r->s[r->p] < '0' || r->s[r->p] > '9')
		return json_fail(r, "bad number");
	if (r->s[r->p] == '0')
		r->p++;
	else
		while (r->p < r->len && r->s[r->p] >= '0' && r->s[r->p] <= '9')
			r->p++;
	if (r->p < r->len && r->s[r->p] == '.') {
		isint = 0;
		r->p++;
		if (r->p >= r->len || r->s[r->p] < '0' || r->s[r->p] > '9')
			return json_fail(r, "bad number");
		while (r->p < r->len && r->s[r->p] >= '0' && r->s[r->p] <= '9')
			r->p++;
	}
	if (r->p < r->len && (r->s[r->p] == 'e' || r->s[r->p] == 'E')) {
		isint = 0;
		r->p++;
		if (r->p < r->len && (r->s[r->p] == '+' || r->s[r->p] == '-'))
			r->p++;
		if (r->p >= r->len || r->s[r->p] < '0' || r->s[r->p] > '9')
			return json_fail(r, "bad number");
		while (r->p < r->len && r->s[r->p] >= '0' && r->s[r->p] <= '9')
			r->p++;
	}
	if (r->p - a >= sizeof(num))
		return json_fail(r, "number too long");
	memcpy(num, r->s + a, r->p - a);
	num[r->p - a] = '\0';
	if (isint) {
		errno = 0;
		i = strtoll(num, &end, 10);
		if (errno == 0 && *end == '\0')
			return val_int(r->ar, i);
	}
	d = strtod(num, &end);
	return val_num(r->ar, d);
}

static struct val *
json_value(struct json_rd *r, int depth)
{
	struct val	*v, *item;
	char		*key;

	if (depth > JSON_MAXDEPTH)
		return json_fail(r, "nested too deeply");
	json_ws(r);
	if (r->p >= r->len)
		return json_fail(r, "unexpected end");
	switch (r->s[r->p]) {
	case '{':
		r->p++;
		v = val_map(r->ar);
		json_ws(r);
		if (r->p < r->len && r->s[r->p] == '}') {
			r->p++;
			return v;
		}
		for (;;) {
			json_ws(r);
			if (r->p >= r->len || r->s[r->p] != '"')
				return json_fail(r, "expected a key");
			if (json_string(r) == -1)
				return NULL;
			if (memchr(buf_cstr(&r->tmp), '\0', r->tmp.len))
				return json_fail(r, "NUL in key");
			key = ar_strdup(r->ar, buf_cstr(&r->tmp));
			json_ws(r);
			if (r->p >= r->len || r->s[r->p] != ':')
				return json_fail(r, "expected ':'");
			r->p++;
			if ((item = json_value(r, depth + 1)) == NULL)
				return NULL;
			val_set(r->ar, v, key, item);
			json_ws(r);
			if (r->p < r->len && r->s[r->p] == ',') {
				r->p++;
				continue;
			}
			if (r->p < r->len && r->s[r->p] == '}') {
				r->p++;
				return v;
			}
			return json_fail(r, "expected ',' or '}'");
		}
	case '[':
		r->p++;
		v = val_seq(r->ar);
		json_ws(r);
		if (r->p < r->len && r->s[r->p] == ']') {
			r->p++;
			return v;
		}
		for (;;) {
			if ((item = json_value(r, depth + 1)) == NULL)
				return NULL;
			val_push(r->ar, v, item);
			json_ws(r);
			if (r->p < r->len && r->s[r->p] == ',') {
				r->p++;
				continue;
			}
			if (r->p < r->len && r->s[r->p] == ']') {
				r->p++;
				return v;
			}
			return json_fail(r, "expected ',' or ']'");
		}
	case '"':
		if (json_string(r) == -1)
			return NULL;
		return val_strn(r->ar, r->tmp.data ? r->tmp.data : "",
		    r->tmp.len);
	case 't':
		if (json_lit(r, "true"))
			return val_bool(r->ar, 1);
		break;
	case 'f':
		if (json_lit(r, "false"))
			return val_bool(r->ar, 0);
		break;
	case 'n':
		if (json_lit(r, "null"))
			return val_null(r->ar);
		break;
	default:
		return json_number(r);
	}
	return json_fail(r, "bad literal");
}

/*
 * Parses len bytes of JSON text into a tree in arena a.  Returns the
 * root, or NULL with a message in err (errlen bytes, may be NULL).
 */
static struct val * __attribute__((unused))
json_parse(struct arena *a, const char *s, size_t len, char *err,
    size_t errlen)
{
	struct json_rd	 r;
	struct val	*v;

	memset(&r, 0, sizeof(r));
	r.ar = a;
	r.s = s;
	r.len = len;
	r.err = err;
	r.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	buf_init(&r.tmp, 0);
	v = json_value(&r, 0);
	if (v != NULL) {
		json_ws(&r);
		if (r.p != r.len)
			v = json_fail(&r, "trailing text");
	}
	buf_free(&r.tmp);
	return v;
}

#endif /* !JSON_H */

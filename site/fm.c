/*
 * fm: front matter split and libyaml event-API loader (see fm.h).
 *
 * The loader is a recursive descent over parser events.  It never
 * builds libyaml's document graph, so aliases cannot be expanded: an
 * alias or anchor is an error at its position.  Depth is counted here
 * as well as capped in libyaml.  Duplicate keys are found by a linear
 * scan, which is fine for front-matter sized maps (the 64 KiB cap
 * bounds the worst case).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "fm.h"

struct	fm_ctx {
	yaml_parser_t	 p;
	struct arena	*ar;
	const char	*path;
	unsigned	 line0;	/* added to libyaml's 0-based line */
	size_t		 maxdepth;
	struct diag	*d;
};

static unsigned
fm_line(const struct fm_ctx *c, const yaml_mark_t *m)
{
	return (unsigned)m->line + c->line0;
}

static int
fm_perr(struct fm_ctx *c)
{
	const yaml_parser_t	*p = &c->p;
	const yaml_mark_t	*m = &p->problem_mark;

	if (p->error == YAML_READER_ERROR)
		return diag_error(c->d, c->path, c->line0, 1,
		    "%s (at byte %zu of the YAML)",
		    p->problem ? p->problem : "unreadable input",
		    p->problem_offset);
	if (p->error == YAML_MEMORY_ERROR)
		return diag_error(c->d, c->path, 0, 0, "out of memory");
	if (p->context != NULL)
		return diag_error(c->d, c->path, fm_line(c, m),
		    (unsigned)m->column + 1, "%s %s (line %u)",
		    p->problem ? p->problem : "syntax error", p->context,
		    fm_line(c, &p->context_mark));
	return diag_error(c->d, c->path, fm_line(c, m),
	    (unsigned)m->column + 1, "%s",
	    p->problem ? p->problem : "syntax error");
}

static int
fm_next(struct fm_ctx *c, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&c->p, ev))
		return fm_perr(c);
	return 0;
}

static int
fm_reject(struct fm_ctx *c, const yaml_event_t *ev)
{
	const yaml_char_t	*anchor = NULL, *tag = NULL;
	unsigned		 l = fm_line(c, &ev->start_mark);
	unsigned		 col = (unsigned)ev->start_mark.column + 1;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return diag_error(c->d, c->path, l, col,
		    "aliases are not allowed in front matter");
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor != NULL)
		return diag_error(c->d, c->path, l, col,
		    "anchors are not allowed in front matter");
	if (tag != NULL)
		return diag_error(c->d, c->path, l, col,
		    "tags are not allowed in front matter");
	return 0;
}

static int	fm_node(struct fm_ctx *, yaml_event_t *, size_t,
		    struct val **);

static struct val *
fm_scalar(struct fm_ctx *c, const yaml_event_t *ev)
{
	const char	*s = (const char *)ev->data.scalar.value;
	size_t		 n = ev->data.scalar.length;
	struct val	*v;

	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (n == 0 || (n == 1 && s[0] == '~') ||
	    (n == 4 && memcmp(s, "null", 4) == 0)))
		v = val_null(c->ar);
	else {
		v = val_strn(c->ar, s, n);
		v->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	}
	return v;
}

/* Parses the node that starts with *ev (owned: deleted here). */
static int
fm_node(struct fm_ctx *c, yaml_event_t *ev, size_t depth, struct val **out)
{
	yaml_event_t	 kev, vev;
	struct val	*v, *item, *prev;
	const char	*key;
	unsigned	 l = fm_line(c, &ev->start_mark);
	unsigned	 col = (unsigned)ev->start_mark.column + 1;
	size_t		 i;
	int		 rc = 0;

	if (fm_reject(c, ev) == -1) {
		yaml_event_delete(ev);
		return -1;
	}
	if (ev->type == YAML_SCALAR_EVENT) {
		v = fm_scalar(c, ev);
		yaml_event_delete(ev);
		v->line = l;
		v->col = col;
		*out = v;
		if (memchr(v->u.str.s ? v->u.str.s : "", '\0',
		    v->kind == VAL_STR ? v->u.str.len : 0) != NULL)
			return diag_error(c->d, c->path, l, col,
			    "NUL characters are not allowed");
		return 0;
	}
	if (ev->type != YAML_SEQUENCE_START_EVENT &&
	    ev->type != YAML_MAPPING_START_EVENT) {
		yaml_event_delete(ev);
		return diag_error(c->d, c->path, l, col,
		    "unexpected YAML event");
	}
	if (depth >= c->maxdepth) {
		yaml_event_delete(ev);
		return diag_error(c->d, c->path, l, col,
		    "nesting deeper than %zu levels", c->maxdepth);
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		yaml_event_delete(ev);
		v = val_seq(c->ar);
		v->line = l;
		v->col = col;
		for (;;) {
			if (fm_next(c, &vev) == -1)
				return -1;
			if (vev.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&vev);
				break;
			}
			if (fm_node(c, &vev, depth + 1, &item) == -1)
				return -1;
			val_push(c->ar, v, item);
		}
		*out = v;
		return 0;
	}
	yaml_event_delete(ev);
	v = val_map(c->ar);
	v->line = l;
	v->col = col;
	for (;;) {
		if (fm_next(c, &kev) == -1)
			return -1;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			break;
		}
		l = fm_line(c, &kev.start_mark);
		col = (unsigned)kev.start_mark.column + 1;
		if (fm_reject(c, &kev) == -1) {
			yaml_event_delete(&kev);
			return -1;
		}
		if (kev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&kev);
			return diag_error(c->d, c->path, l, col,
			    "mapping keys must be plain strings");
		}
		key = ar_strndup(c->ar, (const char *)kev.data.scalar.value,
		    kev.data.scalar.length);
		if (strlen(key) != kev.data.scalar.length)
			rc = diag_error(c->d, c->path, l, col,
			    "NUL characters are not allowed");
		yaml_event_delete(&kev);
		if (rc == -1)
			return -1;
		for (i = 0; i < v->u.map.n; i++)
			if (strcmp(v->u.map.k[i], key) == 0) {
				prev = v->u.map.v[i];
				return diag_error(c->d, c->path, l, col,
				    "duplicate key '%s' (first defined "
				    "at line %u)", key, prev->line);
			}
		if (fm_next(c, &vev) == -1)
			return -1;
		if (fm_node(c, &vev, depth + 1, &item) == -1)
			return -1;
		/* Errors about a key's value point at the key. */
		item->line = l;
		item->col = col;
		val_append(c->ar, v, key, item);
	}
	*out = v;
	return 0;
}

int
fm_parse_yaml(struct arena *ar, const char *path, const char *src,
    size_t len, unsigned first_line, size_t maxdepth, struct val **out,
    struct diag *d)
{
	struct fm_ctx	 c;
	yaml_event_t	 ev;
	struct val	*root = NULL;
	int		 rc = -1, ndoc = 0;

	memset(&c, 0, sizeof(c));
	c.ar = ar;
	c.path = path;
	c.line0 = first_line;
	c.maxdepth = maxdepth ? maxdepth : FM_MAXDEPTH;
	c.d = d;
	*out = NULL;
	if (!yaml_parser_initialize(&c.p))
		return diag_error(d, path, 0, 0, "out of memory");
	yaml_parser_set_input_string(&c.p, (const unsigned char *)src, len);
	yaml_parser_set_encoding(&c.p, YAML_UTF8_ENCODING);
	for (;;) {
		if (fm_next(&c, &ev) == -1)
			goto out;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			yaml_event_delete(&ev);
			continue;
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			rc = 0;
			goto out;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndoc > 1) {
				diag_error(d, path, fm_line(&c, &ev.start_mark),
				    (unsigned)ev.start_mark.column + 1,
				    "only one YAML document is allowed");
				yaml_event_delete(&ev);
				goto out;
			}
			yaml_event_delete(&ev);
			continue;
		default:
			if (fm_node(&c, &ev, 0, &root) == -1)
				goto out;
			continue;
		}
	}
out:
	yaml_parser_delete(&c.p);
	if (rc == 0)
		*out = root != NULL ? root : val_null(ar);
	return rc;
}

/* Decodes one UTF-8 sequence; returns its length or 0 if invalid. */
static size_t
fm_utf8(const unsigned char *p, size_t n)
{
	uint32_t	 cp;
	size_t		 len, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int
fm_check_text(const char *path, const char *src, size_t len, struct diag *d)
{
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 i = 0, k;
	unsigned		 line = 1, col = 1;

	while (i < len) {
		if (p[i] == '\0')
			return diag_error(d, path, line, col,
			    "NUL byte in file");
		if ((k = fm_utf8(p + i, len - i)) == 0)
			return diag_error(d, path, line, col,
			    "invalid UTF-8 (byte 0x%02x)", p[i]);
		if (p[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
		i += k;
	}
	return 0;
}

/* Returns the length of the line at p (without the newline). */
static size_t
fm_linelen(const char *p, const char *end)
{
	const char	*q = memchr(p, '\n', (size_t)(end - p));

	return q ? (size_t)(q - p) : (size_t)(end - p);
}

static int
fm_is_delim(const char *p, size_t n, int closing)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	while (n > 3 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 3 && memcmp(p, "---", 3) == 0)
		return 1;
	return closing && n == 3 && memcmp(p, "...", 3) == 0;
}

int
fm_parse(struct arena *ar, const char *path, const char *src, size_t len,
    struct fm_doc *doc, struct diag *d)
{
	const char	*end = src + len, *p, *fmstart;
	size_t		 n;
	unsigned	 line;

	memset(doc, 0, sizeof(*doc));
	if (len > FM_MAXFILE)
		return diag_error(d, path, 0, 0,
		    "file is %zu bytes; the limit is %zu", len, FM_MAXFILE);
	if (fm_check_text(path, src, len, d) == -1)
		return -1;
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
		return diag_error(d, path, 1, 1,
		    "byte order mark not allowed; save as UTF-8 without BOM");
	n = fm_linelen(src, end);
	if (!fm_is_delim(src, n, 0))
		return diag_error(d, path, 1, 1,
		    "missing front matter: the file must start with a line "
		    "'---'");
	p = src + n + (src + n < end);
	fmstart = p;
	line = 2;
	for (;;) {
		if (p >= end)
			return diag_error(d, path, 1, 1,
			    "front matter is not closed: add a line '---' "
			    "after it");
		n = fm_linelen(p, end);
		if (fm_is_delim(p, n, 1))
			break;
		p += n + (p + n < end);
		line++;
	}
	if ((size_t)(p - fmstart) > FM_MAXFM)
		return diag_error(d, path, 2, 1,
		    "front matter is %zu bytes; the limit is %zu",
		    (size_t)(p - fmstart), FM_MAXFM);
	if (fm_parse_yaml(ar, path, fmstart, (size_t)(p - fmstart), 2,
	    FM_MAXDEPTH, &doc->meta, d) == -1)
		return -1;
	p += n + (p + n < end);
	doc->body = p;
	doc->bodylen = (size_t)(end - p);
	doc->body_line = line + 1;
	if (doc->bodylen > FM_MAXBODY)
		return diag_error(d, path, doc->body_line, 1,
		    "Markdown body is %zu bytes; the limit is %zu",
		    doc->bodylen, FM_MAXBODY);
	return 0;
}

/*
 * tpl: a logic-less Mustache engine (see tpl.h).
 *
 * tpl_set_add() compiles a template in four passes over its source:
 * tpl_lex() cuts it into text and tag tokens (following set-delimiter
 * tags as it goes), tpl_nest() pairs sections with their close tags,
 * tpl_alone() finds standalone lines and trims them, and tpl_build()
 * turns the tokens into a tree of nodes.  Everything compiled lives in
 * the set's arena; only the token array is temporary.  Rendering walks
 * the tree with the context stack, the indentation and the block
 * overrides kept as linked frames on the C stack, and appends straight
 * into the caller's buffer: a render allocates nothing.
 *
 * Indentation.  Each node records whether it starts a source line
 * ("bol").  A standalone partial or parent pushes a frame that adds
 * its indentation at every line start of the included template.  A
 * block argument passed to a parent pushes a frame that first strips
 * the argument's own indentation (where it is defined) and then adds
 * the indentation of the block where it is expanded, so that blocks
 * are re-indented as the spec's inheritance module asks.  A block's
 * indentation is that of the line after its opening tag when the tag
 * is standalone, else the blanks before the tag when only blanks
 * precede it, else nothing.
 *
 * Standalone lines.  A section, inverted, close, comment, partial,
 * delimiter or block tag alone on its line (but for blanks) loses the
 * line.  A parent's opening and closing tags count as one: the pair is
 * standalone when the opening tag starts its line and the closing tag
 * ends its own.  The text inside a parent, outside its blocks, is
 * dropped, so a block tag directly inside a parent only needs to end
 * its line (opening) or start it (closing); a closing block tag there
 * never takes the line end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpl.h"

#define	TPL_MAXDEPTH	64	/* partials, parents, blocks */
#define	TPL_MAXNEST	100	/* sections inside one template */
#define	TPL_MAXINDENT	1024	/* one line's re-indentation */
#define	TPL_NOPOS	((size_t)-1)

enum	tpl_kind {
	TN_TEXT,
	TN_VAR,		/* {{x}}: escaped */
	TN_RAW,		/* {{{x}}} and {{&x}} */
	TN_SECTION,
	TN_INVERTED,
	TN_PARTIAL,
	TN_BLOCK,	/* {{$x}}: a site, or an argument inside a parent */
	TN_PARENT
};

struct	tpl_node {
	enum tpl_kind	 kind;
	int		 bol;	/* starts a source line */
	int		 alone;	/* blocks: opening tag standalone */
	unsigned	 line;
	unsigned	 col;
	const char	*s;	/* text, or the NUL-terminated name */
	size_t		 len;
	char		**part;	/* dotted name; npart 0 for "." */
	size_t		 npart;
	const char	*ind;	/* partial, parent, block indentation */
	size_t		 nind;
	struct tpl_node	*kid;	/* parents: block arguments only */
	size_t		 nkid;
};

struct	tpl {
	char		*name;
	char		*path;
	char		*src;
	size_t		 len;
	struct tpl_node	*node;
	size_t		 nnode;
};

struct	tpl_set {
	struct arena	 *ar;
	struct tpl	**slot;	/* open addressing, cap a power of 2 */
	size_t		  cap;
	size_t		  n;
};

/* Compile time. */

#define	TK_TEXT	0	/* else the sigil: v & # ^ / ! > < $ = */

struct	tpl_tok {
	int		 kind;
	size_t		 a, b;	/* the source span */
	size_t		 ta, tb; /* text: the span kept after trimming */
	size_t		 na, nb; /* tag: the name */
	unsigned	 line;
	unsigned	 col;
	size_t		 match;	/* the matching open or close */
	int		 inparent; /* $ (or its close) right in a parent */
	int		 alone;	/* standalone: its line is removed */
	size_t		 ia, ib; /* indentation span */
};

struct	tpl_open {
	struct tpl_node	 node;
	size_t		 base;	/* first kid in the node stack */
};

struct	tpl_comp {
	struct arena	*ar;
	const char	*src;
	size_t		 len;
	const char	*path;
	struct diag	*d;
	struct tpl_tok	*tok;
	size_t		 ntok, captok;
	size_t		 poff;	/* position tracker */
	unsigned	 pline, pcol;
	struct tpl_node	*node;	/* node stack while building */
	size_t		 nnode, capnode;
	struct tpl_open	 open[TPL_MAXNEST + 1];
};

/* Render time. */

struct	tpl_ctx {
	const struct val	*v;
	const struct tpl_ctx	*up;
};

struct	tpl_ind {
	const char		*strip;
	size_t			 nstrip;
	const char		*add;
	size_t			 nadd;
	const struct tpl_ind	*up;
};

struct	tpl_scope {
	const struct tpl_node	*parent;
	const struct tpl	*t;	/* the template holding parent */
	const struct tpl_scope	*up;
};

struct	tpl_rs {
	const struct tpl_set	*set;
	struct buf		*out;
	struct diag		*d;
	const struct tpl	*top;
	const struct tpl	*cur;
	int			 depth;
	int			 midline; /* next line start is not one */
};

static int	tpl_list(struct tpl_rs *, const struct tpl_node *, size_t,
		    const struct tpl_ctx *, const struct tpl_ind *,
		    const struct tpl_scope *);

static int
tpl_blank(int ch)
{
	return ch == ' ' || ch == '\t';
}

static uint32_t
tpl_hash(const char *s)
{
	uint32_t	 h = 2166136261u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static size_t
tpl_slot(const struct tpl_set *set, const char *name)
{
	size_t	 i;

	i = tpl_hash(name) & (set->cap - 1);
	while (set->slot[i] != NULL && strcmp(set->slot[i]->name, name) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

static const struct tpl *
tpl_find(const struct tpl_set *set, const char *name)
{
	if (set->cap == 0)
		return NULL;
	return set->slot[tpl_slot(set, name)];
}

/* Finds needle in src[from, len), or TPL_NOPOS. */
static size_t
tpl_search(const char *src, size_t len, size_t from, const char *nd,
    size_t ndn)
{
	const char	*p;

	while (from + ndn <= len) {
		p = memchr(src + from, nd[0], len - from - ndn + 1);
		if (p == NULL)
			return TPL_NOPOS;
		from = (size_t)(p - src);
		if (memcmp(p, nd, ndn) == 0)
			return from;
		from++;
	}
	return TPL_NOPOS;
}

/* Finds ch immediately followed by nd, returning the offset of ch. */
static size_t
tpl_search2(const char *src, size_t len, size_t from, int ch,
    const char *nd, size_t ndn)
{
	size_t	 e;

	while ((e = tpl_search(src, len, from + 1, nd, ndn)) != TPL_NOPOS) {
		if (src[e - 1] == ch)
			return e - 1;
		from = e;
	}
	return TPL_NOPOS;
}

/* Advances the position tracker to off (never backwards). */
static void
tpl_pos(struct tpl_comp *c, size_t off, unsigned *line, unsigned *col)
{
	for (; c->poff < off; c->poff++) {
		if (c->src[c->poff] == '\n') {
			c->pline++;
			c->pcol = 1;
		} else if (((unsigned char)c->src[c->poff] & 0xc0) != 0x80)
			c->pcol++;
	}
	*line = c->pline;
	*col = c->pcol;
}

static struct tpl_tok *
tpl_push(struct tpl_comp *c, int kind, size_t a, size_t b)
{
	struct tpl_tok	*t;
	size_t		 ncap;

	if (c->ntok == c->captok) {
		ncap = c->captok ? c->captok * 2 : 64;
		t = reallocarray(c->tok, ncap, sizeof(*t));
		if (t == NULL)
			return NULL;
		c->tok = t;
		c->captok = ncap;
	}
	t = &c->tok[c->ntok++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->a = t->ta = a;
	t->b = t->tb = b;
	t->match = TPL_NOPOS;
	return t;
}

static int
tpl_nomem(struct tpl_comp *c)
{
	return diag_error(c->d, c->path, 0, 0, "out of memory");
}

/* A name: "." or dot-separated non-empty parts without blanks. */
static int
tpl_goodname(const char *s, size_t n, int dotted)
{
	size_t	 i;

	if (dotted && n == 1 && s[0] == '.')
		return 1;
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r')
			return 0;
		if (dotted && s[i] == '.' &&
		    (i == 0 || i + 1 == n || s[i + 1] == '.'))
			return 0;
	}
	return 1;
}

/*
 * Parses the inside of {{=a b=}} into the new delimiters (spans of the
 * source).  Returns 0, or -1 when it is not two blank-separated
 * non-empty delimiters free of '='.
 */
static int
tpl_delims(const char *src, size_t a, size_t b, size_t *oa, size_t *on,
    size_t *ca, size_t *cn)
{
	size_t	 m, i;

	while (a < b && tpl_blank(src[a]))
		a++;
	while (b > a && tpl_blank(src[b - 1]))
		b--;
	for (m = a; m < b && !tpl_blank(src[m]); m++)
		continue;
	*oa = a;
	*on = m - a;
	while (m < b && tpl_blank(src[m]))
		m++;
	*ca = m;
	*cn = b - m;
	if (*on == 0 || *cn == 0)
		return -1;
	for (i = a; i < b; i++)
		if (src[i] == '=' || src[i] == '\n' || src[i] == '\r' ||
		    (i >= *oa + *on && i < *ca && !tpl_blank(src[i])) ||
		    (i >= *ca && tpl_blank(src[i])))
			return -1;
	return 0;
}

/* Pass 1: tokens.  Returns 0 or -1 with a diagnostic. */
static int
tpl_lex(struct tpl_comp *c)
{
	const char	*src = c->src, *ot = "{{", *ct = "}}";
	size_t		 len = c->len, otn = 2, ctn = 2;
	size_t		 p = 0, q, s, e, end, na, nb;
	size_t		 oa = 0, on = 2, ca = 0, cn = 2;
	unsigned	 line, col;
	struct tpl_tok	*t;
	int		 kind;

	while (p < len) {
		q = tpl_search(src, len, p, ot, otn);
		if (q == TPL_NOPOS)
			q = len;
		if (q > p && tpl_push(c, TK_TEXT, p, q) == NULL)
			return tpl_nomem(c);
		if (q == len)
			break;
		tpl_pos(c, q, &line, &col);
		s = q + otn;
		if (s < len && src[s] == '{') {
			e = tpl_search2(src, len, s, '}', ct, ctn);
			if (e == TPL_NOPOS)
				return diag_error(c->d, c->path, line, col,
				    "unclosed tag");
			kind = '&';
			na = s + 1;
			nb = e;
			end = e + 1 + ctn;
		} else if (s < len && src[s] == '=') {
			e = tpl_search2(src, len, s, '=', ct, ctn);
			if (e == TPL_NOPOS)
				return diag_error(c->d, c->path, line, col,
				    "unclosed tag");
			if (tpl_delims(src, s + 1, e, &oa, &on, &ca, &cn) == -1)
				return diag_error(c->d, c->path, line, col,
				    "bad set-delimiter tag");
			kind = '=';
			na = nb = s;
			end = e + 1 + ctn;
		} else {
			e = tpl_search(src, len, s, ct, ctn);
			if (e == TPL_NOPOS)
				return diag_error(c->d, c->path, line, col,
				    "unclosed tag");
			while (s < e && tpl_blank(src[s]))
				s++;
			kind = 'v';
			if (s < e && strchr("#^/!>&<$", src[s]) != NULL)
				kind = src[s++];
			na = s;
			nb = e;
			end = e + ctn;
		}
		if (kind != '!' && kind != '=') {
			while (na < nb && (tpl_blank(src[na]) ||
			    src[na] == '\n' || src[na] == '\r'))
				na++;
			while (nb > na && (tpl_blank(src[nb - 1]) ||
			    src[nb - 1] == '\n' || src[nb - 1] == '\r'))
				nb--;
			if (na == nb)
				return diag_error(c->d, c->path, line, col,
				    "empty tag");
			if (!tpl_goodname(src + na, nb - na,
			    strchr("v&#^/", kind) != NULL))
				return diag_error(c->d, c->path, line, col,
				    "bad name \"%.*s\"", (int)(nb - na),
				    src + na);
		}
		if ((t = tpl_push(c, kind, q, end)) == NULL)
			return tpl_nomem(c);
		t->na = na;
		t->nb = nb;
		t->line = line;
		t->col = col;
		if (kind == '=') {
			ot = src + oa;
			otn = on;
			ct = src + ca;
			ctn = cn;
		}
		p = end;
	}
	return 0;
}

static const char *
tpl_what(int kind)
{
	switch (kind) {
	case '<':
		return "parent";
	case '$':
		return "block";
	default:
		return "section";
	}
}

/* Pass 2: pairs opening and closing tags. */
static int
tpl_nest(struct tpl_comp *c)
{
	size_t		 st[TPL_MAXNEST + 1], n = 0, i, o;
	struct tpl_tok	*t, *ot;

	for (i = 0; i < c->ntok; i++) {
		t = &c->tok[i];
		switch (t->kind) {
		case '#':
		case '^':
		case '<':
		case '$':
			if (n == TPL_MAXNEST)
				return diag_error(c->d, c->path, t->line,
				    t->col, "sections nest deeper than %d",
				    TPL_MAXNEST);
			if (t->kind == '$' && n > 0 &&
			    c->tok[st[n - 1]].kind == '<')
				t->inparent = 1;
			st[n++] = i;
			break;
		case '/':
			if (n == 0)
				return diag_error(c->d, c->path, t->line,
				    t->col, "unexpected section close \"%.*s\"",
				    (int)(t->nb - t->na), c->src + t->na);
			o = st[--n];
			ot = &c->tok[o];
			if (ot->nb - ot->na != t->nb - t->na ||
			    memcmp(c->src + ot->na, c->src + t->na,
			    t->nb - t->na) != 0)
				return diag_error(c->d, c->path, t->line,
				    t->col, "mismatched section close "
				    "\"%.*s\", expected \"%.*s\" (opened at "
				    "%u:%u)", (int)(t->nb - t->na),
				    c->src + t->na, (int)(ot->nb - ot->na),
				    c->src + ot->na, ot->line, ot->col);
			ot->match = i;
			t->match = o;
			t->inparent = ot->inparent;
			break;
		default:
			break;
		}
	}
	if (n > 0) {
		ot = &c->tok[st[n - 1]];
		return diag_error(c->d, c->path, ot->line, ot->col,
		    "unclosed %s \"%.*s\"", tpl_what(ot->kind),
		    (int)(ot->nb - ot->na), c->src + ot->na);
	}
	return 0;
}

/*
 * Whether only blanks separate token i from the start of its line;
 * *from is where those blanks begin.
 */
static int
tpl_lclear(const struct tpl_comp *c, size_t i, size_t *from)
{
	const struct tpl_tok	*p;
	size_t			 k;

	*from = c->tok[i].a;
	if (i == 0)
		return 1;
	p = &c->tok[i - 1];
	if (p->kind != TK_TEXT)
		return 0;
	for (k = p->b; k > p->a && tpl_blank(c->src[k - 1]); k--)
		continue;
	if (k > p->a ? c->src[k - 1] != '\n' : i - 1 != 0)
		return 0;
	*from = k;
	return 1;
}

/*
 * Whether only blanks separate token i from the end of its line; *to
 * is just past the line end.
 */
static int
tpl_rclear(const struct tpl_comp *c, size_t i, size_t *to)
{
	const struct tpl_tok	*q;
	size_t			 k;

	*to = c->tok[i].b;
	if (i + 1 == c->ntok)
		return 1;
	q = &c->tok[i + 1];
	if (q->kind != TK_TEXT)
		return 0;
	for (k = q->a; k < q->b && tpl_blank(c->src[k]); k++)
		continue;
	if (k == q->b) {
		if (i + 2 != c->ntok)
			return 0;
	} else if (c->src[k] == '\n')
		k++;
	else if (c->src[k] == '\r' && k + 1 < q->b && c->src[k + 1] == '\n')
		k += 2;
	else
		return 0;
	*to = k;
	return 1;
}

/* The blanks starting at off: a block's intrinsic indentation. */
static void
tpl_intrinsic(const struct tpl_comp *c, size_t off, struct tpl_tok *t)
{
	size_t	 k;

	for (k = off; k < c->len && tpl_blank(c->src[k]); k++)
		continue;
	t->ia = off;
	t->ib = k;
}

static void
tpl_trim(struct tpl_comp *c, size_t i, size_t from, size_t to)
{
	if (i > 0 && c->tok[i - 1].kind == TK_TEXT)
		c->tok[i - 1].tb = from;
	if (i + 1 < c->ntok && c->tok[i + 1].kind == TK_TEXT)
		c->tok[i + 1].ta = to;
}

/*
 * Pass 3: standalone tags.  Decisions read the untrimmed spans; trims
 * only move ta and tb, so the order of the tags does not matter.
 */
static void
tpl_alone(struct tpl_comp *c)
{
	struct tpl_tok	*t;
	size_t		 i, from, to, cto;
	int		 l, r;

	for (i = 0; i < c->ntok; i++) {
		t = &c->tok[i];
		switch (t->kind) {
		case TK_TEXT:
		case 'v':
		case '&':
			break;
		case '<':
			if (tpl_lclear(c, i, &from) &&
			    tpl_rclear(c, t->match, &cto)) {
				t->alone = c->tok[t->match].alone = 1;
				t->ia = from;
				t->ib = t->a;
				tpl_trim(c, i, from, t->b);
				tpl_trim(c, t->match, c->tok[t->match].a, cto);
			}
			break;
		case '$':
			if (t->inparent) {
				if (tpl_rclear(c, i, &to)) {
					t->alone = 1;
					tpl_trim(c, i, t->a, to);
					tpl_intrinsic(c, to, t);
				}
				break;
			}
			l = tpl_lclear(c, i, &from);
			r = tpl_rclear(c, i, &to);
			if (l && r) {
				t->alone = 1;
				tpl_trim(c, i, from, to);
				tpl_intrinsic(c, to, t);
			} else if (l) {
				t->ia = from;
				t->ib = t->a;
			}
			break;
		case '/':
			if (c->tok[t->match].kind == '<')
				break;
			if (t->inparent) {
				if (tpl_lclear(c, i, &from))
					tpl_trim(c, i, from, t->b);
				break;
			}
			/* FALLTHROUGH */
		default:
			if (tpl_lclear(c, i, &from) && tpl_rclear(c, i, &to)) {
				t->alone = 1;
				tpl_trim(c, i, from, to);
				if (t->kind == '>') {
					t->ia = from;
					t->ib = t->a;
				}
			}
			break;
		}
	}
}

static struct tpl_node *
tpl_addnode(struct tpl_comp *c, const struct tpl_node *n)
{
	struct tpl_node	*nn;
	size_t		 ncap;

	if (c->nnode == c->capnode) {
		ncap = c->capnode ? c->capnode * 2 : 64;
		nn = reallocarray(c->node, ncap, sizeof(*nn));
		if (nn == NULL)
			return NULL;
		c->node = nn;
		c->capnode = ncap;
	}
	nn = &c->node[c->nnode++];
	*nn = *n;
	return nn;
}

/* Splits a dotted name into NUL-terminated parts in the arena. */
static void
tpl_split(struct tpl_comp *c, struct tpl_node *n, const char *s, size_t len)
{
	size_t	 i, k, a;

	n->s = ar_strndup(c->ar, s, len);
	n->len = len;
	if (len == 1 && s[0] == '.')
		return;
	for (k = 1, i = 0; i < len; i++)
		if (s[i] == '.')
			k++;
	n->part = ar_alloc(c->ar, k * sizeof(*n->part));
	for (a = 0, i = 0; i <= len; i++)
		if (i == len || s[i] == '.') {
			n->part[n->npart++] = ar_strndup(c->ar, s + a, i - a);
			a = i + 1;
		}
}

/* Moves the nodes above base into the arena as the kids of n. */
static void
tpl_kids(struct tpl_comp *c, struct tpl_node *n, size_t base)
{
	size_t	 i, k;

	for (k = 0, i = base; i < c->nnode; i++)
		if (n->kind != TN_PARENT || c->node[i].kind == TN_BLOCK)
			k++;
	if (k > 0) {
		n->kid = ar_alloc(c->ar, k * sizeof(*n->kid));
		for (k = 0, i = base; i < c->nnode; i++)
			if (n->kind != TN_PARENT ||
			    c->node[i].kind == TN_BLOCK)
				n->kid[k++] = c->node[i];
	}
	n->nkid = k;
	c->nnode = base;
}

/* Pass 4: the tree.  Returns 0 or -1 (out of memory). */
static int
tpl_build(struct tpl_comp *c, struct tpl *t)
{
	struct tpl_node	 n;
	struct tpl_open	*o;
	struct tpl_tok	*k;
	size_t		 i, nopen = 0;
	int		 bol = 1;

	for (i = 0; i < c->ntok; i++) {
		k = &c->tok[i];
		memset(&n, 0, sizeof(n));
		n.line = k->line;
		n.col = k->col;
		switch (k->kind) {
		case TK_TEXT:
			if (k->ta >= k->tb)
				continue;
			n.kind = TN_TEXT;
			n.s = c->src + k->ta;
			n.len = k->tb - k->ta;
			n.bol = bol;
			bol = c->src[k->tb - 1] == '\n';
			break;
		case 'v':
		case '&':
			n.kind = k->kind == 'v' ? TN_VAR : TN_RAW;
			tpl_split(c, &n, c->src + k->na, k->nb - k->na);
			n.bol = bol;
			bol = 0;
			break;
		case '#':
		case '^':
		case '<':
		case '$':
			n.kind = k->kind == '#' ? TN_SECTION :
			    k->kind == '^' ? TN_INVERTED :
			    k->kind == '<' ? TN_PARENT : TN_BLOCK;
			if (n.kind == TN_SECTION || n.kind == TN_INVERTED)
				tpl_split(c, &n, c->src + k->na, k->nb - k->na);
			else {
				n.s = ar_strndup(c->ar, c->src + k->na,
				    k->nb - k->na);
				n.len = k->nb - k->na;
			}
			if (k->ib > k->ia) {
				n.ind = c->src + k->ia;
				n.nind = k->ib - k->ia;
			}
			n.bol = !k->alone && !k->inparent && bol;
			n.alone = k->alone;
			bol = k->alone;
			o = &c->open[nopen++];
			o->node = n;
			o->base = c->nnode;
			continue;
		case '/':
			o = &c->open[--nopen];
			tpl_kids(c, &o->node, o->base);
			if (tpl_addnode(c, &o->node) == NULL)
				return -1;
			if (k->alone || o->node.kind == TN_PARENT)
				bol = k->alone;
			else if (k->inparent)
				bol = 0;
			continue;
		case '>':
			n.kind = TN_PARTIAL;
			n.s = ar_strndup(c->ar, c->src + k->na, k->nb - k->na);
			n.len = k->nb - k->na;
			if (k->ib > k->ia) {
				n.ind = c->src + k->ia;
				n.nind = k->ib - k->ia;
			}
			n.bol = !k->alone && bol;
			bol = k->alone;
			break;
		default:	/* comments and delimiters */
			if (k->alone)
				bol = 1;
			continue;
		}
		if (tpl_addnode(c, &n) == NULL)
			return -1;
	}
	t->nnode = c->nnode;
	t->node = ar_alloc(c->ar, (c->nnode ? c->nnode : 1) *
	    sizeof(*t->node));
	if (c->nnode)
		memcpy(t->node, c->node, c->nnode * sizeof(*t->node));
	return 0;
}

/*
 * Returns a new, empty set; NULL when out of memory.  The caller frees
 * it with tpl_set_free().
 */
struct tpl_set *
tpl_set_new(void)
{
	struct tpl_set	*set;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		return NULL;
	set->ar = ar_new();
	return set;
}

/* Frees the set, its compiled templates and their sources. */
void
tpl_set_free(struct tpl_set *set)
{
	if (set == NULL)
		return;
	free(set->slot);
	ar_free(set->ar);
	free(set);
}

static int
tpl_insert(struct tpl_set *set, struct tpl *t)
{
	struct tpl	**old, **ns;
	size_t		  i, ocap;

	if ((set->n + 1) * 2 > set->cap) {
		old = set->slot;
		ocap = set->cap;
		ns = calloc(ocap ? ocap * 2 : 16, sizeof(*ns));
		if (ns == NULL)
			return -1;
		set->slot = ns;
		set->cap = ocap ? ocap * 2 : 16;
		for (i = 0; i < ocap; i++)
			if (old[i] != NULL)
				set->slot[tpl_slot(set, old[i]->name)] = old[i];
		free(old);
	}
	i = tpl_slot(set, t->name);
	if (set->slot[i] == NULL)
		set->n++;
	set->slot[i] = t;
	return 0;
}

/*
 * Compiles src (len bytes, copied) under name, replacing any template
 * of that name.  path (or name when NULL) prefixes diagnostics.
 * Returns 0, or -1 with one error in d and the set unchanged.
 */
int
tpl_set_add(struct tpl_set *set, const char *name, const char *src,
    size_t len, const char *path, struct diag *d)
{
	struct tpl_comp	*c;
	struct tpl	*t;
	int		 rc = -1;

	if (path == NULL)
		path = name;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return diag_error(d, path, 0, 0, "out of memory");
	t = ar_alloc(set->ar, sizeof(*t));
	t->name = ar_strdup(set->ar, name);
	t->path = ar_strdup(set->ar, path);
	t->src = ar_strndup(set->ar, src, len);
	t->len = len;
	c->ar = set->ar;
	c->src = t->src;
	c->len = len;
	c->path = t->path;
	c->d = d;
	c->pline = c->pcol = 1;
	if (tpl_lex(c) == -1 || tpl_nest(c) == -1)
		goto out;
	tpl_alone(c);
	if (tpl_build(c, t) == -1 || tpl_insert(set, t) == -1) {
		tpl_nomem(c);
		goto out;
	}
	rc = 0;
out:
	free(c->tok);
	free(c->node);
	free(c);
	return rc;
}

static int
tpl_put(struct tpl_rs *rs, const char *s, size_t n)
{
	if (buf_put(rs->out, s, n) == -1)
		return diag_error(rs->d, rs->top->path, 0, 0,
		    "output exceeds %zu bytes",
		    rs->out->max ? rs->out->max : BUF_DEFMAX);
	return 0;
}

static int
tpl_adds(struct tpl_rs *rs, const struct tpl_ind *in)
{
	if (in == NULL)
		return 0;
	if (tpl_adds(rs, in->up) == -1)
		return -1;
	return tpl_put(rs, in->add, in->nadd);
}

/*
 * Writes the indentation of a line whose own leading blanks are w[0,
 * wn).  Returns how many of those blanks it consumed, or -1.
 */
static int
tpl_prefix(struct tpl_rs *rs, const struct tpl_ind *in, const char *w,
    size_t wn)
{
	const struct tpl_ind	*f;
	char			 ba[TPL_MAXINDENT], bb[TPL_MAXINDENT];
	char			*cur = ba, *nxt = bb, *tmp;
	size_t			 n, k;

	if (rs->midline) {
		/* A block argument's first line, after text on the line. */
		rs->midline = 0;
		for (k = 0; k < wn && k < in->nstrip && w[k] == in->strip[k];
		    k++)
			continue;
		return (int)k;
	}
	for (f = in; f != NULL && f->nstrip == 0; f = f->up)
		continue;
	if (f == NULL)
		return tpl_adds(rs, in) == -1 ? -1 : 0;
	if (wn > sizeof(ba))
		wn = 0;		/* too many blanks to re-indent */
	memcpy(cur, w, wn);
	n = wn;
	for (f = in; f != NULL; f = f->up) {
		for (k = 0; k < n && k < f->nstrip && cur[k] == f->strip[k];
		    k++)
			continue;
		if (f->nadd + n - k > sizeof(ba))
			return diag_error(rs->d, rs->cur->path, 0, 0,
			    "indentation longer than %d bytes",
			    TPL_MAXINDENT);
		if (f->nadd > 0)
			memcpy(nxt, f->add, f->nadd);
		memmove(nxt + f->nadd, cur + k, n - k);
		n = f->nadd + n - k;
		tmp = cur;
		cur = nxt;
		nxt = tmp;
	}
	if (tpl_put(rs, cur, n) == -1)
		return -1;
	return (int)wn;
}

static int
tpl_text(struct tpl_rs *rs, const struct tpl_node *n,
    const struct tpl_ind *in)
{
	const char	*s = n->s, *e = n->s + n->len, *w, *nl;
	int		 bol = n->bol, k;

	if (in == NULL)
		return tpl_put(rs, s, n->len);
	while (s < e) {
		if (bol) {
			for (w = s; w < e && tpl_blank(*w); w++)
				continue;
			if ((k = tpl_prefix(rs, in, s, (size_t)(w - s))) == -1)
				return -1;
			s += k;
		}
		nl = memchr(s, '\n', (size_t)(e - s));
		nl = nl ? nl + 1 : e;
		if (tpl_put(rs, s, (size_t)(nl - s)) == -1)
			return -1;
		s = nl;
		bol = 1;
	}
	return 0;
}

static int
tpl_escape(struct tpl_rs *rs, const char *s, size_t len)
{
	size_t		 i, a = 0;
	const char	*rep;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		default:
			continue;
		}
		if (tpl_put(rs, s + a, i - a) == -1 ||
		    tpl_put(rs, rep, strlen(rep)) == -1)
			return -1;
		a = i + 1;
	}
	return tpl_put(rs, s + a, len - a);
}

static int
tpl_value(struct tpl_rs *rs, const struct val *v, int esc)
{
	char	 tmp[64];
	int	 n;

	if (v == NULL)
		return 0;
	switch (v->kind) {
	case VAL_BOOL:
		return tpl_put(rs, v->u.b ? "true" : "false", v->u.b ? 4 : 5);
	case VAL_INT:
		n = snprintf(tmp, sizeof(tmp), "%lld", v->u.i);
		return tpl_put(rs, tmp, (size_t)n);
	case VAL_NUM:
		n = snprintf(tmp, sizeof(tmp), "%g", v->u.d);
		return tpl_put(rs, tmp, (size_t)n);
	case VAL_STR:
		if (esc)
			return tpl_escape(rs, v->u.str.s, v->u.str.len);
		return tpl_put(rs, v->u.str.s, v->u.str.len);
	default:	/* null, and lists and maps: nothing */
		return 0;
	}
}

/*
 * One step of a dotted name.  Beyond the spec: on a list, a part made
 * of digits selects that item ("list.0"), so a template can test
 * whether a list has items without a separate flag.
 */
static const struct val *
tpl_member(const struct val *v, const char *part)
{
	size_t	 i = 0;

	if (v->kind == VAL_SEQ && part[0] >= '0' && part[0] <= '9') {
		for (; *part >= '0' && *part <= '9' && i < 100000000; part++)
			i = i * 10 + (size_t)(*part - '0');
		return *part == '\0' ? val_at(v, i) : NULL;
	}
	return val_get(v, part);
}

/* Resolves a (dotted) name against the context stack. */
static const struct val *
tpl_lookup(const struct tpl_ctx *cx, const struct tpl_node *n)
{
	const struct val	*v = NULL;
	size_t			 i;

	if (n->npart == 0)
		return cx != NULL ? cx->v : NULL;
	for (; cx != NULL; cx = cx->up)
		if ((v = val_get(cx->v, n->part[0])) != NULL)
			break;
	for (i = 1; v != NULL && i < n->npart; i++)
		v = tpl_member(v, n->part[i]);
	return v;
}

/* The argument for block n: the outermost one wins. */
static const struct tpl_node *
tpl_override(const struct tpl_scope *sc, const struct tpl_node *n,
    const struct tpl **tp)
{
	const struct tpl_node	*found = NULL;
	size_t			 i;

	for (; sc != NULL; sc = sc->up)
		for (i = 0; i < sc->parent->nkid; i++)
			if (strcmp(sc->parent->kid[i].s, n->s) == 0) {
				found = &sc->parent->kid[i];
				*tp = sc->t;
			}
	return found;
}

static int
tpl_deeper(struct tpl_rs *rs, const struct tpl_node *n, const char *what)
{
	if (rs->depth < TPL_MAXDEPTH)
		return 0;
	return diag_error(rs->d, rs->cur->path, n->line, n->col,
	    "%s nest deeper than %d", what, TPL_MAXDEPTH);
}

/* Renders template t in place of partial or parent n. */
static int
tpl_include(struct tpl_rs *rs, const struct tpl_node *n,
    const struct tpl_ctx *cx, const struct tpl_ind *in,
    const struct tpl_scope *sc)
{
	const struct tpl	*t, *saved;
	struct tpl_ind		 f;
	struct tpl_scope	 s;
	int			 rc;

	if ((t = tpl_find(rs->set, n->s)) == NULL)
		return 0;
	if (tpl_deeper(rs, n, "partials") == -1)
		return -1;
	if (n->nind > 0) {
		f.strip = NULL;
		f.nstrip = 0;
		f.add = n->ind;
		f.nadd = n->nind;
		f.up = in;
		in = &f;
	}
	if (n->kind == TN_PARENT && n->nkid > 0) {
		s.parent = n;
		s.t = rs->cur;
		s.up = sc;
		sc = &s;
	}
	saved = rs->cur;
	rs->cur = t;
	rs->depth++;
	rc = tpl_list(rs, t->node, t->nnode, cx, in, sc);
	rs->depth--;
	rs->cur = saved;
	return rc;
}

static int
tpl_block(struct tpl_rs *rs, const struct tpl_node *n,
    const struct tpl_ctx *cx, const struct tpl_ind *in,
    const struct tpl_scope *sc)
{
	const struct tpl_node	*o;
	const struct tpl	*t = NULL, *saved;
	struct tpl_ind		 f;
	int			 rc;

	if ((o = tpl_override(sc, n, &t)) == NULL)
		return tpl_list(rs, n->kid, n->nkid, cx, in, sc);
	if (tpl_deeper(rs, n, "blocks") == -1)
		return -1;
	if (o->nind > 0 || n->nind > 0) {
		f.strip = o->ind;
		f.nstrip = o->nind;
		f.add = n->ind;
		f.nadd = n->nind;
		f.up = in;
		in = &f;
		rs->midline = !n->alone && o->nkid > 0 && o->kid[0].bol;
	}
	saved = rs->cur;
	rs->cur = t;
	rs->depth++;
	rc = tpl_list(rs, o->kid, o->nkid, cx, in, sc);
	rs->midline = 0;
	rs->depth--;
	rs->cur = saved;
	return rc;
}

static int
tpl_list(struct tpl_rs *rs, const struct tpl_node *n, size_t nn,
    const struct tpl_ctx *cx, const struct tpl_ind *in,
    const struct tpl_scope *sc)
{
	const struct tpl_node	*e;
	const struct val	*v;
	struct tpl_ctx		 c2;
	size_t			 i;

	if (nn == 0)		/* an empty section has no node array */
		return 0;
	for (e = n + nn; n < e; n++) {
		if (n->kind == TN_TEXT) {
			if (tpl_text(rs, n, in) == -1)
				return -1;
			continue;
		}
		if (n->bol && in != NULL && tpl_prefix(rs, in, "", 0) == -1)
			return -1;
		switch (n->kind) {
		case TN_VAR:
		case TN_RAW:
			if (tpl_value(rs, tpl_lookup(cx, n),
			    n->kind == TN_VAR) == -1)
				return -1;
			break;
		case TN_SECTION:
			v = tpl_lookup(cx, n);
			if (!val_truthy(v))
				break;
			c2.up = cx;
			if (v->kind != VAL_SEQ) {
				c2.v = v;
				if (tpl_list(rs, n->kid, n->nkid, &c2, in,
				    sc) == -1)
					return -1;
				break;
			}
			for (i = 0; i < v->u.seq.n; i++) {
				c2.v = v->u.seq.v[i];
				if (tpl_list(rs, n->kid, n->nkid, &c2, in,
				    sc) == -1)
					return -1;
			}
			break;
		case TN_INVERTED:
			if (!val_truthy(tpl_lookup(cx, n)) &&
			    tpl_list(rs, n->kid, n->nkid, cx, in, sc) == -1)
				return -1;
			break;
		case TN_PARTIAL:
		case TN_PARENT:
			if (tpl_include(rs, n, cx, in, sc) == -1)
				return -1;
			break;
		case TN_BLOCK:
			if (tpl_block(rs, n, cx, in, sc) == -1)
				return -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * Renders template name against ctx (which may be NULL), appending to
 * out.  On error out is left as it was and d has the reason.
 */
int
tpl_render(const struct tpl_set *set, const char *name,
    const struct val *ctx, struct buf *out, struct diag *d)
{
	struct tpl_rs	 rs;
	struct tpl_ctx	 cx;
	size_t		 start = out->len;

	memset(&rs, 0, sizeof(rs));
	if ((rs.top = tpl_find(set, name)) == NULL)
		return diag_error(d, NULL, 0, 0, "unknown template \"%s\"",
		    name);
	rs.set = set;
	rs.out = out;
	rs.d = d;
	rs.cur = rs.top;
	cx.v = ctx;
	cx.up = NULL;
	if (tpl_list(&rs, rs.top->node, rs.top->nnode, &cx, NULL,
	    NULL) == -1) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		return -1;
	}
	return 0;
}

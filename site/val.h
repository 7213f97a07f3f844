/*
 * val: the one data model of the builder.  Front matter, schema,
 * template contexts, plugin arguments and results, and JSON output are
 * all trees of struct val.  Every val, string and array lives in an
 * arena: nothing is freed singly; ar_free() releases the whole arena.
 *
 * Scalars from YAML are VAL_STR (the loader does not guess types);
 * the schema converts integers.  Maps keep insertion order, which is
 * the order of the source or of construction, so output that walks a
 * map is deterministic.  Strings are NUL-terminated and also carry
 * their length (YAML allows embedded "\0" escapes, which the loader
 * rejects anyway).
 */
#ifndef VAL_H
#define VAL_H

#include <stddef.h>

#include "buf.h"

struct	arena;

enum	val_kind {
	VAL_NULL,
	VAL_BOOL,
	VAL_INT,
	VAL_NUM,	/* a double: plugin scores */
	VAL_STR,
	VAL_SEQ,
	VAL_MAP
};

struct	val {
	enum val_kind	 kind;
	unsigned	 line;	/* 1-based source position; 0 if synthetic */
	unsigned	 col;
	int		 quoted; /* scalar was quoted in its source */
	union {
		int		 b;
		long long	 i;
		double		 d;
		struct {
			char	*s;
			size_t	 len;
		} str;
		struct {
			struct val	**v;
			size_t		  n, cap;
		} seq;
		struct {
			char		**k;	/* NUL-terminated keys */
			struct val	**v;
			size_t		  n, cap;
		} map;
	} u;
};

/* Arena.  ar_alloc() never returns NULL: on exhaustion it calls the
 * handler set with ar_set_oom() (main prints and exits), else abort(). */
struct arena	*ar_new(void);
void		 ar_free(struct arena *);
void		*ar_alloc(struct arena *, size_t);
char		*ar_strndup(struct arena *, const char *, size_t);
char		*ar_strdup(struct arena *, const char *);
char		*ar_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 ar_set_oom(void (*)(void));
size_t		 ar_used(const struct arena *);

/* Constructors. */
struct val	*val_null(struct arena *);
struct val	*val_bool(struct arena *, int);
struct val	*val_int(struct arena *, long long);
struct val	*val_num(struct arena *, double);
struct val	*val_strn(struct arena *, const char *, size_t);
struct val	*val_str(struct arena *, const char *);
struct val	*val_seq(struct arena *);
struct val	*val_map(struct arena *);

/* Appends to a sequence. */
void		 val_push(struct arena *, struct val *, struct val *);
/* Sets key in a map: replaces an existing key in place, else appends. */
void		 val_set(struct arena *, struct val *, const char *, struct val *);
/* Appends without looking for an existing key (the loader checks). */
void		 val_append(struct arena *, struct val *, const char *, struct val *);

/* Accessors: NULL (or the default) when absent or of another kind. */
struct val	*val_get(const struct val *, const char *);
struct val	*val_path(const struct val *, const char *); /* "a.b.c" */
const char	*val_cstr(const struct val *);		/* VAL_STR only */
const char	*val_getstr(const struct val *, const char *);
size_t		 val_len(const struct val *);		/* seq/map count */
struct val	*val_at(const struct val *, size_t);	/* seq item */
int		 val_truthy(const struct val *);

/* Deep copy into another arena. */
struct val	*val_copy(struct arena *, const struct val *);

/* JSON.  VAL_JSON_HTML also escapes < > & and U+2028/9 so the text can
 * sit inside a <script> element; VAL_JSON_PRETTY indents by two. */
#define	VAL_JSON_HTML	0x01
#define	VAL_JSON_PRETTY	0x02
int		 val_json(struct buf *, const struct val *, int);
int		 val_json_str(struct buf *, const char *, size_t, int);

#endif /* !VAL_H */

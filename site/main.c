/*
 * main: the sandbox-atlas command line.  Parses arguments, runs one
 * subcommand, prints the diagnostics the modules collected, and maps
 * the outcome to the exit status: 0 success, 1 content or build error,
 * 2 usage error.  This is the only file that prints or exits.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "kb.h"
#include "md.h"
#include "pl.h"
#include "rec.h"
#include "sbx.h"
#include "site.h"

#define	EXIT_CONTENT	1
#define	EXIT_USAGE	2

static const char *const dims[6] = {
	"use-case", "scale", "latency", "trust", "budget", "infra"
};

static void
usage_main(FILE *f)
{
	fputs("usage: sandbox-atlas <command> [-C DIR] [options]\n"
	    "\n"
	    "commands:\n"
	    "  build      build the site into DIR/build/site (or -o OUT)\n"
	    "  check      validate content, plugins and theme; write nothing\n"
	    "  recommend  rank the sandboxes for six requirements\n"
	    "  guide      write the selection guide and bundle for six requirements\n"
	    "  help       show this text, or `help COMMAND`\n"
	    "\n"
	    "Run `sandbox-atlas COMMAND --help` for a command's options.\n"
	    "Exit status: 0 success, 1 content or build error, 2 usage error.\n"
	    "The program confines itself (Landlock, seccomp) once the content\n"
	    "is loaded; SANDBOX_ATLAS_NO_SANDBOX=1 turns that off for valgrind\n"
	    "and sanitizer runs only.\n",
	    f);
}

static void
usage_build(FILE *f)
{
	fputs("usage: sandbox-atlas build [-C DIR] [-o OUT] [--base-url URL]\n"
	    "\n"
	    "  -C DIR          project root (default .)\n"
	    "  -o OUT          output folder (default DIR/build/site); built\n"
	    "                  beside OUT and swapped in only on success\n"
	    "  --base-url URL  absolute URL of the site (default: base_url in\n"
	    "                  content/site.yaml)\n"
	    "  --timings       print the number of files and stage times\n", f);
}

static void
usage_check(FILE *f)
{
	fputs("usage: sandbox-atlas check [-C DIR]\n"
	    "\n"
	    "Validates content/, plugins/ and the theme's templates and writes\n"
	    "nothing.  Errors read path:line:col: message (plugins:\n"
	    "path:line: message); stale claims are warnings.\n", f);
}

static void
usage_recommend(FILE *f)
{
	fputs("usage: sandbox-atlas recommend [-C DIR] --use-case U --scale S\n"
	    "           --latency L --trust T --budget B --infra I\n"
	    "           [--format text|json]\n"
	    "\n"
	    "Tokens are listed in content/dimensions.yaml, e.g.\n"
	    "  --use-case code-execution|browser-automation|file-processing|multi-tool-agent\n"
	    "  --scale 10|1000|autoscale   --latency 100ms|1s|batch\n"
	    "  --trust untrusted|semi-trusted|trusted\n"
	    "  --budget zero|100-month|enterprise\n"
	    "  --infra kubernetes|aws|bare-metal|cloudflare\n", f);
}

static void
usage_guide(FILE *f)
{
	fputs("usage: sandbox-atlas guide [-C DIR] --use-case U --scale S\n"
	    "           --latency L --trust T --budget B --infra I -o OUT\n"
	    "\n"
	    "Writes OUT/guide.md, OUT/guide.html, OUT/bundle/, OUT/bundle.tar.gz\n"
	    "and OUT/bundle.zip for exactly these requirements.  OUT is\n"
	    "replaced as a whole; it must not exist, be empty, or hold only\n"
	    "a previous guide's files.  When no sandbox fits, the guide says\n"
	    "what excluded each one and what relaxing one requirement allows.\n",
	    f);
}

static void
oom(void)
{
	errx(EXIT_CONTENT, "out of memory");
}

/* Prints collected diagnostics; returns the number of errors. */
static int
flush_diag(struct diag *d)
{
	if (d->text.len)
		fputs(buf_cstr(&d->text), stderr);
	if (d->nerr > (d->maxerr ? d->maxerr : 100))
		fprintf(stderr, "sandbox-atlas: %d more errors not shown\n",
		    d->nerr - d->maxerr);
	return d->nerr;
}

/* Loads the knowledge base, enters the sandbox (sbx.h: writing only
 * beside out, if not NULL), then loads the plugins. */
static int
load(const char *root, const char *out, struct kb *kb, struct pl_host **pl,
    struct diag *d)
{
	struct pl_limits	 lim;
	char			*dir;
	int			 rc;

	*pl = NULL;
	rc = kb_load(kb, root, d);
	if (sbx_enter_project(root, out, 0, d) == -1)
		return -1;
	pl_limits_default(&lim);
	if (asprintf(&dir, "%s/plugins", root) == -1)
		oom();
	*pl = pl_open(dir, "plugins", &lim, d);
	free(dir);
	if (*pl == NULL)
		rc = -1;
	return rc;
}

enum { OPT_BASE = 256, OPT_FORMAT, OPT_HELP, OPT_TIMINGS, OPT_DIM };

static int
cmd_build(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "base-url", required_argument, NULL, OPT_BASE },
		{ "timings", no_argument, NULL, OPT_TIMINGS },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct site_opts	 o;
	struct site_stats	 stats;
	struct kb		 kb;
	struct pl_host		*pl;
	struct diag		 d;
	char			*def = NULL;
	int			 c, rc;

	memset(&stats, 0, sizeof(stats));
	memset(&o, 0, sizeof(o));
	o.root = ".";
	while ((c = getopt_long(argc, argv, "C:o:", lo, NULL)) != -1)
		switch (c) {
		case 'C':
			o.root = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case OPT_BASE:
			o.base_url = optarg;
			break;
		case OPT_TIMINGS:
			o.stats = &stats;
			break;
		case OPT_HELP:
			usage_build(stdout);
			return 0;
		default:
			usage_build(stderr);
			return EXIT_USAGE;
		}
	if (optind != argc) {
		usage_build(stderr);
		return EXIT_USAGE;
	}
	if (o.out == NULL) {
		if (asprintf(&def, "%s/build/site", o.root) == -1)
			oom();
		o.out = def;
	}
	diag_init(&d);
	rc = load(o.root, o.out, &kb, &pl, &d);
	if (rc == 0)
		rc = site_build(&o, &kb, pl, &d);
	flush_diag(&d);
	if (rc != 0)
		fprintf(stderr, "sandbox-atlas: build failed; %s was not "
		    "changed\n", o.out);
	else if (o.stats != NULL)
		fprintf(stderr, "sandbox-atlas: %zu files; ranked %zu "
		    "combinations in %.1f ms; build stage %.1f ms\n",
		    stats.files, stats.combinations, stats.rank_ms,
		    stats.build_ms);
	pl_close(pl);
	kb_free(&kb);
	diag_free(&d);
	free(def);
	return rc == 0 ? 0 : EXIT_CONTENT;
}

/* Holds each preset's expect.primary against the computed primary. */
static int
check_expect(struct kb *kb, struct pl_host *pl, struct diag *d)
{
	struct arena	*ar = ar_new();
	struct rec	 r;
	struct val	*scn, *ex, *res;
	const char	*got;
	size_t		 i;
	int		 rc = 0;

	if (rec_init(&r, kb, pl, ar, d) == -1) {
		ar_free(ar);
		return -1;
	}
	for (i = 0; i < val_len(kb->scenarios); i++) {
		scn = val_at(kb->scenarios, i);
		if ((res = rec_compute(&r, val_get(scn, "requirements"), ar,
		    d)) == NULL) {
			rc = -1;
			continue;
		}
		ex = val_get(val_get(scn, "expect"), "primary");
		got = val_cstr(val_get(res, "primary"));
		if (ex != NULL && (got == NULL || strcmp(got,
		    val_cstr(ex)) != 0))
			rc = diag_error(d, val_getstr(scn, "path"), ex->line,
			    ex->col, "expect.primary is '%s' but the rules "
			    "give '%s'", val_cstr(ex), got ? got :
			    "no eligible sandbox");
	}
	ar_free(ar);
	return rc;
}

static int
cmd_check(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char	*root = ".";
	struct kb	 kb;
	struct pl_host	*pl;
	struct diag	 d;
	int		 c, rc;

	while ((c = getopt_long(argc, argv, "C:", lo, NULL)) != -1)
		switch (c) {
		case 'C':
			root = optarg;
			break;
		case OPT_HELP:
			usage_check(stdout);
			return 0;
		default:
			usage_check(stderr);
			return EXIT_USAGE;
		}
	if (optind != argc) {
		usage_check(stderr);
		return EXIT_USAGE;
	}
	diag_init(&d);
	rc = load(root, NULL, &kb, &pl, &d);
	if (site_check_theme(root, &d) == -1)
		rc = -1;
	if (rc == 0 && check_expect(&kb, pl, &d) == -1)
		rc = -1;
	flush_diag(&d);
	if (rc == 0)
		fprintf(stderr, "sandbox-atlas: %zu frameworks, %zu scenarios, "
		    "%zu plugins: ok (%d warnings)\n", val_len(kb.frameworks),
		    val_len(kb.scenarios), pl_count(pl), d.nwarn);
	pl_close(pl);
	kb_free(&kb);
	diag_free(&d);
	return rc == 0 ? 0 : EXIT_CONTENT;
}

static void
print_text(const struct val *res)
{
	const struct val	*rk = val_get(res, "ranking"), *c, *rs;
	size_t			 i, j;

	printf("primary:  %s\nfallback: %s\n",
	    val_cstr(val_get(res, "primary")) ? val_cstr(val_get(res,
	    "primary")) : "none", val_cstr(val_get(res, "fallback")) ?
	    val_cstr(val_get(res, "fallback")) : "none");
	for (i = 0; i < val_len(val_get(res, "notes")); i++)
		printf("note:     %s\n", val_cstr(val_at(val_get(res, "notes"),
		    i)));
	printf("\n%-4s %-24s %6s  %s\n", "#", "sandbox", "score", "eligible");
	for (i = 0; i < val_len(rk); i++) {
		c = val_at(rk, i);
		printf("%-4zu %-24s %6.1f  %s\n", i + 1, val_getstr(c, "slug"),
		    val_get(c, "score")->u.d, val_get(c, "eligible")->u.b ?
		    "yes" : "no");
		rs = val_get(c, "reasons");
		for (j = 0; j < val_len(rs); j++)
			printf("       - %s\n", val_cstr(val_at(rs, j)));
	}
}

/* OUT may be replaced only if it holds nothing but a guide's files. */
static int
guide_out_ok(const char *out)
{
	static const char *const ok[] = { "guide.md", "guide.html", "bundle",
	    "bundle.tar.gz", "bundle.zip", NULL };
	DIR		*dir;
	struct dirent	*de;
	int		 i, good = 1;

	if ((dir = opendir(out)) == NULL)
		return errno == ENOENT;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		for (i = 0; ok[i] != NULL; i++)
			if (strcmp(de->d_name, ok[i]) == 0)
				break;
		if (ok[i] == NULL)
			good = 0;
	}
	closedir(dir);
	return good;
}

static int
cmd_recommend(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "use-case", required_argument, NULL, OPT_DIM + 0 },
		{ "scale", required_argument, NULL, OPT_DIM + 1 },
		{ "latency", required_argument, NULL, OPT_DIM + 2 },
		{ "trust", required_argument, NULL, OPT_DIM + 3 },
		{ "budget", required_argument, NULL, OPT_DIM + 4 },
		{ "infra", required_argument, NULL, OPT_DIM + 5 },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char	*root = ".", *toks[6] = { 0 }, *fmt = "text";
	const char	*out = NULL;
	int		 guide = strcmp(argv[0], "guide") == 0;
	struct kb	 kb;
	struct pl_host	*pl = NULL;
	struct diag	 d;
	struct rec	 r;
	struct arena	*ar;
	struct val	*req, *res = NULL;
	struct buf	 b;
	struct site_opts o;
	int		 c, i, rc, status = 0;

	while ((c = getopt_long(argc, argv, guide ? "C:o:" : "C:", lo,
	    NULL)) != -1) {
		if (c >= OPT_DIM && c < OPT_DIM + 6) {
			toks[c - OPT_DIM] = optarg;
			continue;
		}
		switch (c) {
		case 'C':
			root = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_FORMAT:
			if (guide)
				goto usage;
			fmt = optarg;
			break;
		case OPT_HELP:
			(guide ? usage_guide : usage_recommend)(stdout);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind != argc || (strcmp(fmt, "text") != 0 &&
	    strcmp(fmt, "json") != 0) || (guide && out == NULL))
		goto usage;
	for (i = 0; i < 6; i++)
		if (toks[i] == NULL) {
			fprintf(stderr, "sandbox-atlas: %s: --%s is "
			    "required\n", argv[0], dims[i]);
			goto usage;
		}
	if (guide && !guide_out_ok(out)) {
		fprintf(stderr, "sandbox-atlas: guide: refusing to replace %s: "
		    "it holds files that are not a guide's\n", out);
		return EXIT_USAGE;
	}
	diag_init(&d);
	ar = ar_new();
	rc = load(root, out, &kb, &pl, &d);
	if (rc == 0) {
		if ((req = rec_requirements(&kb, ar, toks, &d)) == NULL)
			status = EXIT_USAGE;
		else if (guide) {
			memset(&o, 0, sizeof(o));
			o.root = root;
			o.out = out;
			if (site_guide(&o, toks, &kb, pl, &d) == -1)
				status = EXIT_CONTENT;
		} else if (rec_init(&r, &kb, pl, ar, &d) == -1 ||
		    (res = rec_compute(&r, req, ar, &d)) == NULL)
			status = EXIT_CONTENT;
	} else
		status = EXIT_CONTENT;
	flush_diag(&d);
	if (res != NULL) {
		if (strcmp(fmt, "json") == 0) {
			buf_init(&b, 0);
			val_json(&b, res, 0);
			puts(buf_cstr(&b));
			buf_free(&b);
		} else
			print_text(res);
	}
	pl_close(pl);
	kb_free(&kb);
	ar_free(ar);
	diag_free(&d);
	return status;
usage:
	(guide ? usage_guide : usage_recommend)(stderr);
	return EXIT_USAGE;
}

int
main(int argc, char *argv[])
{
	const char	*cmd;

	ar_set_oom(oom);
	md_init();
	if (argc < 2) {
		usage_main(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	argc--;
	argv++;
	if (strcmp(cmd, "build") == 0)
		return cmd_build(argc, argv);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(cmd, "recommend") == 0 || strcmp(cmd, "guide") == 0)
		return cmd_recommend(argc, argv);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		if (argc > 1 && strcmp(argv[1], "build") == 0)
			usage_build(stdout);
		else if (argc > 1 && strcmp(argv[1], "check") == 0)
			usage_check(stdout);
		else if (argc > 1 && strcmp(argv[1], "recommend") == 0)
			usage_recommend(stdout);
		else if (argc > 1 && strcmp(argv[1], "guide") == 0)
			usage_guide(stdout);
		else
			usage_main(stdout);
		return 0;
	}
	fprintf(stderr, "sandbox-atlas: unknown command '%s'\n", cmd);
	usage_main(stderr);
	return EXIT_USAGE;
}

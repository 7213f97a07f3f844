/*
 * tap.h: a minimal TAP producer for the unit tests.  Each test program
 * calls plan() or not, then ok()/is_int()/is_str(), and returns
 * done_testing().  Failures print the got/expected values as TAP
 * comments.  Header-only; each test is its own executable.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int	tap_n, tap_fail, tap_plan;

static void __attribute__((unused))
plan(int n)
{
	tap_plan = n;
	printf("1..%d\n", n);
}

static int
tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	return cond;
}

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static int __attribute__((format(printf, 3, 4), unused))
is_int(long long got, long long want, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (!r)
		printf("# got: %lld\n# expected: %lld\n", got, want);
	return r;
}

static int __attribute__((format(printf, 3, 4), unused))
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = tap_vok(got != NULL && want != NULL && strcmp(got, want) == 0,
	    fmt, ap);
	va_end(ap);
	if (!r)
		printf("# got: '%s'\n# expected: '%s'\n",
		    got ? got : "(null)", want ? want : "(null)");
	return r;
}

static int __attribute__((unused))
done_testing(void)
{
	if (!tap_plan)
		printf("1..%d\n", tap_n);
	else if (tap_plan != tap_n) {
		printf("# planned %d tests but ran %d\n", tap_plan, tap_n);
		return 1;
	}
	return tap_fail ? 1 : 0;
}

#endif /* !TAP_H */

# Sandbox Atlas.  `make` installs what is missing, builds the builder and
# the site; `make test` does that and runs the whole suite.
# POSIX-ish GNU make; override flags in Makefile.local (not committed).

PKGS     = libcmark-gfm yaml-0.1 lua5.4 sqlite3 libarchive libseccomp
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
           -Wwrite-strings -Wshadow -Wformat=2 -Wno-unused-parameter
HARDEN   = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) $(EXTRA_CFLAGS) \
           `pkg-config --cflags $(PKGS)`
LDLIBS   = `pkg-config --libs $(PKGS)` -lcmark-gfm-extensions -lm
LDFLAGS ?= -pie -Wl,-z,relro,-z,now

B        = build
OBJDIR   = $(B)/obj
BIN      = $(B)/sandbox-atlas
SRCS     = $(wildcard site/*.c)
LIBSRCS  = $(filter-out site/main.c,$(SRCS))
OBJS     = $(SRCS:site/%.c=$(OBJDIR)/%.o)
LIBOBJS  = $(LIBSRCS:site/%.c=$(OBJDIR)/%.o)
HDRS     = $(wildcard site/*.h)
THEME    = themes/default

-include Makefile.local

.PHONY: all deps test-deps site check serve test clean unit e2e regen \
        valgrind asan install fuzz fuzz-smoke bundle-harness

all: deps $(BIN) $(THEME)/node_modules/.ok site

deps:
	@tools/deps.sh build

test-deps:
	@tools/deps.sh test

$(OBJDIR)/%.o: site/%.c $(HDRS)
	@mkdir -p $(OBJDIR)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BIN): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(B)/libatlas.a: $(LIBOBJS)
	rm -f $@
	ar rcs $@ $(LIBOBJS)

$(THEME)/node_modules/.ok: $(THEME)/package.json $(THEME)/package-lock.json
	cd $(THEME) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: $(BIN) $(THEME)/node_modules/.ok
	$(BIN) build -C .

check: $(BIN)
	$(BIN) check -C .

serve: all
	@echo "serving build/site on http://127.0.0.1:8000/"
	cd $(B)/site && /usr/bin/python3 -m http.server 8000 --bind 127.0.0.1

# ---- tests -----------------------------------------------------------
TEST_NPM = tests/node_modules/.ok

$(TEST_NPM): tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

$(B)/tests/%: tests/unit/%.c tests/tap.h $(B)/libatlas.a
	@mkdir -p $(B)/tests
	$(CC) $(ALL_CFLAGS) -Isite -Itests -o $@ $< $(B)/libatlas.a $(LDLIBS)

unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

# Helper programs of the bundle checks (tests/bundles/checks/): the
# libseccomp profile loader and the static probe run inside bwrap.
HARNESS  = $(B)/bundle-harness
HARNESS_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -O2 -g

bundle-harness: $(HARNESS)/seccomp-harness $(HARNESS)/bwrap-probe

$(HARNESS)/seccomp-harness: tests/bundles/harness/seccomp-harness.c
	@mkdir -p $(HARNESS)
	$(CC) $(HARNESS_CFLAGS) $(HARDEN) `pkg-config --cflags jansson libseccomp` \
	    $(LDFLAGS) -o $@ tests/bundles/harness/seccomp-harness.c \
	    `pkg-config --libs jansson libseccomp`

$(HARNESS)/bwrap-probe: tests/bundles/harness/bwrap-probe.c
	@mkdir -p $(HARNESS)
	$(CC) $(HARNESS_CFLAGS) -static -o $@ tests/bundles/harness/bwrap-probe.c

test: all test-deps $(TEST_NPM) unit bundle-harness
	@tests/run-all.sh

# libFuzzer targets (clang): `make fuzz` runs each for FUZZ_SECONDS,
# `make fuzz-smoke` for 10 s (also a stage of `make test`).
FUZZ_SECONDS ?= 300
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke:
	tests/fuzz/run.sh 10

regen: $(BIN)
	tests/e2e/run.sh --regen

PREFIX ?= /usr/local
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/sandbox-atlas
	install -m 0644 docs/sandbox-atlas.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf $(B)

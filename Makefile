# newsgrep — build, test, install. `make help` lists the targets.
#
# The folders under lib/ are the modules; each depends only on the ones
# listed in its DEPS_ line, which is also what its unit tests link:
#   common <- analyze, codec, store <- index <- query <- cli

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man

# The API version lives only in include/newsgrep.h; extract it here.
VERSION_PART = $(shell sed -n 's/^\#define NG_VERSION_$(1) \([0-9]*\).*/\1/p' include/newsgrep.h)
VMAJOR  := $(call VERSION_PART,MAJOR)
VERSION := $(VMAJOR).$(call VERSION_PART,MINOR).$(call VERSION_PART,PATCH)
# The ABI version: bump only when the ABI changes (1: ng_index_options,
# ng_index_counts and ng_search_options grew in 0.2; 2: ng_search_options
# grew again in 0.3, .stats).
SOVERSION := 3
SONAME  := libnewsgrep.so.$(SOVERSION)

empty :=
space := $(empty) $(empty)
comma := ,

# Packages found through pkg-config: the library's (PKGS), the command's
# (CLI_PKGS) and the unit tests' (TEST_PKGS). To add one, add its
# pkg-config name here, its Debian package to DEB_PKGS and DEB_OF below.
PKGS      := libutf8proc libzstd libxxhash libxml-2.0
CLI_PKGS  := jansson libxml-2.0 zlib libzstd libmicrohttpd
TEST_PKGS := cmocka
# Headers of libraries without a pkg-config file (LIB_LIBS links them).
LIB_HEADERS := libstemmer.h
# The Debian package of each of the above, for the "missing" message (and
# keep DEB_PKGS below in step): name:debian-package.
DEB_OF := libutf8proc:libutf8proc-dev libzstd:libzstd-dev libxxhash:libxxhash-dev \
  jansson:libjansson-dev libxml-2.0:libxml2-dev zlib:zlib1g-dev cmocka:libcmocka-dev \
  libmicrohttpd:libmicrohttpd-dev libstemmer.h:libstemmer-dev pkg-config:pkg-config \
  cc:build-essential gcc:build-essential clang:clang

# Package flags are resolved when make runs, not when the Makefile is read:
# $(CONFIG) is remade (by mk/config.sh, from pkg-config) before anything
# else, and make restarts to read it when it changed. When `deps` is a goal
# it runs first, so `make deps demo` works in one go on a bare machine.
CONFIG := $(BUILD)/config.mk
include $(CONFIG)
$(CONFIG): mk/config.sh FORCE
	@mkdir -p $(@D)
	@mk/config.sh "$(CC) $(CPPFLAGS)" LIB=$(subst $(space),$(comma),$(strip $(PKGS))) \
	  CLI=$(subst $(space),$(comma),$(strip $(CLI_PKGS))) TEST=$(subst $(space),$(comma),$(strip $(TEST_PKGS))) \
	  HEADERS=$(subst $(space),$(comma),$(strip $(LIB_HEADERS))) > $@.tmp.$$$$ && \
	  { cmp -s $@.tmp.$$$$ $@ && rm -f $@.tmp.$$$$ || mv -f $@.tmp.$$$$ $@; }
ifneq ($(filter deps,$(MAKECMDGOALS)),)
ifeq ($(MAKE_RESTARTS),)
$(CONFIG): deps
else
DEPS_DONE := yes   # it ran before make restarted to read the new $(CONFIG)
endif
endif
PKG_CFLAGS := $(CFG_LIB_CFLAGS) $(CFG_CLI_CFLAGS) $(CFG_TEST_CFLAGS)
# libxml2 and libmicrohttpd are opened with dlopen when HTML is parsed or
# `serve` starts (lib/extract/xml_load.c, cli/serve/mhd_load.c): linked,
# they load ICU, GnuTLS and a dozen more libraries into every command.
# Their headers are still used; -ldl for C libraries before glibc 2.34.
DLOPENED  := -lxml2 -lmicrohttpd
LIB_LIBS  := $(filter-out $(DLOPENED),$(CFG_LIB_LIBS)) -lstemmer -lpthread -lm -ldl
CLI_LIBS  := $(filter-out $(DLOPENED),$(CFG_CLI_LIBS))
TEST_LIBS := $(CFG_TEST_LIBS)

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
CPPFLAGS += -Iinclude -Ilib -D_GNU_SOURCE $(PKG_CFLAGS)
CFLAGS   += -std=c11 $(OPT) $(WARN) -fPIC -fvisibility=hidden $(SANITIZE)
LDFLAGS  += $(SANITIZE)
# A shared library must carry its own dependencies (ASan's runtime comes from
# the program, so not with a sanitizer).
SHARED_LDFLAGS := $(if $(SANITIZE),,-Wl$(comma)--no-undefined)

# Everything that changes what the compiler and linker produce. Objects,
# libraries, the command and the tests depend on $(FLAGS), rewritten only
# when this text changes, so `make OPT=-O1`, another CC or a newly
# installed package rebuilds what it must (and a library linked without its
# libraries is relinked).
FLAGS := $(BUILD)/flags
define FLAGS_TEXT
CC = $(CC)
CPPFLAGS = $(CPPFLAGS)
CFLAGS = $(CFLAGS)
LDFLAGS = $(LDFLAGS)
SHARED_LDFLAGS = $(SHARED_LDFLAGS)
LIB_LIBS = $(LIB_LIBS)
CLI_LIBS = $(CLI_LIBS)
TEST_LIBS = $(TEST_LIBS)
endef

# need_pkgs,NAMES: a recipe line that stops the build when NAMES (from
# $(CONFIG)) is not empty, naming them, their Debian packages and the command
# that installs them.
deb_of = $(or $(patsubst $(1):%,%,$(filter $(1):%,$(DEB_OF))),$(1))
need_pkgs = $(if $(strip $(1)),@echo "newsgrep: cannot build$(comma) missing: $(sort $(1))" >&2; \
  echo "newsgrep: install them with \`make deps\`$(comma) or: sudo apt-get install $(sort $(foreach p,$(1),$(call deb_of,$(p))))" >&2; exit 1)

MODULES := common analyze codec store index query extract
DEPS_common  := common
DEPS_analyze := common analyze
DEPS_codec   := common codec
DEPS_store   := common store
DEPS_index   := common analyze codec store index
DEPS_query   := common analyze codec store index query
DEPS_extract := common extract

src_of = $(sort $(wildcard lib/$(1)/*.c))
obj_of = $(patsubst %.c,$(BUILD)/%.o,$(call src_of,$(1)))
LIB_SRC := $(foreach m,$(MODULES),$(call src_of,$(m)))
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC))
CLI_SRC := $(sort $(wildcard cli/*.c cli/*/*.c))
CLI_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
# The files of `newsgrep serve`'s page, compiled into the command.
SERVE_FILES := $(sort $(wildcard cli/serve/*.html cli/serve/*.css cli/serve/*.js))
CLI_OBJ += $(BUILD)/gen/serve_files.o

# Tests link a fault-injecting allocator in place of lib/common/alloc.o.
TEST_ALLOC := $(BUILD)/test/alloc.o
test_objs = $(filter-out $(BUILD)/lib/common/alloc.o,$(foreach d,$(DEPS_$(1)),$(call obj_of,$(d)))) $(TEST_ALLOC)

STATIC := $(BUILD)/libnewsgrep.a
SHARED := $(BUILD)/libnewsgrep.so.$(VERSION)
CLI    := $(BUILD)/newsgrep

UNIT_SRC  := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%_replay,$(FUZZ_SRC))

.PHONY: serve-test
.PHONY: FORCE test-pkgs all lib cli test unit fuzz-replay cli-test install-test build-test check-symbols \
        check-asan asan reliability-quick stress stress-long crash-replay fuzz fuzz-long bench bench-extract bench-quick bench-scale bench-grep demo deps deps-peers deps-list install uninstall \
        bench-tools clean help python-test format format-check $(addprefix test-,$(MODULES))

all: lib cli check-symbols

lib: $(STATIC) $(SHARED)
cli: $(CLI)

$(FLAGS): FORCE
	$(call need_pkgs,$(CFG_TOOLS_MISSING) $(CFG_LIB_MISSING) $(CFG_CLI_MISSING) $(CFG_HEADERS_MISSING))
	$(shell mkdir -p $(@D))$(file >$@.tmp,$(FLAGS_TEXT))
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@
test-pkgs:
	$(call need_pkgs,$(CFG_TOOLS_MISSING) $(CFG_TEST_MISSING))
$(LIB_OBJ) $(CLI_OBJ) $(TEST_ALLOC) $(STATIC) $(SHARED) $(CLI) $(FUZZ_REPLAY): $(FLAGS)
$(UNIT_BIN): $(FLAGS) | test-pkgs

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The command's files include their shared headers from cli/ ("cli.h",
# "input/ingest.h") wherever they sit.
$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Icli $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/serve_files.c: cli/serve/embed.sh $(SERVE_FILES)
	@mkdir -p $(dir $@)
	sh cli/serve/embed.sh $(SERVE_FILES) > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/serve_files.o: $(BUILD)/gen/serve_files.c cli/serve/serve.h $(FLAGS)
	$(CC) $(CPPFLAGS) -Icli $(CFLAGS) -c $< -o $@

$(TEST_ALLOC): lib/common/alloc.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DNGI_FAULT_INJECTION -MMD -MP -c $< -o $@

$(STATIC): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) $(SHARED_LDFLAGS) -o $@ $(LIB_OBJ) $(LIB_LIBS)
	ln -sf libnewsgrep.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libnewsgrep.so

$(CLI): $(CLI_OBJ) $(STATIC)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(CLI_LIBS) $(LIB_LIBS)

# Every exported symbol of the shared library must carry the ng_ prefix.
check-symbols: $(SHARED)
	@bad=$$(nm -D --defined-only $(SHARED) | awk '{print $$3}' | grep -v '^ng_' || true); \
	if [ -n "$$bad" ]; then echo "exported symbols without the ng_ prefix:"; echo "$$bad"; exit 1; fi; \
	echo "check-symbols: every exported symbol starts with ng_"

# Unit tests: tests/unit/<module>/test_*.c, linked with that module's
# dependency closure (so a module can be tested before the others build).
define unit_rule
$(BUILD)/tests/$(1)/%: tests/unit/$(1)/%.c $$(call test_objs,$(1))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) -Itests -o $$@ $$< $$(call test_objs,$(1)) $$(LDFLAGS) $$(TEST_LIBS) $$(LIB_LIBS)
endef
$(foreach m,$(MODULES),$(eval $(call unit_rule,$(m))))
$(foreach m,$(MODULES),$(eval test-$(m): $$(filter $(BUILD)/tests/$(m)/%,$$(UNIT_BIN)) ; @tests/run_unit.sh $$^))

# Fuzz targets replayed over their checked-in corpora (no libFuzzer needed).
$(BUILD)/fuzz/%_replay: tests/fuzz/%.c tests/fuzz/replay.c $(call test_objs,query) $(call obj_of,extract) $(CLI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Icli -o $@ $< tests/fuzz/replay.c $(call test_objs,query) $(call obj_of,extract) $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ)) $(LDFLAGS) $(CLI_LIBS) $(LIB_LIBS)

unit: $(UNIT_BIN)
	@tests/run_unit.sh $(UNIT_BIN)

fuzz-replay: $(FUZZ_REPLAY)
	@tests/fuzz/replay_all.sh $(BUILD)/fuzz

cli-test: $(CLI)
	@NG=$(CLI) tests/cli/run.sh

# `newsgrep serve`: API, hostile requests, the page in headless Chromium.
serve-test: $(CLI)
	@NG=$(CLI) tests/serve/run.sh

install-test: all
	@BUILD=$(BUILD) tests/install/test_install.sh

build-test: all
	@BUILD=$(BUILD) MAKE="$(MAKE)" tests/install/test_build.sh

test: all
	@tests/run_all.sh $(MAKE) BUILD=$(BUILD)

# The Python binding's pytest suite (python/tests), against this build's
# library, with Debian's interpreter (where python3-cffi etc. install).
PYTHON ?= /usr/bin/python3
python-test: all
	@BUILD=$(BUILD) NEWSGREP_LIB=$(abspath $(SHARED)) NG=$(abspath $(CLI)) PYTHON=$(PYTHON) tests/python/run.sh

asan: check-asan
check-asan:
	TEST_STEPS="unit fuzz-replay cli serve" $(MAKE) BUILD=build/asan OPT="-O1 -g" \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test
	@# The fuzz corpora once more under clang's UBSan, which flags what gcc's
	@# does not (NULL + 0: -fsanitize=pointer-overflow); ~40 s of compiling.
	@if command -v clang >/dev/null; then $(MAKE) CC=clang BUILD=build/asan-clang OPT="-O1 -g" \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" fuzz-replay; \
	else echo "check-asan: no clang, the clang fuzz-replay is skipped"; fi

# Long reliability runs (SIGKILL during commits, injected I/O faults,
# corruption sweeps, concurrent readers); bounded in time.
reliability-quick: all
	@NG=$(abspath $(CLI)) BUILD=$(BUILD) LIB_LIBS="$(LIB_LIBS)" tests/reliability/quick.sh

stress: all
	@NG=$(abspath $(CLI)) BUILD=$(BUILD) LIB_LIBS="$(LIB_LIBS)" tests/reliability/stress.sh

# Extraction quality and speed on ../shared/corpora/webextract (issue 12).
bench-extract: $(STATIC) $(CLI)
	@CC="$(CC)" BUILD=$(BUILD) LIBS="$(LIB_LIBS)" bench/extract_bench.sh

# Crash consistency without the page cache (replayed power cuts), < 1 min.
crash-replay: all
	@NG=$(abspath $(CLI)) tests/reliability/crash_replay.sh

# Nightly-style: 1,000 SIGKILLs (about 17 min on 2 cores) and the crash
# replay with 16 random mixes per point.
stress-long: all
	@NG=$(abspath $(CLI)) KILLS=1000 MIN_KILLS=1000 TIME_LIMIT=$${STRESS_LONG_TIME:-4800} tests/reliability/crash_kill.sh
	@NG=$(abspath $(CLI)) REPLAY_RANDOM=16 tests/reliability/crash_replay.sh

# One code style (.clang-format, clang-format 14) for every C file of ours.
FORMAT_SRC = $(filter-out tests/fuzz/corpus/%,$(shell git ls-files '*.c' '*.h' 2>/dev/null))
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format-check: $(words $(FORMAT_SRC)) files in the project's style"

FUZZ_TIME ?= 60
fuzz:
	@FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run_libfuzzer.sh

# Every target for 10 M executions, no time limit (hours; see README).
FUZZ_RUNS ?= 10000000
fuzz-long:
	@FUZZ_TIME=0 FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/run_libfuzzer.sh

# The peers that `make bench` and `make bench-scale` run beside newsgrep:
# Lucene 4.10 from Debian, and PISA built from the sources bundled in
# ../shared/tools/peers (about 2 minutes, once, into $(PISA_BUILD)). Not
# part of `make deps`: CI and users who only build need neither.
PEER_PKGS := liblucene4.10-java default-jdk-headless cmake ninja-build patch \
  libboost-dev libboost-filesystem-dev libboost-system-dev libgumbo-dev nlohmann-json3-dev
PEER_TOOLS ?= ../shared/tools
PISA_BUILD ?= $(abspath $(BUILD))/pisa
deps-peers: deps
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(PEER_PKGS)" BENCH_PKGS= PY_PKGS=
	@if [ -x "$(PISA_BUILD)/bin/pisa_search" ]; then echo "deps-peers: PISA in $(PISA_BUILD)/bin"; \
	elif [ -x "$(PEER_TOOLS)/peers/native/pisa/build.sh" ]; then \
	  PISA_BUILD="$(PISA_BUILD)" $(PEER_TOOLS)/peers/native/pisa/build.sh; \
	else echo "deps-peers: $(PEER_TOOLS)/peers absent: PISA not built" >&2; fi
# Every corpus against FTS5 and Xapian, then the 350k split against PISA,
# Lucene 4.10 and FTS5 (bench/results/full/, bench/results/scale/350k/).
bench: all deps-peers
	@bench/run.sh full
	@PISA_BIN=$${PISA_BIN:-$(PISA_BUILD)/bin} bench/scale.sh 350k
bench-quick: all
	@bench/run.sh quick
bench-scale: all deps-peers
	@PISA_BIN=$${PISA_BIN:-$(PISA_BUILD)/bin} bench/scale.sh $(SCALE_SIZES)
bench-grep: all
	@python3 bench/grep_bench.py --build $(BUILD)
# The first query (issue 20): one-shot search from process start, unmerged
# and merged, next to sqlite3 FTS5 and grep --version (bench/first_query.sh).
.PHONY: first-query
first-query: all
	@BUILD=$(BUILD) bench/first_query.sh

# Library-level benchmark programs (public API only): query latency per
# mode (bench/bench_query.c) and document-store fetch / merge times
# (bench/bench_fetch.c, driven by bench/fetch.sh).
BENCH_TOOLS := $(BUILD)/bench/bench_query $(BUILD)/bench/bench_fetch $(BUILD)/bench/serve_load
bench-tools: $(BENCH_TOOLS)
$(BUILD)/bench/%: bench/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(STATIC) $(LDFLAGS) $(LIB_LIBS)

demo: all
	@./demo.sh

# Installs every build, test and benchmark dependency from Debian packages.
DEB_PKGS := build-essential clang llvm libclang-rt-14-dev pkg-config \
  libutf8proc-dev libzstd-dev libxxhash-dev libstemmer-dev libcmocka-dev \
  libjansson-dev libxml2-dev zlib1g-dev zstd libmicrohttpd-dev curl chromium clang-format
BENCH_PKGS := libsqlite3-dev libxapian-dev g++ gnuplot-nox time python3 ripgrep
# The Python binding (python/) and its Dask shards, for /usr/bin/python3.
PY_PKGS := python3-cffi python3-pytest python3-distributed python3-pandas \
  python3-pip python3-setuptools
deps:
	@$(if $(DEPS_DONE),exit 0; )missing=""; for p in $(DEB_PKGS) $(BENCH_PKGS) $(PY_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q ' installed$$' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  if [ -n "$$SUDO" ] && ! command -v sudo >/dev/null; then \
	    echo "make deps: apt-get needs root: run it as root, or install sudo" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: everything is installed"; fi

# The Debian packages behind the packages above (tests/install/bare_machine.sh
# removes them to prove that `make deps` brings back all that is needed).
deps-list:
	@echo $(sort pkg-config $(foreach p,$(PKGS) $(CLI_PKGS) $(TEST_PKGS) $(LIB_HEADERS),$(call deb_of,$(p))))

# Remade on every run and replaced when it changes: it holds PREFIX, LIBDIR,
# INCDIR, VERSION and PKGS, which a file date cannot track.
$(BUILD)/newsgrep.pc: newsgrep.pc.in FORCE
	@mkdir -p $(dir $@)
	@sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCDIR@|$(INCDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES@|$(strip $(PKGS))|' $< > $@.tmp && \
	  { cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@; }

install: all $(BUILD)/newsgrep.pc
	install -d $(DESTDIR)$(INCDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 644 include/newsgrep.h $(DESTDIR)$(INCDIR)/
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf libnewsgrep.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libnewsgrep.so
	install -m 644 $(BUILD)/newsgrep.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/
	install -m 644 cli/newsgrep.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(INCDIR)/newsgrep.h $(DESTDIR)$(LIBDIR)/libnewsgrep.a \
	  $(DESTDIR)$(LIBDIR)/libnewsgrep.so* $(DESTDIR)$(LIBDIR)/pkgconfig/newsgrep.pc \
	  $(DESTDIR)$(BINDIR)/newsgrep $(DESTDIR)$(MANDIR)/man1/newsgrep.1

clean:
	rm -rf build

help:
	@echo "make [all]        build libnewsgrep.a, libnewsgrep.so and the newsgrep command (in $(BUILD)/)"
	@echo "make deps         install the Debian packages needed to build, test and benchmark"
	@echo "make demo         index the sample articles in data/ and run some searches"
	@echo "make test         unit tests, fuzz-corpus replays, CLI golden tests, install and build tests"
	@echo "make serve-test   the HTTP server: API, hostile requests, the page in Chromium"
	@echo "make python-test  the Python binding's tests (python/tests, /usr/bin/python3)"
	@echo "make test-MODULE  unit tests of one module: $(MODULES)"
	@echo "make check-asan   the whole test suite under AddressSanitizer + UBSan (corpora also with clang)"
	@echo "make stress       crash (SIGKILL), I/O-fault, corruption and concurrency runs (bounded)"
	@echo "make stress-long  1,000 SIGKILLs and more replayed power cuts (~20 min)"
	@echo "make format-check the C files follow .clang-format (make format applies it)"
	@echo "make fuzz         libFuzzer runs (clang), FUZZ_TIME seconds per target"
	@echo "make fuzz-long    every fuzz target for FUZZ_RUNS (10 M) executions (hours)"
	@echo "make bench        every corpus vs FTS5, Xapian; the 350k split vs PISA, Lucene, FTS5"
	@echo "make bench-quick  a 3-minute subset (FTS5, Xapian)"
	@echo "make deps-peers   Lucene 4.10 and PISA (built from ../shared/tools) for bench, bench-scale"
	@echo "make first-query  one-shot search from process start vs sqlite3 FTS5, grep (issue 20)"
	@echo "make bench-scale  wikipedia_en as 350k paragraphs and 4 M sentences next to PISA, Lucene, FTS5"
	@echo "make bench-tools  bench_query (query latency) and bench_fetch (fetch, merge) in $(BUILD)/bench/"
	@echo "make install      PREFIX=$(PREFIX) DESTDIR=...; make uninstall; make clean"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

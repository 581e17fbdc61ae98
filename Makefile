# newsgrep — build, test, install. `make help` lists the targets.
#
# The folders under lib/ are the modules; each depends only on the ones
# listed in its DEPS_ line, which is also what its unit tests link:
#   common <- analyze, codec, store <- index <- query <- (api, cli)

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
# ng_index_counts and ng_search_options grew in 0.2).
SOVERSION := 1
SONAME  := libnewsgrep.so.$(SOVERSION)

PKGS      := libutf8proc libzstd libxxhash
CLI_PKGS  := jansson libxml-2.0 zlib libzstd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(CLI_PKGS) cmocka 2>/dev/null)
LIB_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lpthread -lm
CLI_LIBS  := $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null)
TEST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
CPPFLAGS += -Iinclude -Ilib -D_GNU_SOURCE $(PKG_CFLAGS)
CFLAGS   += -std=c11 $(OPT) $(WARN) -fPIC -fvisibility=hidden $(SANITIZE)
LDFLAGS  += $(SANITIZE)

MODULES := common analyze codec store index query
DEPS_common  := common
DEPS_analyze := common analyze
DEPS_codec   := common codec
DEPS_store   := common store
DEPS_index   := common analyze codec store index
DEPS_query   := common analyze codec store index query

src_of = $(sort $(wildcard lib/$(1)/*.c))
obj_of = $(patsubst %.c,$(BUILD)/%.o,$(call src_of,$(1)))
LIB_SRC := $(foreach m,$(MODULES),$(call src_of,$(m))) $(wildcard lib/*.c)
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC))
CLI_SRC := $(sort $(wildcard cli/*.c))
CLI_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))

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

.PHONY: all lib cli test unit fuzz-replay cli-test install-test check-symbols \
        check-asan asan reliability-quick stress stress-long crash-replay fuzz fuzz-long bench bench-quick bench-grep demo deps install uninstall \
        clean help $(addprefix test-,$(MODULES) api)

all: lib cli check-symbols

lib: $(STATIC) $(SHARED)
cli: $(CLI)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(TEST_ALLOC): lib/common/alloc.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DNGI_FAULT_INJECTION -MMD -MP -c $< -o $@

$(STATIC): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) -o $@ $^ $(LIB_LIBS)
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
# API-level tests link the whole library.
$(BUILD)/tests/api/%: tests/unit/api/%.c $(call test_objs,query) $(wildcard lib/*.c)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(call test_objs,query) $(patsubst %.c,$(BUILD)/%.o,$(wildcard lib/*.c)) $(LDFLAGS) $(TEST_LIBS) $(LIB_LIBS)

$(foreach m,$(MODULES) api,$(eval test-$(m): $$(filter $(BUILD)/tests/$(m)/%,$$(UNIT_BIN)) ; @tests/run_unit.sh $$^))

# Fuzz targets replayed over their checked-in corpora (no libFuzzer needed).
$(BUILD)/fuzz/%_replay: tests/fuzz/%.c tests/fuzz/replay.c $(call test_objs,query) $(CLI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Icli -o $@ $< tests/fuzz/replay.c $(call test_objs,query) $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ)) $(LDFLAGS) $(CLI_LIBS) $(LIB_LIBS)

unit: $(UNIT_BIN)
	@tests/run_unit.sh $(UNIT_BIN)

fuzz-replay: $(FUZZ_REPLAY)
	@tests/fuzz/replay_all.sh $(BUILD)/fuzz

cli-test: $(CLI)
	@NG=$(CLI) tests/cli/run.sh

install-test: all
	@BUILD=$(BUILD) tests/install/test_install.sh

test: all
	@tests/run_all.sh $(MAKE) BUILD=$(BUILD)

asan: check-asan
check-asan:
	TEST_STEPS="unit fuzz-replay cli" $(MAKE) BUILD=build/asan OPT="-O1 -g" \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

# Long reliability runs (SIGKILL during commits, injected I/O faults,
# corruption sweeps, concurrent readers); bounded in time.
reliability-quick: all
	@NG=$(abspath $(CLI)) BUILD=$(BUILD) tests/reliability/quick.sh

stress: all
	@NG=$(abspath $(CLI)) BUILD=$(BUILD) tests/reliability/stress.sh

# Crash consistency without the page cache (replayed power cuts), < 1 min.
crash-replay: all
	@NG=$(abspath $(CLI)) tests/reliability/crash_replay.sh

# Nightly-style: 1,000 SIGKILLs (about 17 min on 2 cores) and the crash
# replay with 16 random mixes per point.
stress-long: all
	@NG=$(abspath $(CLI)) KILLS=1000 MIN_KILLS=1000 TIME_LIMIT=$${STRESS_LONG_TIME:-4800} tests/reliability/crash_kill.sh
	@NG=$(abspath $(CLI)) REPLAY_RANDOM=16 tests/reliability/crash_replay.sh

FUZZ_TIME ?= 60
fuzz:
	@FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run_libfuzzer.sh

# Every target for 10 M executions, no time limit (hours; see README).
FUZZ_RUNS ?= 10000000
fuzz-long:
	@FUZZ_TIME=0 FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/run_libfuzzer.sh

bench: all
	@bench/run.sh full
bench-quick: all
	@bench/run.sh quick
bench-grep: all
	@python3 bench/grep_bench.py --build $(BUILD)

demo: all
	@./demo.sh

# Installs every build, test and benchmark dependency from Debian packages.
DEB_PKGS := build-essential clang llvm libclang-rt-14-dev pkg-config \
  libutf8proc-dev libzstd-dev libxxhash-dev libstemmer-dev libcmocka-dev \
  libjansson-dev libxml2-dev zlib1g-dev zstd
BENCH_PKGS := libsqlite3-dev libxapian-dev g++ gnuplot-nox time python3
deps:
	@missing=""; for p in $(DEB_PKGS) $(BENCH_PKGS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: everything is installed"; fi

$(BUILD)/newsgrep.pc: newsgrep.pc.in include/newsgrep.h
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCDIR@|$(INCDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' $< > $@

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
	@echo "make test         unit tests, fuzz-corpus replays, CLI golden tests, install test"
	@echo "make test-MODULE  unit tests of one module: $(MODULES) api"
	@echo "make check-asan   the whole test suite under AddressSanitizer + UBSan"
	@echo "make stress       crash (SIGKILL), I/O-fault, corruption and concurrency runs (bounded)"
	@echo "make stress-long  1,000 SIGKILLs and more replayed power cuts (~20 min)"
	@echo "make fuzz         libFuzzer runs (clang), FUZZ_TIME seconds per target"
	@echo "make fuzz-long    every fuzz target for FUZZ_RUNS (10 M) executions (hours)"
	@echo "make bench        benchmarks against SQLite FTS5 and Xapian (bench-quick: ~3 min)"
	@echo "make install      PREFIX=$(PREFIX) DESTDIR=...; make uninstall; make clean"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# bench_analyzer.mk — builds bench/bench_analyzer.c (analyzer throughput)
# from the sources of lib/common and lib/analyze only, so it works before
# the rest of the library builds:
#   make -f bench/bench_analyzer.mk BUILD=build/analyze
#   zstd -dc ../shared/corpora/reuters21578/docs.jsonl.zst > /tmp/reuters.jsonl
#   build/analyze/bench_analyzer /tmp/reuters.jsonl
#   zstd -dc --long=31 ../shared/corpora/wikipedia_en/docs.jsonl.zst | \
#     build/analyze/bench_analyzer -
CC    ?= cc
BUILD ?= build
BENCH_SRC := bench/bench_analyzer.c $(wildcard lib/analyze/*.c) \
             $(filter-out lib/common/date.c,$(wildcard lib/common/*.c))

$(BUILD)/bench_analyzer: $(BENCH_SRC) $(wildcard lib/analyze/*.h lib/common/*.h) include/newsgrep.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Ilib \
	  -o $@ $(BENCH_SRC) -ljansson -lutf8proc -lstemmer -lxxhash -lm

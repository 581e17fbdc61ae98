# bench_index.mk — the indexing benchmark (include from the Makefile):
#   make BUILD=build/x bench-index-bin
#   build/x/bench/bench_index [--threads N] [--ram-mb N] DIR FILE.jsonl|-
BENCH_INDEX := $(BUILD)/bench/bench_index
BENCH_INDEX_OBJ := $(foreach d,$(DEPS_index),$(call obj_of,$(d)))

$(BENCH_INDEX): bench/bench_index.c $(BENCH_INDEX_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BENCH_INDEX_OBJ) $(LDFLAGS) $(CLI_LIBS) $(LIB_LIBS)

.PHONY: bench-index-bin
bench-index-bin: $(BENCH_INDEX)

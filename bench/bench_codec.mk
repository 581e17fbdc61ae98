# bench_codec.mk — the codec decode benchmark (include from the Makefile):
#   make BUILD=build/x bench-codec
BENCH_CODEC := $(BUILD)/bench/bench_codec
BENCH_CODEC_OBJ := $(call obj_of,common) $(call obj_of,codec)

$(BENCH_CODEC): bench/bench_codec.c $(BENCH_CODEC_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BENCH_CODEC_OBJ) $(LDFLAGS) $(LIB_LIBS)

.PHONY: bench-codec
bench-codec: $(BENCH_CODEC)
	$(BENCH_CODEC)

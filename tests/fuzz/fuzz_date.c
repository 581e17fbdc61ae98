/*
 * fuzz_date.c — libFuzzer target for ng_date_parse: any bytes must be read
 * or refused, never crash or overrun. A date read is a valid period (first
 * <= last, text of its precision) whose ISO text reads back to the same
 * period; a refusal names a problem at an offset inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "newsgrep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size ? size : 1); /* exact size: ASan sees overruns */
    if (!text) abort();
    memcpy(text, data, size);
    ng_date d, again;
    if (ng_date_parse(text, size, &d) == 0) {
        static const size_t iso_len[] = {0, 4, 7, 10};
        if (d.first > d.last || d.precision < NG_DATE_YEAR || d.precision > NG_DATE_DAY ||
            strlen(d.iso) != iso_len[d.precision])
            abort();
        if (ng_date_parse(d.iso, strlen(d.iso), &again) != 0 || again.first != d.first ||
            again.last != d.last)
            abort();
    } else if (!d.error[0] || d.error_offset > size) {
        abort();
    }
    free(text);
    return 0;
}

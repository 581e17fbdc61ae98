"""The binding's struct declarations (cffi ABI mode, newsgrep/_ffi.py) have
the layout of include/newsgrep.h: compiled and compared field by field."""

import shutil
import subprocess
from pathlib import Path

import pytest

from newsgrep._ffi import ffi

REPO = Path(__file__).resolve().parents[2]
STRUCTS = ["ng_token", "ng_field", "ng_document", "ng_index_options",
           "ng_index_counts", "ng_stats", "ng_search_options", "ng_span",
           "ng_hit", "ng_date", "ng_extract_options"]


def test_struct_layouts_match_the_header(tmp_path):
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        pytest.skip("no C compiler to read the header with")
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "newsgrep.h"',
             "int main(void) {"]
    expected = []
    for s in STRUCTS:
        lines.append(f'printf("%zu\\n", sizeof({s}));')
        expected.append(ffi.sizeof(s))
        for name, _ in ffi.typeof(s).fields:
            lines.append(f'printf("%zu\\n", offsetof({s}, {name}));')
            expected.append(ffi.offsetof(s, name))
    lines.append("return 0; }")
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run([cc, "-std=c11", "-I", str(REPO / "include"), "-o", str(exe), str(src)],
                   check=True)
    got = [int(x) for x in subprocess.run([str(exe)], check=True, capture_output=True,
                                          text=True).stdout.split()]
    assert got == expected

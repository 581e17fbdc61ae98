#!/usr/bin/env bash
# test_install.sh — `make install-test`: installs into a temporary DESTDIR
# (PREFIX=/usr), then compiles a small C program against the installed
# header and library through pkg-config (shared, then static) and runs it,
# and runs the installed command. Env: BUILD (build dir), MAKE, CC.
# Last line: "install: ok" (exit 0) or "install: FAILED: reason" (exit 1).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
CC=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ng-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install: FAILED: $*"; exit 1; }

$MAKE --no-print-directory BUILD="$BUILD" PREFIX=/usr DESTDIR="$tmp/root" install \
  >"$tmp/make.log" 2>&1 || { tail -20 "$tmp/make.log"; fail "make install"; }

root="$tmp/root"
for f in usr/include/newsgrep.h usr/lib/libnewsgrep.a usr/lib/libnewsgrep.so \
         usr/lib/pkgconfig/newsgrep.pc usr/bin/newsgrep usr/share/man/man1/newsgrep.1; do
  [ -e "$root/$f" ] || fail "missing $f"
done
soname=$(readelf -d "$root/usr/lib/libnewsgrep.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ -n "$soname" ] && [ -e "$root/usr/lib/$soname" ] || fail "SONAME '$soname' not installed"
echo "installed: header, libnewsgrep.a, libnewsgrep.so ($soname), newsgrep.pc, newsgrep, newsgrep.1"

cat >"$tmp/prog.c" <<'C'
/* Uses the installed library end to end: analyzer, index, search. */
#include <newsgrep.h>
#include <stdio.h>
#include <string.h>

static int tok(void *ctx, const ng_token *t)
{
    (void)ctx;
    printf("token %.*s %u\n", (int)t->term_len, t->term, t->position);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || ng_version_number() != NG_VERSION_NUMBER)
        return 1;
    printf("version %s\n", ng_version_string());
    ng_analyzer *an;
    if (ng_analyzer_create(&an, "english", 0))
        return 2;
    ng_analyzer_tokenize(an, "The Astana Declaration", 22, 0, tok, NULL);
    ng_analyzer_free(an);

    ng_index *ix;
    if (ng_index_open(&ix, argv[1], NULL))
        return 3;
    const char *id = "doc-1", *title = "Leaders sign the Astana Declaration";
    const char *body = "Six leaders met in Astana on 17 June 2025.", *date = "2025-06-17";
    ng_field f[] = {{"id", id, strlen(id), NG_FIELD_ID},
                    {"title", title, strlen(title), NG_FIELD_TITLE},
                    {"body", body, strlen(body), NG_FIELD_BODY},
                    {"date", date, strlen(date), NG_FIELD_DATE}};
    ng_document doc = {f, 4};
    if (ng_index_add(ix, &doc) || ng_index_commit(ix))
        return 4;
    ng_index_free(ix);

    ng_reader *r;
    ng_query *q;
    ng_results *res;
    ng_search_options o;
    ng_search_options_init(&o);
    o.flags = NG_SEARCH_FETCH | NG_SEARCH_COUNT;
    if (ng_reader_open(&r, argv[1]) || ng_query_parse(&q, r, "\"astana declaration\"", 20, 0) ||
        ng_search(r, q, &o, &res))
        return 5;
    for (size_t i = 0; i < ng_results_count(res); i++) {
        const ng_hit *h = ng_results_hit(res, i);
        printf("hit %s %s %s\n", h->id, h->date, h->title);
    }
    printf("total %lld\n", (long long)ng_results_total(res));
    ng_results_free(res);
    ng_query_free(q);
    ng_reader_free(r);
    return 0;
}
C
export PKG_CONFIG_PATH="$root/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
pkg-config --exists newsgrep || fail "pkg-config does not find newsgrep"
echo "pkg-config: newsgrep $(pkg-config --modversion newsgrep): $(pkg-config --cflags --libs newsgrep | sed "s|$root|\$DESTDIR|g")"

want="version $(pkg-config --modversion newsgrep)
token astana 1
token declar 2
hit doc-1 2025-06-17 Leaders sign the Astana Declaration
total 1"
# shared library
$CC -std=c11 -Wall -Wextra -Werror -o "$tmp/prog" "$tmp/prog.c" $(pkg-config --cflags --libs newsgrep) \
  || fail "compiling against the shared library"
got=$(LD_LIBRARY_PATH="$root/usr/lib" "$tmp/prog" "$tmp/ix1") || fail "program (shared) exited $?"
[ "$got" = "$want" ] || { printf 'expected:\n%s\ngot:\n%s\n' "$want" "$got"; fail "shared: wrong output"; }
ldd_line=$(LD_LIBRARY_PATH="$root/usr/lib" ldd "$tmp/prog" | grep libnewsgrep)
case "$ldd_line" in *"$root"*) ;; *) fail "the program did not load the installed library: $ldd_line" ;; esac
echo "shared: compiled, linked against $soname, ran: ok"
# static library
$CC -std=c11 -Wall -Wextra -Werror -static-libgcc -o "$tmp/prog_static" "$tmp/prog.c" \
  $(pkg-config --cflags newsgrep) "$root/usr/lib/libnewsgrep.a" $(pkg-config --static --libs-only-other --libs-only-l newsgrep | sed 's/-lnewsgrep//') \
  || fail "compiling against the static library"
got=$("$tmp/prog_static" "$tmp/ix2") || fail "program (static) exited $?"
[ "$got" = "$want" ] || fail "static: wrong output"
echo "static: compiled, ran: ok"
# the README's example program (examples/search.c), as a user would build it
$CC -std=c11 -Wall -Wextra -Werror -o "$tmp/readme_example" examples/search.c $(pkg-config --cflags --libs newsgrep) \
  || fail "compiling the README example"
got=$(cd "$tmp" && LD_LIBRARY_PATH="$root/usr/lib" ./readme_example) || fail "README example exited $?"
case "$got" in "a1 "*"Leaders sign the Astana Declaration"*) ;; *) fail "README example printed: $got" ;; esac
echo "README example: compiled, ran: ok"
# the installed command and man page
"$root/usr/bin/newsgrep" --version | grep -q "^newsgrep " || fail "installed newsgrep --version"
"$root/usr/bin/newsgrep" search -i "$tmp/ix1" --ids astana | grep -qx doc-1 || fail "installed newsgrep search"
if command -v man >/dev/null; then
  man -l "$root/usr/share/man/man1/newsgrep.1" 2>/dev/null | grep -q "QUERY LANGUAGE" || fail "man page does not render"
fi
echo "command: $("$root/usr/bin/newsgrep" --version); man page renders"
echo "install: ok"

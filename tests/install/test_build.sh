#!/usr/bin/env bash
# test_build.sh — `make build-test`: what the build itself promises (issue 11).
#  a. a missing package stops the build with a message naming it and the
#     command that installs it, and leaves no library behind;
#  b. changing a compile flag (OPT) rebuilds the objects and relinks the
#     libraries; the same flags again rebuild nothing;
#  c. the installed newsgrep.pc follows PREFIX from one install to the next;
#  d. the shared library is linked with its libraries (`ldd -r` finds no
#     undefined symbol), and linking it without them fails.
# Works in a temporary build directory, except (c), which installs the
# already-built $BUILD into a temporary DESTDIR. Env: BUILD, MAKE.
# Last line: "build: ok" (exit 0) or "build: FAILED: reason" (exit 1).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
# The caller's variables (OPT=...) must not leak into the temporary build,
# but (c) installs the caller's build with them, so that nothing rebuilds.
caller_makeflags=${MAKEFLAGS-}
unset MAKEFLAGS MFLAGS MAKELEVEL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ng-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "build: FAILED: $*"; exit 1; }
b=$tmp/b
mk() { $MAKE --no-print-directory -j2 BUILD="$b" "$@"; }

# a. no package can be found: the message names them and `make deps`
mkdir "$tmp/no-pc"
PKG_CONFIG_LIBDIR=$tmp/no-pc PKG_CONFIG_PATH= mk OPT=-O0 all >"$tmp/a.log" 2>&1 \
  && fail "a: the build succeeded without any package"
for want in libzstd libutf8proc jansson libxml-2.0 'make deps' 'apt-get install' libzstd-dev libxml2-dev; do
  grep -q -- "$want" "$tmp/a.log" || { cat "$tmp/a.log"; fail "a: the message does not name '$want'"; }
done
ls "$b"/libnewsgrep.* >/dev/null 2>&1 && fail "a: a failed build left $(ls "$b"/libnewsgrep.*)"
echo "a. missing packages: $(grep -m1 'missing' "$tmp/a.log")"

# b. a changed flag rebuilds; the same flags rebuild nothing
nsrc=$(ls lib/*/*.c lib/*.c 2>/dev/null | wc -l)
mk OPT=-O0 lib >"$tmp/b1.log" 2>&1 || { tail -20 "$tmp/b1.log"; fail "b: make lib"; }
mk OPT=-O1 lib >"$tmp/b2.log" 2>&1 || { tail -20 "$tmp/b2.log"; fail "b: make OPT=-O1 lib"; }
n=$(grep -c -- ' -c lib/' "$tmp/b2.log")
[ "$n" -eq "$nsrc" ] || fail "b: OPT=-O1 recompiled $n of $nsrc library sources"
grep -q -- '-shared .*-o '"$b"'/libnewsgrep.so' "$tmp/b2.log" || fail "b: OPT=-O1 did not relink libnewsgrep.so"
grep -q -- 'ar rcs '"$b"'/libnewsgrep.a' "$tmp/b2.log" || fail "b: OPT=-O1 did not rebuild libnewsgrep.a"
mk OPT=-O1 lib >"$tmp/b3.log" 2>&1 || fail "b: make OPT=-O1 lib, again"
grep -qE -- ' -c |-shared|ar rcs' "$tmp/b3.log" && { cat "$tmp/b3.log"; fail "b: unchanged flags rebuilt something"; }
echo "b. OPT=-O0 -> -O1 recompiled $n of $nsrc library sources and relinked both libraries; again: nothing"

# d. linked with its libraries; without them the link fails
so=$b/libnewsgrep.so
undefined=$(ldd -r "$so" 2>&1 | grep -c 'undefined symbol')
[ "$undefined" -eq 0 ] || { ldd -r "$so" 2>&1 | head; fail "d: $undefined undefined symbols in $so"; }
rm -f "$b"/libnewsgrep.so*
mk OPT=-O1 LIB_LIBS= lib >"$tmp/d.log" 2>&1 && fail "d: the shared library linked without its libraries"
ls "$b"/libnewsgrep.so.* >/dev/null 2>&1 && fail "d: a library linked without its libraries was left behind"
echo "d. ldd -r: no undefined symbol; linking without LIB_LIBS fails: $(grep -m1 'undefined reference' "$tmp/d.log" | sed 's/.*undefined/undefined/')"

# c. the installed newsgrep.pc names the PREFIX of this install, not the last one
for p in /opt/ng-a /opt/ng-b; do
  MAKEFLAGS=$caller_makeflags $MAKE --no-print-directory BUILD="$BUILD" PREFIX=$p DESTDIR="$tmp/root" install >"$tmp/c.log" 2>&1 \
    || { tail -20 "$tmp/c.log"; fail "c: make install PREFIX=$p"; }
  pc=$tmp/root$p/lib/pkgconfig/newsgrep.pc
  got=$(sed -n 's/^prefix=//p' "$pc")
  [ "$got" = "$p" ] || fail "c: make install PREFIX=$p installed a newsgrep.pc with prefix=$got"
  got=$(PKG_CONFIG_PATH=$tmp/root$p/lib/pkgconfig pkg-config --cflags newsgrep)
  case " $got " in *" -I$p/include "*) ;; *) fail "c: pkg-config --cflags newsgrep after PREFIX=$p: $got" ;; esac
done
echo "c. make install PREFIX=/opt/ng-a, then PREFIX=/opt/ng-b: newsgrep.pc has prefix=/opt/ng-b"
echo "build: ok"

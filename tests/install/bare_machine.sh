#!/usr/bin/env bash
# bare_machine.sh --remove-packages — the README's set-up on a machine that
# has none of the build dependencies (issue 11), for CI (.ci/run):
#   1. apt-get remove the Debian packages the build needs (`make deps-list`:
#      the -dev packages and pkg-config; compilers stay),
#      and check that `make demo` then stops with a message naming them;
#   2. git clone this repository into a temporary directory;
#   3. run there exactly the set-up commands of the README's "Two commands"
#      section (and check that there are two);
#   4. make install PREFIX=<tmp>/x1, then PREFIX=<tmp>/x2, each followed by
#      compiling examples/search.c with `pkg-config --cflags --libs newsgrep`
#      (PKG_CONFIG_PATH at that prefix) and running it.
# It removes packages from the machine it runs on: it does nothing without
# --remove-packages, and skips (exit 0, saying why) when not root or without
# apt-get. `make deps` (step 3) installs the packages again.
# Last line: "bare-machine: ok", "bare-machine: skipped: why" or
# "bare-machine: FAILED: reason" (exit 1).
set -u
cd "$(dirname "$0")/../.." || exit 1
skip() { echo "bare-machine: skipped: $*"; exit 0; }
fail() { echo "bare-machine: FAILED: $*"; exit 1; }
[ "${1:-}" = --remove-packages ] ||
  skip "it apt-get removes the build dependencies; run it as '$0 --remove-packages' on a disposable machine (CI)"
[ "$(id -u)" = 0 ] || skip "not root (it removes and installs Debian packages)"
command -v apt-get >/dev/null && command -v dpkg >/dev/null || skip "no apt-get/dpkg (not Debian)"
command -v git >/dev/null || skip "no git"
command -v make >/dev/null || skip "no make"
repo=$PWD
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || skip "$repo is not a git repository"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ng-bare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
t0=$SECONDS
say() { echo "bare-machine: $* ($((SECONDS - t0)) s)"; }

# 1. remove the build dependencies
pkgs=$(make -s --no-print-directory BUILD="$tmp/list" deps-list) || fail "make deps-list"
# (a removed package whose configuration files remain is not installed)
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
installed=$(for p in $pkgs; do is_installed "$p" && echo "$p"; done)
if [ -n "$installed" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq $installed >"$tmp/remove.log" 2>&1 ||
    { tail -20 "$tmp/remove.log"; fail "apt-get remove $installed"; }
fi
for p in $pkgs; do is_installed "$p" && fail "$p is still installed"; done
say "removed:" ${installed:-nothing} "- now none of these is installed:" $pkgs

# without them, a build stops at once, naming them and `make deps`
git clone -q "$repo" "$tmp/probe" || fail "git clone $repo"
(cd "$tmp/probe" && make demo) >"$tmp/probe.log" 2>&1 && fail "make demo succeeded without the packages"
for want in libzstd jansson 'make deps' 'apt-get install'; do
  grep -q -- "$want" "$tmp/probe.log" || { tail -20 "$tmp/probe.log"; fail "make demo without the packages: no '$want' in its message"; }
done
say "make demo without them: $(grep -m1 'missing' "$tmp/probe.log")"
rm -rf "$tmp/probe"

# 2. a fresh clone
git clone -q "$repo" "$tmp/newsgrep" || fail "git clone $repo"
cd "$tmp/newsgrep" || exit 1

# 3. the README's set-up commands, as written
mapfile -t cmds < <(sed -n '/^## Two commands/,/^## /p' README.md |
  sed -n '/^```sh/,/^```$/p' | sed -e '/^```/d' -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d')
[ "${#cmds[@]}" -eq 2 ] || fail "the README's \"Two commands\" shows ${#cmds[@]} commands: ${cmds[*]}"
for cmd in "${cmds[@]}"; do
  log=$tmp/$(echo "$cmd" | tr -c 'a-z0-9\n' '_').log
  bash -c "$cmd" >"$log" 2>&1 || { tail -40 "$log"; fail "'$cmd' exited $?"; }
  say "\$ $cmd: ok: $(grep -v '^[[:space:]]*$' "$log" | tail -1 | cut -c1-100)"
done
grep -q 'Astana Declaration' "$tmp/make_deps_demo.log" 2>/dev/null ||
  [ ! -e "$tmp/make_deps_demo.log" ] || fail "the demo found no \"Astana Declaration\""
tail -1 "$tmp/make_test.log" 2>/dev/null | grep -q PASSED ||
  [ ! -e "$tmp/make_test.log" ] || fail "make test: $(tail -1 "$tmp/make_test.log")"

# 4. two installs, each used through pkg-config by the README's example
for x in x1 x2; do
  prefix=$tmp/$x
  make install PREFIX="$prefix" >"$tmp/install-$x.log" 2>&1 ||
    { tail -20 "$tmp/install-$x.log"; fail "make install PREFIX=$prefix"; }
  export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
  got=$(pkg-config --variable=prefix newsgrep) || fail "pkg-config does not find newsgrep in $PKG_CONFIG_PATH"
  [ "$got" = "$prefix" ] || fail "make install PREFIX=$prefix installed a newsgrep.pc with prefix=$got"
  mkdir "$tmp/run-$x"
  cc -std=c11 -Wall -Wextra -Werror -o "$tmp/run-$x/search" examples/search.c \
    $(pkg-config --cflags --libs newsgrep) || fail "compiling examples/search.c against PREFIX=$prefix"
  out=$(cd "$tmp/run-$x" && LD_LIBRARY_PATH=$prefix/lib ./search) || fail "examples/search.c (PREFIX=$prefix) exited $?"
  case "$out" in "a1 "*"Astana Declaration"*) ;; *) fail "examples/search.c printed: $out" ;; esac
  loaded=$(cd "$tmp/run-$x" && LD_LIBRARY_PATH=$prefix/lib ldd ./search | grep libnewsgrep)
  case "$loaded" in *"$prefix/lib/"*) ;; *) fail "search did not load the library of PREFIX=$prefix: $loaded" ;; esac
  undefined=$(ldd -r "$prefix/lib/libnewsgrep.so" 2>&1 | grep -c 'undefined symbol')
  [ "$undefined" -eq 0 ] || fail "$undefined undefined symbols in $prefix/lib/libnewsgrep.so"
  say "make install PREFIX=$prefix; examples/search.c compiled with pkg-config and ran: $(echo "$out" | head -1 | cut -c1-60)"
done
echo "bare-machine: ok"

# an index written before signatures (tests/data/index-v3) still opens and
# answers; --collapse says its documents have no signature and what to
# do; `merge` computes them from the stored text
. "$ROOT/tests/cli/lib.sh"
cp -r "$ROOT/tests/data/index-v3" v3
st "$NG" search -i v3 --collapse --ids china
st "$NG" timeline -i v3 --collapse --by year china
st "$NG" merge -i v3
st "$NG" search -i v3 --collapse --ids china
st "$NG" check -i v3

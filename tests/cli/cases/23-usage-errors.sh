# unknown options and missing arguments: exit 2 with a hint
. "$ROOT/tests/cli/lib.sh"
st "$NG" search --bogus x
st "$NG" search -i
st "$NG" search -k 0 x
st "$NG" search --sort size x
st "$NG" search --color=sometimes x
st "$NG" index
st "$NG" index --format pdf x
st "$NG" show
st "$NG" timeline --by decade x
st "$NG" stats --bogus
st "$NG" notacommand
st "$NG" search --queries q.tsv

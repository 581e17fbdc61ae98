# count: exact totals; exit 1 when zero
. "$ROOT/tests/cli/lib.sh"
mkindex
st "$NG" count -i ix china
st "$NG" count -i ix --all 'china summit'
st "$NG" count -i ix nonexistentword
"$NG" search -i ix --count -k 2 --ids china

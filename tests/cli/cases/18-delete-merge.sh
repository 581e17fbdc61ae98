# delete ids, merge segments, deleted documents dropped
. "$ROOT/tests/cli/lib.sh"
mkindex
printf '{"id":"x1","title":"Extra","body":"astana extra"}\n' | "$NG" index -q -i ix -
"$NG" stats -i ix | grep -E '^(documents|deleted|segments) '
st "$NG" delete -i ix ng-001 x1 nope
st "$NG" delete -i ix nope
"$NG" count -i ix astana
st "$NG" merge -i ix
"$NG" stats -i ix | grep -E '^(documents|deleted|segments) '
st "$NG" show -i ix ng-001
st "$NG" check -i ix

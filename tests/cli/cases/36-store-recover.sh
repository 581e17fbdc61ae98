# a missing MANIFEST: writers and readers refuse, nothing is deleted;
# `recover` rebuilds it and every document comes back
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" index -q -i ix "$DATA/articles.jsonl"   # replacements: a deletes file
"$NG" delete -i ix ng-002
"$NG" search -i ix --ids --all astana > before
ls ix > files.before
rm ix/MANIFEST
st "$NG" index -q -i ix "$DATA/articles.jsonl"
st "$NG" search -i ix astana
st "$NG" check -i ix
ls ix | grep -v MANIFEST > files.after
cmp files.after <(grep -v MANIFEST files.before) && echo "files intact"
st "$NG" recover -i ix
"$NG" search -i ix --ids --all astana > after
cmp before after && echo "same answers"
st "$NG" check -i ix
st "$NG" recover -i ix
st "$NG" recover -i nowhere

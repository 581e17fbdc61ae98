# the index kept for format version 3 (tests/data/index-v3, written by
# tests/data/make-index.sh) opens and answers as recorded; the format-2
# index is refused with a clear "format version" message
. "$ROOT/tests/cli/lib.sh"
cp -r "$ROOT/tests/data/index-v3" v3
cp -r "$ROOT/tests/data/index-v2" v2
st "$NG" check -i v3
"$NG" stats -i v3 --json
st "$NG" search -i v3 --ids --all astana
st "$NG" search -i v3 --ids --all '"central asia"'
st "$NG" search -i v3 --ids --all 'title:updated OR summit'
st "$NG" search -i v3 --ids -k 3 --since 2025-06-18 china
st "$NG" count -i v3 'c*'
"$NG" show -i v3 --json ng-003
st "$NG" show -i v3 ng-005
st "$NG" search -i v2 astana
st "$NG" index -q -i v2 "$DATA/articles.jsonl"

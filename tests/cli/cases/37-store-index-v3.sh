# the index kept for format version 3 (tests/data/index-v3, written by
# tests/data/make-index.sh) opens and answers as recorded; the format-2
# index is refused with a clear "format version" message; the index kept
# for format version 4 (new sections DOC2, CSID, QLEN, SIGN) answers alike
. "$ROOT/tests/cli/lib.sh"
cp -r "$ROOT/tests/data/index-v3" v3
cp -r "$ROOT/tests/data/index-v2" v2
cp -r "$ROOT/tests/data/index-v4" v4
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
st "$NG" check -i v4
for q in astana '"central asia"' 'title:updated OR summit'; do
  a=$("$NG" search -i v3 --ids --all "$q"); b=$("$NG" search -i v4 --ids --all "$q")
  [ "$a" = "$b" ] && echo "v4 = v3: $q" || echo "v4 differs: $q: $b"
done
[ "$("$NG" show -i v3 --json ng-003)" = "$("$NG" show -i v4 --json ng-003)" ] && echo "v4 = v3: show ng-003"
echo "v4 segment header version: $(od -An -tu4 -j8 -N4 v4/seg_000001.ngs | tr -d ' ')"
for tag in DOC2 CSID QLEN SIGN; do grep -q "$tag" v4/seg_000001.ngs && echo "v4 has $tag"; done

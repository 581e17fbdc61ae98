# no index: a clear message naming the directory; NEWSGREP_INDEX and ./.newsgrep
. "$ROOT/tests/cli/lib.sh"
st "$NG" search -i nowhere astana
st "$NG" stats -i nowhere
st "$NG" check -i nowhere
NEWSGREP_INDEX=alsonowhere "$NG" count astana; echo "[exit $?]"
"$NG" count astana; echo "[exit $?]"
"$NG" index -q "$DATA/articles.jsonl"
"$NG" count astana; echo "[exit $?]"
ls -d .newsgrep
st "$NG" delete -i nowhere x

# --no-stem, --no-stop, --lang, stdin, and an unknown language
. "$ROOT/tests/cli/lib.sh"
"$NG" tokens --no-stem "signed signing summits"
echo --
"$NG" tokens --no-stop "the treaty of friendship"
echo --
"$NG" tokens --lang french "les cafés parisiens"
echo --
echo "Leaders signed the declaration" | "$NG" tokens -
st "$NG" tokens --lang klingon "qapla"
st "$NG" tokens

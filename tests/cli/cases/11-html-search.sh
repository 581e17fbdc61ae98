# HTML pages indexed and searched: ids path#1, path#2 for two articles on a page
. "$ROOT/tests/cli/lib.sh"
cp "$DATA"/html/*.html .
"$NG" index -q -i ix *.html; echo "[exit $?]"
"$NG" search -i ix --no-snippets "caspian OR summit"
"$NG" search -i ix --ids "script OR tracking OR javascript OR privacy OR advertisement"
echo "[exit $?]"

# titles, ids, sources and fields come from the documents: terminal control
# characters in them are shown escaped (\xHH), never sent raw to the terminal
. "$ROOT/tests/cli/lib.sh"
printf '%s\n' '{"id":"evil\u001b[2J","title":"\u001b]0;pwned\u0007Title\nsecond line","body":"oil \u009b31m","source":"a\rb"}' > e.jsonl
"$NG" index -q -i ix e.jsonl
"$NG" search -i ix oil
"$NG" search -i ix --ids oil
"$NG" search -i ix -l oil
"$NG" search -i ix --trec T oil
"$NG" show -i ix "$(printf 'evil\033[2J')"

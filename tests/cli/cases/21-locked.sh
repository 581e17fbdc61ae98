# a second writer is refused with "index is locked" (exit 2)
. "$ROOT/tests/cli/lib.sh"
mkindex
mkfifo pipe
"$NG" index -q -i ix - < pipe &
exec 3> pipe   # the first writer holds the lock while it waits for stdin
sleep 0.5
st "$NG" index -q -i ix "$DATA/articles.jsonl"
st "$NG" delete -i ix ng-001
st "$NG" merge -i ix
# readers are not blocked
"$NG" count -i ix astana
exec 3>&-
wait
st "$NG" delete -i ix ng-001

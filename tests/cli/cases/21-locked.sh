# a second writer is refused with "index is locked" (exit 2), naming the holder
. "$ROOT/tests/cli/lib.sh"
mkindex
mkfifo pipe
"$NG" index -q -i ix - < pipe &
pid=$!
exec 3> pipe   # the first writer holds the lock while it waits for stdin
sleep 0.5
holder() { sed -E "s/held by pid $pid uid [0-9]+( user [^);]*)?/held by the first writer/" err >&2; }
st "$NG" index -q -i ix "$DATA/articles.jsonl" 2>err; holder
st "$NG" delete -i ix ng-001 2>err; holder
st "$NG" merge -i ix 2>err; holder
# readers are not blocked
"$NG" count -i ix astana
exec 3>&-
wait
st "$NG" delete -i ix ng-001

# Ctrl-C while indexing: the first one commits what is indexed and says how
# to continue; a second one stops at once and the last commit stays intact.
# (Input from a file, then from a pipe that stays open: the signal arrives
# while the command waits, so the numbers do not depend on timing.)
. "$ROOT/tests/cli/lib.sh"
set -m # background jobs keep SIGINT (a non-interactive shell ignores it)
printf '{"id":"a%d","body":"oil"}\n' 1 2 3 > a.jsonl
{ sleep 3; printf '{"id":"b%d","body":"oil"}\n' 1 2; } | "$NG" index -i ix a.jsonl - 2> err &
sleep 1.5; kill -INT $!; wait $!; echo "[exit $?]"
mask_time < err
"$NG" count -i ix oil
echo "# twice"
{ sleep 3; printf '{"id":"c%d","body":"oil"}\n' 1 2; } | "$NG" index -i ix a.jsonl - 2> err &
sleep 1.5; kill -INT $!; sleep 0.5; kill -INT $!; wait $!; echo "[exit $?]"
cat err
"$NG" count -i ix oil
st "$NG" check -i ix

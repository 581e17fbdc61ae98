# exit 1 when nothing matches, in every output mode
. "$ROOT/tests/cli/lib.sh"
mkindex
for m in "" --json --ids -l "--trec t"; do
  $NG search -i ix $m zzzqqq; echo "[$m exit $?]"
done

# --help of the command and of every subcommand; usage hint on misuse
. "$ROOT/tests/cli/lib.sh"
st "$NG" --help
for c in index search count show delete merge stats check timeline tokens; do
  "$NG" "$c" --help | head -1
done
"$NG" help search | head -1
st "$NG"

# the README demo runs and finds the Astana article
. "$ROOT/tests/cli/lib.sh"
"$ROOT/demo.sh" > demo.out 2> demo.err
echo "[exit $?]"
grep -c 'China and five Central Asian states sign Astana Declaration' demo.out

# Helpers sourced by the golden test cases (tests/cli/cases/*.sh).
set -u
# The sample articles in ./ix, quietly.
mkindex() { "$NG" index -q -i ix "$DATA/articles.jsonl"; }
# Index summaries carry the time taken; hide it.
mask_time() { sed -E 's/ in [0-9]+\.[0-9]+ s$/ in T s/'; }
# Runs a command and prints its exit status after its output.
st() { "$@"; echo "[exit $?]"; }

# --commit-every, --threads, --ram-mb, --max-doc-mb (too large: skipped, exit 2),
# --lang and --no-stem for a new index (kept in the index), -v names files
. "$ROOT/tests/cli/lib.sh"
"$NG" index -q --commit-every 10 --threads 1 --ram-mb 16 -i ce "$DATA/articles.jsonl"
"$NG" stats -i ce | grep -E '^(documents|generation) '
python3 -c "import json; print(json.dumps({'id': 'big', 'body': 'word ' * 300000}))" > big.jsonl
printf '{"id":"small","body":"a small one"}\n' >> big.jsonl
"$NG" index -i mx --max-doc-mb 1 big.jsonl 2>&1 | mask_time
"$NG" index -q -i fr --lang french --no-stem "$DATA/articles.jsonl"
"$NG" stats -i fr | grep -E '^language '
"$NG" search -i fr --ids 'musique'
"$NG" index -v -q -i v "$DATA/html/plain-page.html" "$DATA/html/main-only.html" 2>&1 | sed "s|$DATA/||"

# dates that cannot be read are kept as stored fields and counted in the
# summary with the first example; dates in other languages are read
. "$ROOT/tests/cli/lib.sh"
cat > d.jsonl <<'EOF2'
{"id":"a","date":"18 juin 2025","body":"x"}
{"id":"b","date":"3. März 2024","body":"x"}
{"id":"c","date":"yesterday","body":"x"}
{"id":"d","date":"2025-02-29","body":"x"}
{"id":"e","date":"2025-06-17T10:00:00+99:99","body":"x"}
EOF2
"$NG" index --dry-run d.jsonl
"$NG" index -i ix d.jsonl 2>&1 | mask_time

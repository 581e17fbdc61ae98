# dates normalised to YYYY-MM-DD from ISO 8601, RFC 2822 and written forms;
# an unreadable date stays a stored field (the document has no date)
. "$ROOT/tests/cli/lib.sh"
n=0
while IFS= read -r d; do
  n=$((n + 1))
  printf '{"id":"d%d","date":"%s"}\n' "$n" "$d"
done > dates.jsonl <<'DATES'
2025-06-17
2025-06-17T23:30:00-05:00
2025-06-17T10:00:00Z
2025-06-17 08:00
2025/06/17
20250617
17 June 2025
17 Jun 2025
June 17, 2025
Jun 17 2025
Tuesday, June 17, 2025
Tue, 17 Jun 2025 10:00:00 +0000
Sept 3rd, 2024
2024-02-29
2025-02-29
2025-13-01
June 2025
yesterday
DATES
"$NG" index --dry-run dates.jsonl

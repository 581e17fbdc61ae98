# a scraped text dump (../shared/fixtures/scraped-news-page.txt): two
# articles titled with their headlines, the first dated, no chrome in the
# bodies; skipped when ../shared is absent
. "$ROOT/tests/cli/lib.sh"
fixture="$ROOT/../shared/fixtures/scraped-news-page.txt"
if [ ! -f "$fixture" ]; then
  echo "skipped: $fixture is absent (the shared fixtures live beside the repository)" >&2
  exit 77
fi
cp "$fixture" page.txt
"$NG" index --dry-run page.txt > docs.jsonl
wc -l < docs.jsonl
grep -o '^{"id":"[^"]*","title":"[^"]*"\(,"date":"[^"]*"\)\?' docs.jsonl
echo "-- chrome left in the bodies:"
grep -c -F -e 'Skip to Content' -e 'Recommended Articles' -e 'Facebook' -e '\nChina\n' \
  -e '"body":"China' -e '\n\nChina, Central Asia prioritize' docs.jsonl
echo "-- search"
"$NG" index -q -i ix page.txt
"$NG" search -i ix --ids venezuela
"$NG" search -i ix --ids '"Astana Declaration"'
"$NG" search -i ix --ids --since 2025-06-01 --until 2025-06-30 summit

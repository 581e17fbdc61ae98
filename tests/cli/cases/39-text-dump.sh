# a scraped text dump written for this test (tests/cli/data): three
# articles, each headline after its body and repeated, dates under the
# headlines in two formats, Spanish chrome; --format text on another name
. "$ROOT/tests/cli/lib.sh"
cp "$ROOT/tests/cli/data/text-dump-three.txt" dump.txt
"$NG" index --dry-run dump.txt
echo "--"
cp dump.txt page.scraped
"$NG" index --dry-run --format text page.scraped | cut -c1-80
echo "--"
"$NG" index -q -i ix dump.txt
"$NG" search -i ix --ids --since 2024-03-15 museo OR tranvía OR selección
echo "-- extract"
"$NG" extract dump.txt | head -8
"$NG" extract --json dump.txt | cut -c1-90
printf '# A plain note\n\nNothing to strip here.\n' > note.md
"$NG" extract --json note.md; echo "[exit $?]"

# binary files are skipped with a note, not an error
. "$ROOT/tests/cli/lib.sh"
printf 'hello\0world\0\1\2\3' > data.bin
printf 'Title line\nbody text about Astana\n' > note.txt
"$NG" index -i ix data.bin note.txt 2>&1 | mask_time
echo "[exit ${PIPESTATUS[0]}]"
"$NG" search -i ix --ids astana

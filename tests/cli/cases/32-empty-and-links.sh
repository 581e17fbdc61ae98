# empty files are skipped with a note; symbolic links to folders are not followed
. "$ROOT/tests/cli/lib.sh"
mkdir -p d/sub
: > d/empty.txt
printf '   \n\n' > d/blank.md
printf 'Title\nbody text\n' > d/sub/a.txt
ln -s .. d/sub/loop
ln -s sub/a.txt d/link.txt
"$NG" index --dry-run d
echo "[exit $?]"

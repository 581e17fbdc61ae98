# folders: recursive, sorted, hidden entries skipped, --include / --exclude
. "$ROOT/tests/cli/lib.sh"
mkdir -p docs/sub docs/.git docs/skipme
printf 'Astana notes\nThe Astana Declaration was signed.\n' > docs/sub/notes.md
printf '# Markdown heading\n\nText about New York.\n' > docs/readme.markdown
printf 'hidden\n' > docs/.git/config
printf 'hidden file\n' > docs/.secret.txt
printf 'Skipped\nnot indexed\n' > docs/skipme/a.txt
cp "$DATA/html/single-article.html" docs/
"$NG" index --dry-run docs | cut -c1-100
echo --
"$NG" index --dry-run --exclude skipme --include '*.md' --include '*.html' docs | cut -c1-60
echo --
"$NG" index -q -i ix docs; echo "[exit $?]"
"$NG" search -i ix -l astana

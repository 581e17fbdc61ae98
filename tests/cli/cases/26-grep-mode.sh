# grep-style search without an index; results per file and per JSONL document
. "$ROOT/tests/cli/lib.sh"
mkdir -p docs/sub
cp "$DATA/articles.jsonl" docs/sub/
cp "$DATA/html/single-article.html" "$DATA/html/scraped-front-page.html" docs/
printf 'Astana notes\nThe Astana Declaration was signed.\n' > docs/sub/notes.md
st "$NG" '"Astana Declaration"' docs --no-snippets
st "$NG" -l astana docs
"$NG" astana docs --include '*.md' -l
"$NG" --ids -k 3 'new york' docs/sub/articles.jsonl
st "$NG" zzzqqq docs
st "$NG" astana nothing-here
ls newsgrep-* 2>/dev/null | wc -l

# Hostile pages stay bounded in time (issue 17): 10^5 attributes on one
# element (29 s in libxml2 before), 5*10^5 <p> elements (1 GB before),
# 190 000 short list items (each looked for its neighbours: quadratic),
# 200 000 nested <div>s, 256 <article>s (each re-split the page before),
# broken markup, and a page that says latin1 but is UTF-8. Text nested
# deeper than libxml2 reads (256) is lost: the message says so.
. "$ROOT/tests/cli/lib.sh"
awk 'BEGIN { printf "<html><body><p"; for (i = 0; i < 100000; i++) printf " a%d=\"v\"", i; print ">text</p></body></html>" }' > attrs.html
awk 'BEGIN { printf "<html><body>"; for (i = 0; i < 500000; i++) printf "<p>w%d</p>", i; print "</body></html>" }' > paras.html
awk 'BEGIN { printf "<html><body><p>A paragraph of real text, with commas, long enough to be good text.</p><ul>"; for (i = 0; i < 190000; i++) printf "<li>item %d</li>", i; print "</ul></body></html>" }' > items.html
awk 'BEGIN { printf "<html><body>"; for (i = 0; i < 200000; i++) printf "<div>"; printf "deep text"; print "</body></html>" }' > deep.html
awk 'BEGIN { printf "<html><body>"; for (i = 1; i <= 256; i++) { printf "<article><h2>Story %d</h2>", i; for (k = 0; k < 20; k++) printf "<p>Paragraph %d of story %d, long enough to count as the text of a story, with commas, and a full stop.</p>", k, i; printf "</article>" } print "</body></html>" }' > articles.html
awk 'BEGIN { printf "<html><body><p>Text before the nest, a paragraph long enough to count.</p>"; for (i = 0; i < 300; i++) printf "<div>"; printf "deep text"; for (i = 0; i < 300; i++) printf "</div>"; print "<p>After the nest.</p></body></html>" }' > deepmid.html
printf '<html><head><meta charset="iso-8859-1"><title>Caf\xc3\xa9 culture</title></head><body><p>Z\xc3\xbcrich caf\xc3\xa9s reopened on Saturday.</p></body></html>' > wrongcharset.html
printf '<html><body><div><p>Unclosed <b>bold <i>italic</p></div></span></td><article><p>Broken but readable text here.</article' > broken.html
for f in attrs paras deep items; do
  timeout 20 "$NG" extract $f.html > /dev/null 2> $f.err; echo "$f: exit $?"; sed 's/^/  /' $f.err
done
timeout 20 "$NG" extract deepmid.html > deepmid.out 2> deepmid.err; echo "deepmid: exit $?"
sed 's/^/  /' deepmid.err deepmid.out
timeout 20 "$NG" extract --json articles.html > articles.out; echo "articles: exit $?"
echo "  documents: $(wc -l < articles.out)"
head -c 120 articles.out; echo
st timeout 20 "$NG" extract wrongcharset.html broken.html

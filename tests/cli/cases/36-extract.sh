# newsgrep extract: text and --json output, several articles, a page with
# furniture (menu, teasers, share bar, cookie banner), --url dates, errors.
. "$ROOT/tests/cli/lib.sh"
st "$NG" extract "$DATA/html/plain-page.html" 2>&1 | sed "s|$DATA/||g"
st "$NG" extract --json "$DATA/html/scraped-front-page.html" "$DATA/html/teaser-box.html" 2>&1 | sed "s|$DATA/||g"
cat > story.html <<'HTML'
<html lang="de-DE"><head><title>Brücke eröffnet | Stadtblatt</title>
<meta name="author" content="Eva Muster"></head><body>
<div class="top-bar"><a href="/">Start</a> <a href="/lokal">Lokal</a></div>
<div class="content"><h1>Brücke eröffnet</h1><p class="byline">3. Juli 2019</p>
<p>Die neue Brücke über den Fluss ist am Mittwoch nach zwei Jahren Bauzeit eröffnet worden, wie die Stadt mitteilte.</p>
<div class="share">Teilen auf Facebook</div>
<p>Rund 2000 Menschen kamen zur Feier, bei der auch der Bürgermeister sprach und den Bauleuten dankte.</p></div>
<div class="recommend"><a href="/a">Venezuela wählt</a> <a href="/b">Wetter</a></div>
<div class="cookie-banner">Wir verwenden Cookies.</div></body></html>
HTML
st "$NG" extract --url https://example.org/2019/07/03/bruecke story.html
printf '<html><body>' > wide.html
for i in $(seq 1 600); do printf ' a%d=1' $i; done | sed 's/^/<p/; s/$/>x<\/p>/' >> wide.html
st "$NG" extract wide.html
st "$NG" extract missing.html 2>&1 | sed 's/: No such.*/: (no such file)/'
st "$NG" extract

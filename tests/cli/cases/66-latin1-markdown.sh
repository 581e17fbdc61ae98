# Latin-1 / Windows-1252 text is converted to UTF-8 (not read as broken
# UTF-8: "Café" must not become "caf"), text files and JSONL lines; a UTF-8 file with one damaged byte
# stays UTF-8. Markdown: YAML front matter gives title and date and is not
# text; emphasis, heading marks, code ticks and link targets are dropped.
. "$ROOT/tests/cli/lib.sh"
printf 'Caf\xe9 cr\xe8me \x93quoted\x94\nLe caf\xe9 est bon, na\xefve. Stra\xdfe.\n' > latin.txt
printf 'Caf\xc3\xa9 cr\xc3\xa8me\nThe caf\xc3\xa9 and one bad byte \xff here.\n' > utf8.txt
printf -- '---\ntitle: "The **real** title"\ndate: 18 juin 2025\ntags: [a, b]\n---\n# Heading **bold**\n\nSome **strong** words, a [link text](http://x.y/z) and `code`.\n' > fm.md
printf -- '---\ntitle: t\ndate: someday\n---\nbody words\n' > bad.md
printf '{"id":"j1","title":"Caf\xe9","body":"na\xefve cr\xe8me"}\n' > latin.jsonl
"$NG" index --dry-run latin.txt utf8.txt fm.md bad.md latin.jsonl
"$NG" index -i ix latin.txt utf8.txt fm.md bad.md 2>&1 | mask_time
"$NG" search -i ix --ids cafe
"$NG" search -i ix strasse
"$NG" search -i ix strong

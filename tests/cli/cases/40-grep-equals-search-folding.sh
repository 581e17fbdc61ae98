# grep-style search scores exactly like index + search on text whose words
# reach the query's terms only through folding (capitals, accents, combining
# marks, ligatures, fullwidth forms, sharp s), stemming (dying -> die,
# skies -> sky, happiness -> happi, sensibility -> sensibl), acronyms,
# numbers, apostrophes and CJK bigrams, for words, prefixes, phrases,
# fields and NOT. The bodies are long enough to cross the analyzer's
# 64-byte blocks, with the words at every offset.
. "$ROOT/tests/cli/lib.sh"
forms=('Café' 'CAFE' 'cafe' $'cafe\u0301' 'ｃａｆｅ' 'oﬃce' 'OFFICE' 'Straße' 'STRASSE'
       'dying' 'Dies' 'die' 'skies' 'Sky' 'happiness' 'HAPPY' 'sensibility' 'Sensible'
       'relational' 'hoping' 'Hope' 'U.S.' 'u.s' 'don'"'"'t' 'Don’t' '1,000' '3.5' 'Zeppelin'
       'ZEPPELINS' '北京大学' '北京' 'Roman Empire' 'roman empires' 'The Empire' 'ay' 'Ayes')
filler='The committee said on Monday that the prices of oil and wheat rose again as traders in London and New York weighed the outlook for the coming weeks'
for i in $(seq 0 79); do
  f=${forms[$((i % ${#forms[@]}))]}
  g=${forms[$(((i * 7 + 3) % ${#forms[@]}))]}
  pad=$(printf '%*s' $((i % 64)) '' | tr ' ' 'x')
  body="$filler $pad $f, $filler"
  [ $((i % 3)) -eq 0 ] && body="$body. $g: $filler $f."
  [ $((i % 5)) -eq 0 ] && body="$f $body"
  printf '{"id": "d%d", "title": "Doc %d %s", "body": "%s"}\n' "$i" "$i" \
    "$([ $((i % 4)) -eq 0 ] && echo "$g")" "$body"
done > fold.jsonl
"$NG" index -q -i ix fold.jsonl
# Equal scores rank by id, and grep mode's ids (FILE:LINE) are not the
# index's, so documents are compared as sorted (score, title) pairs.
ranked() { grep -o '"score":[^,]*,"title":"[^"]*"' | sort; }
for q in 'café' 'CAFÉ' 'office' 'strasse' 'straße' 'dying' 'died' 'sky' 'happy' 'happi*' \
         'sensible' 'sensibility' 'relat*' 'hope' 'hop*' 'us' 'U.S.' "don't" '1000' \
         '3.5' 'zeppelin' 'zepp*' 'ＺＥＰＰＥＬＩＮ' '北京' '北京大学' '"roman empire"' \
         'empire -roman' 'oil -café' 'title:café' 'title:dying OR sky' 'ay' 'a*' \
         'prices -(cafe OR office OR dies)'; do
  a=$("$NG" search -i ix --json -k 100 "$q" | ranked)
  b=$("$NG" --json -k 100 "$q" fold.jsonl | ranked)
  n=$(printf '%s' "$a" | grep -c score)
  if [ "$a" = "$b" ]; then echo "same: $q ($n results)"; else echo "DIFFER: $q"; diff <(echo "$a") <(echo "$b"); fi
done

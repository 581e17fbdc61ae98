#!/usr/bin/env bash
# make-index.sh NEWSGREP OUT: builds the small index kept under tests/data/
# for one format version (index-vN): the first 8 sample articles in two
# commits, one replaced (a new version of ng-003) and one deleted (ng-005),
# so it holds two segments and a deletes file. Run once per format version
# with that version's binary; tests/cli/cases/37-store-index-v3.sh checks
# that this version opens it and answers as recorded.
set -eu
ng=$1 out=$2 data=$(cd "$(dirname "$0")/../../data" && pwd)
rm -rf "$out"
head -n 5 "$data/articles.jsonl" | "$ng" index -q -i "$out" --format jsonl -
sed -n '6,8p' "$data/articles.jsonl" | "$ng" index -q -i "$out" --format jsonl -
sed -n '3p' "$data/articles.jsonl" | sed 's/"title": "/"title": "Updated: /' |
  "$ng" index -q -i "$out" --format jsonl -
"$ng" delete -i "$out" ng-005 >/dev/null
rm -f "$out/LOCK"

#!/usr/bin/env bash
# corruption.sh — damaged files: for each kind of index file (segment .ngs,
# deletes .ngd, MANIFEST) flips one bit, or truncates the file, at many
# offsets spread over the whole file (every header and trailer byte, then
# evenly through the middle). For every case: `check` exits 2 and names the
# damaged file; `search` (ranked OR and a phrase) and `show` exit
# 0/1 with the pristine answer or 2 with a "corrupt" message; nothing may
# crash (signal, sanitizer report) or hang (timeout). An answer that
# differs from the pristine one without an error is a failure (issue 17:
# reads verify the checksums of what they use).
# Env: NG (use an ASan build for the full effect), CORRUPT_CASES (per
# kind, default 300, plus every header and trailer byte), TIME_LIMIT (s, default 240).
# Last line: "corruption: C cases ..."; exit 1 on any failure.
set -u
. "$(dirname "$0")/lib.sh"
mk_work dmg   # (a name without "corrupt": messages quote the path)
PER_KIND=${CORRUPT_CASES:-300} TIME_LIMIT=${TIME_LIMIT:-240} CMD_TIMEOUT=${CMD_TIMEOUT:-20}
corpus=$WORK/corpus.jsonl idx=$WORK/idx pristine=$WORK/pristine start=$SECONDS
prepare_corpus "$corpus" 900
echo "corruption: $CORPUS_DESC; binary $NG"

# An index with several segments, a deletes file and a manifest.
ng index -i "$pristine" --commit-every 300 "$corpus" >/dev/null 2>"$WORK/err" ||
  { fail "building the index failed"; show_file "$WORK/err"; exit 1; }
del_ids=$(sed -n '5p;250p;610p;820p' "$corpus" | sed -n 's/^{"id": "\([^"]*\)".*/\1/p')
ng delete -i "$pristine" $del_ids >/dev/null 2>"$WORK/err" ||
  { fail "delete failed"; show_file "$WORK/err"; exit 1; }
ng check -i "$pristine" >/dev/null 2>&1 || { fail "pristine index fails check"; exit 1; }
show_ids=$(sed -n '1p;400p;899p' "$corpus" | sed -n 's/^{"id": "\([^"]*\)".*/\1/p' | tr '\n' ' ')
Q_OR="oil prices rise" Q_PHRASE='"oil prices"'

# The commands of one case; answers go to $1.*, exit codes to RCS. PARTS
# names them: the per-document table cases add a search sorted by date
# (DATE), one restricted to titles (TEND) and one with a date range (DSRT).
PARTS="or ph show"
run_queries() {  # run_queries PREFIX SHOW_ID
  RCS=()
  ng search -i "$idx" --ids -k 20 "$Q_OR" >"$1.or" 2>"$1.or.err"; RCS+=($?)
  ng search -i "$idx" --ids -k 20 "$Q_PHRASE" >"$1.ph" 2>"$1.ph.err"; RCS+=($?)
  ng show -i "$idx" --json "$2" >"$1.show" 2>"$1.show.err"; RCS+=($?)
  [ "$PARTS" = "or ph show" ] && return
  ng search -i "$idx" --ids -k 20 --sort date "$Q_OR" >"$1.date" 2>"$1.date.err"; RCS+=($?)
  ng search -i "$idx" --ids -k 20 "title:oil" >"$1.title" 2>"$1.title.err"; RCS+=($?)
  ng search -i "$idx" --ids -k 20 --since 1987-03-01 "$Q_OR" >"$1.range" 2>"$1.range.err"; RCS+=($?)
}
rm -rf "$idx"; cp -a "$pristine" "$idx"
PARTS="or ph show date title range"
for id in $show_ids; do
  run_queries "$WORK/good.$id" "$id"
  [ "${RCS[*]}" = "0 0 0 0 0 0" ] || { fail "pristine queries exit ${RCS[*]}"; show_file "$WORK/good.$id.or.err"; exit 1; }
done
PARTS="or ph show"

cases=0 silent=0 query_errors=0
declare -A kind_cases
one_case() {  # one_case FILE DESCRIPTION (the file is already damaged)
  local f=$1 what="$(basename "$1") $2" rc name
  name=$(basename "$f")
  cases=$((cases + 1)); kind_cases[$KIND]=$(( ${kind_cases[$KIND]:-0} + 1 ))
  ng check -i "$idx" >"$WORK/check" 2>&1; rc=$?
  if crashed $rc || sanitizer_report "$WORK/check"; then fail "$what: check crashed/hung (exit $rc)"; show_file "$WORK/check"
  elif [ $rc -ne 2 ]; then fail "$what: check exit $rc, want 2"; show_file "$WORK/check"
  elif ! grep -qF "$name" "$WORK/check"; then fail "$what: check does not name $name"; show_file "$WORK/check"
  fi
  local id; id=$(echo $show_ids | cut -d' ' -f$((cases % 3 + 1)))
  run_queries "$WORK/bad" "$id"
  local i=0 part
  for part in $PARTS; do
    rc=${RCS[$i]}; i=$((i + 1))
    if crashed $rc || sanitizer_report "$WORK/bad.$part.err"; then
      fail "$what: $part crashed/hung (exit $rc)"; show_file "$WORK/bad.$part.err"
    elif [ $rc -eq 2 ]; then
      query_errors=$((query_errors + 1))
      sed "s|$WORK||g" "$WORK/bad.$part.err" | grep -qi 'corrupt\|damaged\|checksum\|format version' ||
        { fail "$what: $part exit 2 without a 'corrupt index' message"; show_file "$WORK/bad.$part.err"; }
    elif [ $rc -gt 2 ]; then
      fail "$what: $part exit $rc"; show_file "$WORK/bad.$part.err"
    elif ! cmp -s "$WORK/bad.$part" "$WORK/good.$id.$part"; then
      # Format 3 verifies what a query reads (small sections at open,
      # postings and lexicon per chunk on first use): a changed answer
      # without an error is a failure.
      silent=$((silent + 1)); fail "$what: $part answered differently without an error"
    fi
  done
}

flip() {  # flip FILE OFFSET BIT
  local b; b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $(( b ^ (1 << $3) )))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# offsets FILE_SIZE COUNT: every byte of the first 32 and last 48, then
# COUNT more spread evenly through the file.
offsets() {
  local size=$1 n=$2 i
  { for ((i = 0; i < 32 && i < size; i++)); do echo $i; done
    for ((i = size - 48; i < size; i++)); do [ $i -ge 0 ] && echo $i; done
    for ((i = 0; i < n; i++)); do echo $(( (size * i) / n + (i * 7919) % 13 )); done
  } | awk -v s="$size" '$1 < s' | sort -n | uniq
}

damage_kind() {  # damage_kind KIND FILE
  KIND=$1
  local f=$idx/$(basename "$2") orig=$2 size
  size=$(stat -c %s "$orig")
  local n_flip=$((PER_KIND * 2 / 3)) n_trunc=$((PER_KIND - PER_KIND * 2 / 3)) k=0 off
  local kstart=$SECONDS budget=$((TIME_LIMIT / 3))   # each kind gets its share
  echo "corruption: $KIND: $(basename "$orig"), $size bytes"
  for off in $(offsets "$size" $((n_flip - 80))); do
    [ $((SECONDS - kstart)) -lt $budget ] || { LATE=1; break; }
    cp "$orig" "$f"; flip "$f" "$off" $((k % 8))
    one_case "$f" "bit $((k % 8)) flipped at $off"; k=$((k + 1))
  done
  for len in $(offsets "$size" $((n_trunc - 80))); do
    [ $((SECONDS - kstart)) -lt $budget ] || { LATE=1; break; }
    cp "$orig" "$f"; truncate -s "$len" "$f"
    one_case "$f" "truncated to $len"
  done
  cp "$orig" "$f"
}

# section_span FILE TAG: "offset length" of a section (container table).
section_span() {
  "$PY" - "$1" "$2" <<'PYEOF'
import struct, sys
f = open(sys.argv[1], 'rb').read()
table, n = struct.unpack_from('<QI', f, len(f) - 40)
for i in range(n):
    tag, _, off, length, _ = struct.unpack_from('<4sIQQQ', f, table + 32 * i)
    if tag == sys.argv[2].encode():
        print(off, length)
PYEOF
}

# The sections a reader verifies on first use, not at open (the
# per-document tables of CSPD, the ids of CSID): a bit flipped at the
# start, middle and end of each must give an error to every command that
# reads it, and the pristine answer to the others.
damage_sections() {  # damage_sections FILE
  KIND=section
  local f=$idx/$(basename "$1") orig=$1 tag span off len at k=0
  PARTS="or ph show date title range"
  # format 5 writes NORM, TEND, IDOF, IDIX packed as NRMW, TNDW, IDOW, IDXW;
  # format 6 the lengths as residuals (NRMR) and the id offsets sampled (IDOS)
  for tags in NORM/NRMW/NRMR QLEN DATE TEND/TNDW DSRT IDDA IDOF/IDOW/IDOS IDIX/IDXW; do
    span="" tag=""
    for tag in ${tags//\// }; do
      span=$(section_span "$orig" "$tag"); [ -n "$span" ] && break
    done
    [ -n "$span" ] || { fail "no section $tags in $(basename "$orig")"; continue; }
    read -r off len <<<"$span"
    [ "$len" -gt 0 ] || continue
    for at in 0 $((len / 2)) $((len - 1)); do
      cp "$orig" "$f"; flip "$f" $((off + at)) $((k % 8))
      one_case "$f" "$tag: bit $((k % 8)) flipped at $((off + at))"; k=$((k + 1))
    done
  done
  PARTS="or ph show"
  cp "$orig" "$f"
}

rm -rf "$idx"; cp -a "$pristine" "$idx"
seg=$(ls -S "$pristine"/*.ngs 2>/dev/null | head -1)
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
[ -n "$seg" ] && damage_sections "$seg"
dels=$(ls -S "$pristine"/*.ngd 2>/dev/null | head -1)
if [ -n "$seg" ]; then damage_kind segment "$seg"; else fail "no .ngs segment file in the index"; fi
if [ -n "$dels" ]; then damage_kind deletes "$dels"; else fail "no .ngd deletes file in the index"; fi
damage_kind manifest "$pristine/MANIFEST"
ng check -i "$idx" >/dev/null 2>&1 || fail "restored index fails check"

{ [ "${LATE:-0}" = 0 ] || echo "corruption: some kinds stopped at their time share ($((TIME_LIMIT / 3))s)"; }
echo "corruption: $cases cases (segment ${kind_cases[segment]:-0}, its lazily verified sections ${kind_cases[section]:-0}, deletes ${kind_cases[deletes]:-0}, manifest ${kind_cases[manifest]:-0}); queries answered 'corrupt' $query_errors times, differed silently $silent times; $FAILS failures, $((SECONDS - start))s"
[ "$FAILS" -eq 0 ]

# Input that yields no documents says so, once per file, whatever its format:
# an empty or blank-only JSONL file as an empty text file does
: > empty.jsonl
printf '\n  \n\n' > blank.jsonl
printf '   \n\n' > blank.txt
"$NG" index -i ix empty.jsonl blank.jsonl blank.txt 2>&1 | sed 's/in [0-9.]* s$/in T s/'
echo "status ${PIPESTATUS[0]}"

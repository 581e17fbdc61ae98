# small user-facing fixes: one message for a bad -k; count --json is JSON;
# delete names the ids it did not find; plural "unreadable files"; index of
# missing files creates no index; limits named by their value, not by the
# library's constant; CJK highlights as one span; --lang on an index of
# another language refused; unsupported language lists the supported ones
. "$ROOT/tests/cli/lib.sh"
mkindex
st "$NG" search -i ix -k -1 china
st "$NG" count -i ix --json china
st "$NG" delete -i ix ng-001 nosuch ng-002
st "$NG" index -i new nofile1 nofile2
ls new 2>&1 | sed 's/.*cannot access.*/no index created/'
st "$NG" index -i ix nofile1 nofile2 "$DATA/articles.jsonl" 2>&1 | mask_time
st "$NG" search -i ix '"heat wave"~999'
"$NG" search -i ix '新能源汽车' | sed -n 3p
st "$NG" index -i ix --lang french "$DATA/articles.jsonl"
st "$NG" index -i fr --lang klingon "$DATA/articles.jsonl"
ls fr 2>&1 | sed 's/.*cannot access.*/no index left behind/'
# --k1: 0 is valid BM25 (term frequency ignored); out of range is named,
# not a bare "invalid argument" (issue 17)
"$NG" search -i ix --ids -k 2 --k1 0 china
st "$NG" search -i ix --k1 1e9 china
st "$NG" search -i ix --k1 -1 china

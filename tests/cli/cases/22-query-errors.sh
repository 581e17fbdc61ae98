# malformed queries: exit 2, message with the position and a caret
. "$ROOT/tests/cli/lib.sh"
mkindex
st "$NG" search -i ix '"Astana Declaration'
st "$NG" search -i ix 'astana AND'
st "$NG" search -i ix 'OR china'
st "$NG" search -i ix '(china summit'
st "$NG" search -i ix 'china )'
st "$NG" search -i ix "$(printf '(%.0s' $(seq 40))china$(printf ')%.0s' $(seq 40))"
st "$NG" count -i ix 'title:'
st "$NG" timeline -i ix '"open'

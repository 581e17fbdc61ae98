# timeline: bar chart with counts by month/year/day; --json
. "$ROOT/tests/cli/lib.sh"
mkindex
st "$NG" timeline -i ix china
"$NG" timeline -i ix --by year 'summit OR election OR rates'
"$NG" timeline -i ix --by day --since 2025-06-15 --until 2025-06-20 'astana OR summit OR china'
"$NG" timeline -i ix --json --by month 'rates'
st "$NG" timeline -i ix nonexistentword

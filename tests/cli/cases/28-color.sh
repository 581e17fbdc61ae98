# colour only when asked or on a terminal; NO_COLOR honoured; brackets otherwise
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" search -i ix -k 1 --color=always astana | cat -v
echo --
"$NG" search -i ix -k 1 astana | cat -v
echo --
NO_COLOR=1 "$NG" search -i ix -k 1 --color=auto astana | cat -v

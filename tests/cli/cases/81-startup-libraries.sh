# A search loads no library it does not use: libxml2 (and ICU behind it)
# is opened at the first HTML page, libmicrohttpd (and GnuTLS) when
# `serve` starts; linked, they cost every command ~2 ms of start-up.
. "$ROOT/tests/cli/lib.sh"
command -v readelf >/dev/null || { echo "readelf missing" >&2; exit 77; }
readelf -d "$NG" | grep NEEDED | grep -c -E 'libxml2|libmicrohttpd|libgnutls|libicu'
# HTML still parses (through dlopen).
printf '<html><head><title>Loaded late</title></head><body><article><p>Words of the page body, long enough to keep.</p></article></body></html>' > p.html
st "$NG" extract p.html

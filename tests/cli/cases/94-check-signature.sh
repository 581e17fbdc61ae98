# a damaged SIGN section: check names it; --collapse fails with a corrupt
# index error; searches that do not collapse still answer
. "$ROOT/tests/cli/lib.sh"
"$NG" index -q -i ix "$ROOT/tests/cli/data/syndicated.jsonl"
st "$NG" check -i ix
python3 - ix/seg_*.ngs <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
table_off, n = struct.unpack_from('<QI', data, len(data) - 40)
for i in range(n):
    tag, _, off, length, _ = struct.unpack_from('<IIQQQ', data, table_off + 32 * i)
    if tag == int.from_bytes(b'SIGN', 'little'):
        data[off + length - 5] ^= 0x40   # a bit of the last signature
open(path, 'wb').write(data)
PY
"$NG" check -i ix 2>&1 | sed 's/ix\/seg_[0-9]*/ix\/seg_N/'
echo "[exit ${PIPESTATUS[0]}]"
"$NG" search -i ix --collapse --ids 'river flood' 2>&1
echo "[exit $?]"
st "$NG" search -i ix --ids 'river flood'

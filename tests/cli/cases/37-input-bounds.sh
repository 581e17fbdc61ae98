# bad inputs cost bounded time and say what they are
. "$ROOT/tests/cli/lib.sh"
# a flood of bad lines: the first ten, then one summary line
for i in $(seq 30); do echo "not json $i"; done > flood.jsonl
echo '{"id":"ok","body":"fine"}' >> flood.jsonl
st "$NG" index -i ix flood.jsonl 2>&1 | mask_time
# random bytes named .jsonl, and with --format jsonl: binary, skipped once
head -c 100000 /dev/urandom > random.jsonl
head -c 100000 /dev/urandom > random.bin
st "$NG" index -i ix2 random.jsonl 2>&1 | mask_time
st "$NG" index -i ix3 --format jsonl random.bin 2>&1 | mask_time
# not regular files: refused at once (a FIFO would block, /dev/zero never ends)
mkfifo fifo.jsonl
st timeout 10 "$NG" index -i ix4 --format jsonl /dev/zero fifo.jsonl 2>&1 | mask_time
# grep mode refuses them too; stdin still works
st timeout 10 "$NG" wheat fifo.jsonl
echo '{"id":"s","body":"wheat"}' | "$NG" --ids wheat -
# a gzip with a bad CRC: the good part is indexed, and the error said
for i in $(seq 200); do echo "{\"id\":\"g$i\",\"body\":\"wheat number $i\"}"; done | gzip > bad.jsonl.gz
size=$(stat -c %s bad.jsonl.gz)
printf '\xff' | dd of=bad.jsonl.gz bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
st "$NG" index -i ix5 bad.jsonl.gz 2>&1 | mask_time
"$NG" count -i ix5 wheat
# one line with 200,000 members: the duplicate-key check is linear (a
# quadratic one takes about a minute here, past the timeout)
python3 -c '
import sys
sys.stdout.write("{\"id\":\"wide\",\"body\":\"wide line\"" + "".join(",\"k%d\":\"v\"" % i for i in range(200000)) + "}\n")' > wide.jsonl
st timeout 20 "$NG" index -q -i ix6 wide.jsonl
"$NG" search -i ix6 --ids wide
python3 -c '
import sys
sys.stdout.write("{\"id\":\"dup\"" + "".join(",\"k%d\":\"v\"" % i for i in range(200000)) + ",\"k7\":\"again\"}\n")' > dup.jsonl
st timeout 20 "$NG" index -i ix7 dup.jsonl 2>&1 | mask_time

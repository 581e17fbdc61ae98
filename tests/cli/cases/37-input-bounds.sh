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
# an HTML page whose parse tree does not fit the budget (100,000 elements in
# 1.3 MB take 46 MiB to parse): refused by name; a larger budget indexes it
awk 'BEGIN { printf "<html><body>"; for (i = 0; i < 100000; i++) printf "<p>w%d</p>", i; print "</body></html>" }' > dense.html
st "$NG" index -i ix8 --ram-mb 96 dense.html 2>&1 | mask_time | sed "s/limit of [0-9]* bytes/limit of N bytes/"
st "$NG" index -q -i ix9 --ram-mb 1024 dense.html
"$NG" count -i ix9 w99999

# Shared by the server tests: start a `newsgrep serve` on a free port (the
# kernel picks it: --listen 127.0.0.1:0), stop it, and check answers.
# Needs NG (the binary) and curl. Each check prints "ok" or "FAIL" lines;
# finish prints the count and sets the exit status.
set -u
passed=0 failed=0
SERVER_PID="" URL=""

need() {  # need PROGRAM... : skip the whole test when one is missing
  for p in "$@"; do
    if ! command -v "$p" >/dev/null 2>&1; then
      echo "SKIP $(basename "$0"): '$p' is not installed (make deps installs it)"
      exit 0
    fi
  done
}

start_server() {  # start_server LOGFILE ARGS... ; sets SERVER_PID and URL
  local log=$1; shift
  "$NG" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    URL=$(sed -n 's|.*serving \(http://[^ ]*\)/ .*|\1|p' "$log")
    [ -n "$URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "FAIL the server did not start:"; cat "$log"; exit 1
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  local rc=$?
  SERVER_PID=""
  return $rc
}
trap 'stop_server' EXIT

ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "     $l"; done; }

# get NAME STATUS URL_PATH: fetches into $BODY, checks the status; the
# array CURLX holds more curl arguments (a method, data)
CURLX=()
get() {
  local name=$1 want=$2 path=$3
  local code
  code=$(curl -s -o "$TMPDIR/body" -w '%{http_code}' --max-time 10 ${CURLX[@]+"${CURLX[@]}"} "$URL$path")
  BODY=$(cat "$TMPDIR/body")
  if [ "$code" = "$want" ]; then return 0; fi
  fail "$name" "status $code, expected $want" "body: ${BODY:0:300}"
  return 1
}

# expect NAME STATUS URL_PATH TEXT...: the status and each TEXT in the body
expect() {
  local name=$1 want=$2 path=$3; shift 3
  get "$name" "$want" "$path" || return 0
  for t in "$@"; do
    case "$BODY" in
      *"$t"*) ;;
      *) fail "$name" "body lacks: $t" "body: ${BODY:0:300}"; return 0 ;;
    esac
  done
  ok "$name"
}

# lacks NAME TEXT: the last body does not contain TEXT
lacks() {
  case "$BODY" in
    *"$2"*) fail "$1" "body contains: $2" "body: ${BODY:0:300}" ;;
    *) ok "$1" ;;
  esac
}

finish() {
  echo "$(basename "$0" .sh): $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

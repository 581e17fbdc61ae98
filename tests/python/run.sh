#!/usr/bin/env bash
# Runs the Python binding's tests (python/tests) with pytest. Skips, saying
# so, only when there is no Python; a Python without the Debian packages
# the binding needs (make deps) is a failure, not a skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
py=${PYTHON:-/usr/bin/python3}
if ! command -v "$py" >/dev/null 2>&1; then
  py=$(command -v python3 || true)
fi
if [ -z "$py" ]; then
  echo "python tests: SKIPPED (no Python interpreter: neither ${PYTHON:-/usr/bin/python3} nor python3)"
  exit 0
fi
if ! "$py" -c 'import cffi, pytest' 2>/dev/null; then
  echo "python tests: $py lacks cffi or pytest; run 'make deps' (python3-cffi python3-pytest)"
  exit 1
fi
PYTHONPATH=python${PYTHONPATH:+:$PYTHONPATH} PYTHONDONTWRITEBYTECODE=1 \
  exec "$py" -m pytest -q -p no:cacheprovider python/tests

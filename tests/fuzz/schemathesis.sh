#!/usr/bin/env bash
# Fuzzes the service from its own OpenAPI document with schemathesis (an independent, property-based API fuzzer):
# every operation gets generated valid and invalid requests, as a supervisor and as an admin, and the run fails on
# any 5xx answer. Loopback only; a fresh SQLite store with a few demo citizens; rate limit off.
#
#   tests/fuzz/schemathesis.sh [EXAMPLES_PER_OPERATION]      (default 60; needs `pip install schemathesis`)
#
# Uses target/debug/medbetjening (build it first with `cargo build`), or $MEDBETJENING_BIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
examples=${1:-60}
bin=${MEDBETJENING_BIN:-target/debug/medbetjening}
command -v schemathesis >/dev/null || { echo "schemathesis is not installed: pip install schemathesis" >&2; exit 2; }

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
db="sqlite:$work/fuzz.sqlite"
RUST_LOG=warn "$bin" demo-data --database "$db" --citizens 30 --heavy 0 --seed 3 >/dev/null
supervisor=$(RUST_LOG=warn "$bin" staff add --name Fuzz --role supervisor --site Fuzz --database "$db" 2>/dev/null)
admin=$(RUST_LOG=warn "$bin" staff add --name Fuzz --role admin --site Fuzz --database "$db" 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$bin" serve --database "$db" --bind "127.0.0.1:$port" --rate-limit 0 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

total=0
# One worker: hypothesis parses lambda sources with `ast`, which is not thread-safe on Python 3.11 and can
# fail the run with a SystemError that says nothing about the service.
# schemathesis keeps its caches in the working directory: keep them out of the repository.
cd "$work"
for token in "$supervisor" "$admin"; do
  schemathesis run "http://127.0.0.1:$port/openapi.json" \
    --checks not_a_server_error \
    --header "Authorization: Bearer $token" --header "X-Purpose: supervision" \
    --max-examples "$examples" --seed 20261126 --workers 1 --no-color | tee "$work/run.txt"
  cases=$(grep -A1 '^Test cases:' "$work/run.txt" | grep -oE '[0-9]+ generated' | grep -oE '[0-9]+')
  total=$((total + cases))
done
[ "$total" -ge 1000 ] || { echo "schemathesis: only $total test cases; raise EXAMPLES_PER_OPERATION" >&2; exit 1; }
echo "schemathesis: $total generated test cases, no 5xx answer"

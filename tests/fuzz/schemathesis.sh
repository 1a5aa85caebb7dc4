#!/usr/bin/env bash
# Fuzzes the service from its own OpenAPI document with schemathesis (an independent, property-based API fuzzer):
# every operation gets generated valid and invalid requests as each role that reads or writes — supervisor, admin,
# counter and integration — on SQLite and, when MEDBETJENING_TEST_POSTGRES names a server, on PostgreSQL too. The
# run fails on any 5xx answer, and on a "schema validation mismatch" (most generated valid data refused), which
# means the document promises less than the service checks. Loopback only; a fresh store with a few demo
# citizens; rate limits off.
#
#   tests/fuzz/schemathesis.sh [EXAMPLES_PER_OPERATION]      (default 60; needs `pip install schemathesis`)
#
# Uses target/debug/medbetjening (build it first with `cargo build`), or $MEDBETJENING_BIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
examples=${1:-60}
bin=$(realpath "${MEDBETJENING_BIN:-target/debug/medbetjening}")
command -v schemathesis >/dev/null || { echo "schemathesis is not installed: pip install schemathesis" >&2; exit 2; }

work=$(mktemp -d)
server=""
pg_db=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  wait 2>/dev/null
  [ -n "$pg_db" ] && psql -q "$MEDBETJENING_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

databases=("sqlite:$work/fuzz.sqlite")
if [ -n "${MEDBETJENING_TEST_POSTGRES:-}" ]; then
  pg_db="mbj_fuzz_$$"
  psql -q "$MEDBETJENING_TEST_POSTGRES" -c "CREATE DATABASE $pg_db"
  databases+=("$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$MEDBETJENING_TEST_POSTGRES" "$pg_db")")
else
  echo "schemathesis: PostgreSQL skipped — set MEDBETJENING_TEST_POSTGRES to fuzz it too" >&2
fi

total=0
mismatches=0
for db in "${databases[@]}"; do
  kind=${db%%:*}
  RUST_LOG=warn "$bin" migrate --database "$db" >/dev/null
  RUST_LOG=warn "$bin" demo-data --database "$db" --citizens 30 --heavy 0 --seed 3 >/dev/null
  declare -A tokens=()
  for role in supervisor admin counter integration; do
    tokens[$role]=$(RUST_LOG=warn "$bin" staff add --name "Fuzz $role" --role "$role" --site Fuzz --database "$db" 2>/dev/null)
  done
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  RUST_LOG=warn "$bin" serve --database "$db" --bind "127.0.0.1:$port" --rate-limit 0 --auth-failures-per-minute 0 \
    2>"$work/serve.log" &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  # Ids of citizens that exist, for the hooks to name where a request names a citizen.
  FUZZ_CITIZENS=$(python3 - "$port" "${tokens[supervisor]}" <<'PY'
import json, sys, urllib.parse, urllib.request
port, token, ids = sys.argv[1], sys.argv[2], []
for prefix in ["han", "jen", "nie", "and", "ped", "chr", "lar", "mad", "ras", "ols", "pou", "ann", "mar", "kir"]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/citizens?q={urllib.parse.quote(prefix)}",
        headers={"Authorization": f"Bearer {token}", "X-Purpose": "supervision"},
    )
    ids += [c["id"] for c in json.load(urllib.request.urlopen(request))["citizens"]]
print(",".join(sorted(set(ids))[:8]))
PY
)
  export FUZZ_CITIZENS
  [ -n "$FUZZ_CITIZENS" ] || { echo "schemathesis: found no demo citizen to name" >&2; exit 1; }
  for role in supervisor admin counter integration; do
    purpose=supervision
    [ "$role" = counter ] && purpose=counter_visit
    [ "$role" = integration ] && purpose=integration
    echo "== schemathesis on $kind as $role =="
    # One worker: hypothesis parses lambda sources with `ast`, which is not thread-safe on Python 3.11 and can
    # fail the run with a SystemError that says nothing about the service. schemathesis keeps its caches in the
    # working directory: keep them out of the repository.
    (cd "$work" && PYTHONPATH="$repo/tests/fuzz" SCHEMATHESIS_HOOKS=hooks schemathesis run "http://127.0.0.1:$port/openapi.json" \
      --checks not_a_server_error \
      --header "Authorization: Bearer ${tokens[$role]}" --header "X-Purpose: $purpose" \
      --max-examples "$examples" --seed 20261126 --workers 1 --no-color) > "$work/run.txt" 2>&1 \
      || { cat "$work/run.txt"; exit 1; }
    grep -E '^(Test cases:|  [0-9]+ generated)|Schema validation mismatch|^  - ' "$work/run.txt" || true
    cases=$(grep -A1 '^Test cases:' "$work/run.txt" | grep -oE '[0-9]+ generated' | grep -oE '[0-9]+')
    total=$((total + cases))
    if grep -q 'Schema validation mismatch:' "$work/run.txt"; then mismatches=$((mismatches + 1)); fi
  done
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  if grep -qiE 'panicked|request failed' "$work/serve.log"; then cat "$work/serve.log"; exit 1; fi
done
[ "$total" -ge 1000 ] || { echo "schemathesis: only $total test cases; raise EXAMPLES_PER_OPERATION" >&2; exit 1; }
[ "$mismatches" -eq 0 ] || { echo "schemathesis: $mismatches runs found schema validation mismatches" >&2; exit 1; }
echo "schemathesis: $total generated test cases on ${#databases[@]} databases as 4 roles, no 5xx answer"

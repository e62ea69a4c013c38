#!/usr/bin/env bash
# Repeatable service load test (docs/runbooks/service.md, "Load test"): a throw-away PostgreSQL on port 55499,
# `qplan serve` against it, then RUNS x `qplan loadtest` at CLIENTS clients; prints one JSON line per run with
# the load average. Usage: bench/service/loadtest.sh [extra loadtest options, e.g. --wait-seconds 5]
# Environment: CLIENTS (64), DURATION (20), RUNS (3), WORKERS (serve default), PORT (18090), BACKEND (greedy),
# DB_OPTIONS (extra Npgsql connection-string options, e.g. "Multiplexing=true").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export QP_TEST_PG_PORT="${QP_TEST_PG_PORT:-55499}" QP_TEST_PG_DATA="${QP_TEST_PG_DATA:-/tmp/qp-loadtest-pg}"
# shellcheck source=/dev/null
source tests/services/postgres.sh
db="${QP_TEST_PG/Database=quantum_planner/Database=qp_loadtest}${DB_OPTIONS:+;$DB_OPTIONS}"
port="${PORT:-18090}"
./qplan --help >/dev/null # build once, outside the measurement
workers=()
[[ -n "${WORKERS:-}" ]] && workers=(--workers "$WORKERS")
log="$(mktemp /tmp/qp-loadtest-serve.XXXXXX.log)"
QuantumPlanner__RateLimitPermits=100000000 ./qplan serve --db "$db" --no-auth --urls "http://127.0.0.1:$port" "${workers[@]}" >"$log" 2>&1 &
serve=$!
trap 'kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "serve did not become ready; see $log" >&2; exit 1; }
for run in $(seq 1 "${RUNS:-3}"); do
  before="$(cut -d' ' -f1 /proc/loadavg)"
  out="$(./qplan loadtest --url "http://127.0.0.1:$port" --clients "${CLIENTS:-64}" --duration "${DURATION:-20}" \
    --backend "${BACKEND:-greedy}" --json "$@" || true)"
  after="$(cut -d' ' -f1 /proc/loadavg)"
  echo "$out" | python3 -c "import json,sys; r=json.load(sys.stdin); r['run']=$run; r['loadAvg1m']=['$before','$after']; print(json.dumps(r))"
done
echo "serve RSS after runs: $(ps -o rss= -p "$(pgrep -P "$serve" -f qplan.dll || echo "$serve")" | tr -d ' ') KiB" >&2

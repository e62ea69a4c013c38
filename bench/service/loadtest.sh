#!/usr/bin/env bash
# Repeatable service load test (docs/runbooks/service.md, "Load test"): a throw-away PostgreSQL on port 55499,
# `qplan serve` against it, then RUNS x `qplan loadtest` at CLIENTS clients; prints one JSON line per run with
# the load average. Usage: bench/service/loadtest.sh [extra loadtest options, e.g. --wait-seconds 5]
# Environment: CLIENTS (64), DURATION (20), RUNS (3), WARMUP (8 s, unreported), WORKERS (serve default), PORT (18090), BACKEND (greedy),
# DB_OPTIONS (extra Npgsql connection-string options, e.g. "Multiplexing=true"), QPLAN_DIR (run the qplan.dll of another
# build output folder instead of ./qplan, e.g. a copy of .qplan-build of the base commit, for a reference run).
# Each run's line also has cpuMs: CPU milliseconds (user + system, from /proc) of serve, loadtest and PostgreSQL (all
# its processes) during the run, and per job (cpuMsPerJob) and per HTTP request (cpuMsPerRequest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export QP_TEST_PG_PORT="${QP_TEST_PG_PORT:-55499}" QP_TEST_PG_DATA="${QP_TEST_PG_DATA:-/tmp/qp-loadtest-pg}"
# shellcheck source=/dev/null
source tests/services/postgres.sh
db="${QP_TEST_PG/Database=quantum_planner/Database=qp_loadtest}${DB_OPTIONS:+;$DB_OPTIONS}"
port="${PORT:-18090}"
if [[ -n "${QPLAN_DIR:-}" ]]; then
  qplan=(dotnet "$QPLAN_DIR/qplan.dll")
else
  qplan=(./qplan)
  ./qplan --help >/dev/null # build once, outside the measurement
fi
tck="$(getconf CLK_TCK)"
# CPU ticks of one process (fields 14-15 utime, stime), plus its waited-for children (16-17) when $2 is "children".
ticks() { awk -v c="${2:-}" '{ sub(/^.*\) /, ""); t = $12 + $13; if (c == "children") t += $14 + $15; print t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# PostgreSQL: the postmaster with its exited children, plus every live backend and auxiliary process.
pg_ticks() {
  local pm total=0 child
  pm="$(head -1 "$QP_TEST_PG_DATA/postmaster.pid" 2>/dev/null)" || { echo 0; return; }
  total="$(ticks "$pm" children)"
  for child in $(pgrep -P "$pm"); do total=$((total + $(ticks "$child"))); done
  echo "$total"
}
# A fresh database each time, so earlier runs' rows do not change the measurement.
env PGPASSWORD=qp_test "$QP_TEST_PG_BINDIR/psql" -q -X -h 127.0.0.1 -p "$QP_TEST_PG_PORT" -U qp_test -d postgres \
  -c "DROP DATABASE IF EXISTS qp_loadtest WITH (FORCE)" >/dev/null
workers=()
[[ -n "${WORKERS:-}" ]] && workers=(--workers "$WORKERS")
log="$(mktemp /tmp/qp-loadtest-serve.XXXXXX.log)"
QuantumPlanner__RateLimitPermits=100000000 "${qplan[@]}" serve --db "$db" --no-auth --urls "http://127.0.0.1:$port" "${workers[@]}" >"$log" 2>&1 &
serve=$!
trap 'kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "serve did not become ready; see $log" >&2; exit 1; }
# Warm-up (JIT, connection pools, tiered compilation), not reported: the first run is otherwise always the slowest.
"${qplan[@]}" loadtest --url "http://127.0.0.1:$port" --clients "${CLIENTS:-64}" --duration "${WARMUP:-8}" --backend "${BACKEND:-greedy}" --json "$@" >/dev/null || true
psql=(env PGPASSWORD=qp_test "$QP_TEST_PG_BINDIR/psql" -q -X -h 127.0.0.1 -p "$QP_TEST_PG_PORT" -U qp_test -d qp_loadtest)
"${psql[@]}" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();" >/dev/null 2>&1 || true
for run in $(seq 1 "${RUNS:-3}"); do
  before="$(cut -d' ' -f1 /proc/loadavg)"
  serve_before="$(ticks "$serve")" pg_before="$(pg_ticks)"
  timing="$(mktemp)"
  out="$(/usr/bin/time -f '%U %S' -o "$timing" "${qplan[@]}" loadtest --url "http://127.0.0.1:$port" --clients "${CLIENTS:-64}" --duration "${DURATION:-20}" \
    --backend "${BACKEND:-greedy}" --json "$@" || true)"
  serve_after="$(ticks "$serve")" pg_after="$(pg_ticks)"
  after="$(cut -d' ' -f1 /proc/loadavg)"
  load_cpu="$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$timing" 2>/dev/null || echo 0)"
  rm -f "$timing"
  echo "$out" | python3 -c "
import json, sys
r = json.load(sys.stdin)
ms = lambda t: round(t * 1000 / $tck)
cpu = {'serve': ms($serve_after - $serve_before), 'loadtest': $load_cpu, 'postgres': ms($pg_after - $pg_before)}
jobs = max(r['completed'], 1)
requests = max(r['submitted'] + r['getRequests'] + r['longPollRequests'] + r['completed'], 1)
r['run'] = $run; r['loadAvg1m'] = ['$before', '$after']; r['cpuMs'] = cpu
r['cpuMsPerJob'] = {k: round(v / jobs, 2) for k, v in cpu.items()}
r['cpuMsPerRequest'] = {k: round(v / requests, 3) for k, v in cpu.items()}
r['requestsPerJob'] = round(requests / jobs, 2)
print(json.dumps(r))"
done
# Where the database time went over all runs (server-side execution only, not the round trips).
"${psql[@]}" -A -F ' | ' -c "SELECT calls, round(mean_exec_time::numeric, 3) AS mean_ms, round(total_exec_time::numeric) AS total_ms,
  left(regexp_replace(query, '\s+', ' ', 'g'), 70) AS statement FROM pg_stat_statements
  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'qp_loadtest') ORDER BY total_exec_time DESC LIMIT 8" >&2 || true
echo "serve RSS after runs: $(ps -o rss= -p "$(pgrep -P "$serve" -f qplan.dll || echo "$serve")" | tr -d ' ') KiB" >&2

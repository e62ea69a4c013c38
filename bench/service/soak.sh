#!/usr/bin/env bash
# Memory soak of `qplan serve` (docs/runbooks/service.md, "Load test"): PostgreSQL as in loadtest.sh, RSS sampled every
# SAMPLE seconds: idle after start, during SOAK seconds of repeated small jobs (CLIENTS long-polling clients), and idle
# again after the load stops. Prints one line per sample: "t_s phase rss_mib heap=MiB threads=N", then the loadtest JSON.
# Environment: SOAK (600), SAMPLE (30), CLIENTS (16), PORT (18091), WAIT (10: long poll; 0: plain polling).
# The build is copied first so that rebuilding the checkout during the soak cannot touch the running binaries.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export QP_TEST_PG_PORT="${QP_TEST_PG_PORT:-55499}" QP_TEST_PG_DATA="${QP_TEST_PG_DATA:-/tmp/qp-loadtest-pg}"
# shellcheck source=/dev/null
source tests/services/postgres.sh
db="${QP_TEST_PG/Database=quantum_planner/Database=qp_soak}"
port="${PORT:-18091}" soak="${SOAK:-600}" sample="${SAMPLE:-30}"
./qplan --help >/dev/null
build="$(mktemp -d /tmp/qp-soak-build.XXXXXX)"
cp -r .qplan-build/. "$build/"
log="$build/serve.log"
QuantumPlanner__RateLimitPermits=100000000 dotnet "$build/qplan.dll" serve --db "$db" --no-auth --urls "http://127.0.0.1:$port" >"$log" 2>&1 &
serve=$!
trap 'kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
# RSS in MiB, then the managed heap (MiB) and thread count as /metrics reports them.
rss() {
  local metrics
  metrics="$(curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null || true)"
  echo "$(( $(ps -o rss= -p "$serve" | tr -d ' ') / 1024 )) heap=$(awk '/^dotnet_total_memory_bytes /{printf "%d", $2/1048576}' <<<"$metrics") threads=$(awk '/^process_num_threads /{print $2}' <<<"$metrics")"
}
start=$SECONDS
sleep "$sample"
echo "$((SECONDS - start)) idle-start $(rss)"
dotnet "$build/qplan.dll" loadtest --url "http://127.0.0.1:$port" --clients "${CLIENTS:-16}" --duration "$soak" \
  --backend greedy --wait-seconds "${WAIT:-10}" --json >"$build/loadtest.json" 2>&1 &
load=$!
while kill -0 "$load" 2>/dev/null; do
  sleep "$sample"
  kill -0 "$load" 2>/dev/null && echo "$((SECONDS - start)) load $(rss) loadavg=$(cut -d' ' -f1 /proc/loadavg)"
done
wait "$load" || true
for _ in 1 2 3 4; do
  sleep "$sample"
  echo "$((SECONDS - start)) idle-after $(rss)"
done
python3 -c "import json; r=json.load(open('$build/loadtest.json')); print(json.dumps({k: r[k] for k in ('seconds','submitted','completed','jobsPerSecond','errors','errorKinds','getJobMs','longPollMs')}))"
rm -rf "$build"

#!/usr/bin/env bash
# GET latency while a purge runs (issue 12: "the service keeps answering, GET p99 < 50 ms"). Seeds JOBS jobs (the
# bench/ops/seed.sh history, about 62 % of them archivable) plus 500 recent queued jobs of tenant "default" (queued,
# so every GET reads the store: the service keeps finished jobs in memory) into a fresh store, starts 'qplan serve --no-auth --workers 0' on it, and with one client on one kept-alive connection (curl)
# samples GET /api/v1/jobs/{id} of those recent jobs: first for BASE seconds with nothing else running, then for as
# long as 'qplan ops archive --older-than 90d' runs against the same store. Prints p50/p99/max of both and the
# archive's rate.
# Usage: [ARCHIVE_ARGS="--batch 5000 --max-rate 8000"] [SEED_ORDER=time|random] bench/ops/purge-latency.sh [JOBS] [sqlite|pg] [BASE]
#        (defaults 100000, sqlite, 15; pg needs QP_TEST_PG or PG). ARCHIVE_ARGS go to the measured 'qplan ops archive'.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jobs="${1:-100000}"
store="${2:-sqlite}"
base="${3:-15}"
read -r -a archive_args <<<"${ARCHIVE_ARGS:-}"
work="$(mktemp -d /tmp/qp-bench-purge-XXXXXX)"
source "$root/bench/ops/seed.sh"
[[ -n "${QPLAN_DLL:-}" ]] || "$root/qplan" --help >/dev/null   # build once, outside the measurements
qplan=(dotnet "${QPLAN_DLL:-$root/.qplan-build/qplan.dll}")   # QPLAN_DLL: another build, e.g. a reference run of main
server=""
db="qp_bench_purge_$$"
cleanup() {
  [[ -z "$server" ]] || kill "$server" 2>/dev/null || true
  [[ -z "$server" ]] || wait "$server" 2>/dev/null || true
  [[ "$store" != pg ]] || psql -q -X -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

recent_sql() { # $1 = id expression, $2 = created_at expression, $3 = JSON cast, $4 = series of 500
  cat <<SQL
INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, attempts,
  created_at, started_at, completed_at, time_limit_seconds, seed)
SELECT $1, 'default', 'queued', 'auto', NULL, '{"name":"recent","tasks":[{"id":"t1","duration":3}]}'$3,
  NULL, 'recent', 0, $2, NULL, NULL, 30, i FROM $4;
SQL
}

case "$store" in
  sqlite)
    mkdir -p "$work/data"
    "${qplan[@]}" db migrate --data-dir "$work/data" >/dev/null
    seed_sqlite "$work/data/jobs.db" "$jobs"
    sqlite3 "$work/data/jobs.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) $(recent_sql "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))" "(unixepoch('now') * 1000000)" "" "n")"
    sqlite3 "$work/data/jobs.db" "SELECT id FROM optimization_jobs WHERE tenant_id = 'default'" >"$work/ids"
    old=$(old_sqlite "$work/data/jobs.db")
    target=(--data-dir "$work/data")
    ;;
  pg)
    pg="${PG:-${QP_TEST_PG:-}}"
    [[ -n "$pg" ]] || { echo "bench/ops/purge-latency.sh: set PG or QP_TEST_PG (e.g. source tests/services/postgres.sh)" >&2; exit 2; }
    field() { tr ';' '\n' <<<"$pg" | sed -n "s/^$1=//Ip" | head -1; }
    export PGHOST="$(field Host)" PGPORT="$(field Port)" PGUSER="$(field Username)" PGPASSWORD="$(field Password)"
    conn="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$db"
    psql -q -X -d postgres -c "CREATE DATABASE $db" >/dev/null
    "${qplan[@]}" db migrate --db "$conn" >/dev/null
    seed_pg "$db" "$jobs"
    psql -q -X -d "$db" -c "$(recent_sql "gen_random_uuid()" "now()" "::jsonb" "generate_series(1, 500) AS i")"
    psql -qtA -X -d "$db" -c "SELECT id FROM optimization_jobs WHERE tenant_id = 'default'" >"$work/ids"
    old=$(old_pg "$db")
    target=(--db "$conn")
    ;;
  *) echo "bench/ops/purge-latency.sh: store '$store' is neither sqlite nor pg" >&2; exit 2 ;;
esac

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
# The per-client rate limit (6000 a minute by default) would answer 429 to one client this fast.
QuantumPlanner__RateLimitPermits=1000000000 "${qplan[@]}" serve --urls "$url" --no-auth --workers 0 "${target[@]}" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 150); do
  curl -fs -o /dev/null "$url/health/ready" && break
  sleep 0.2
done
curl -fs -o /dev/null "$url/health/ready" || { echo "the service did not become ready:" >&2; tail -20 "$work/serve.log" >&2; exit 1; }

# One curl per 500 GETs over one kept-alive connection; each request's own time_total, in ms.
sample() { # $1 = output file; samples while the command after it succeeds (it is run again before every 500 GETs)
  local out="$1"; shift
  sed "s|.*|url = $url/api/v1/jobs/&\\noutput = /dev/null|" "$work/ids" >"$work/urls"
  while "$@"; do
    curl -s -w '%{http_code} %{time_total}\n' -K "$work/urls" >>"$out"
  done
}
stats() { # $1 = samples file
  local codes
  codes=$(awk '$1 != 200 { print $1 }' "$1" | sort | uniq -c | tr '\n' ' ')
  awk '{ print $2 * 1000 }' "$1" | sort -g | awk -v codes="$codes" '
    { v[NR] = $1 } END { if (NR == 0) { print "no samples"; exit }
      p99 = int(NR * 0.99) + 1; if (p99 > NR) p99 = NR
      printf "%d GETs, p50 %.1f ms, p99 %.1f ms, max %.1f ms%s\n", NR, v[int(NR * 0.50) + 1], v[p99], v[NR], codes == "" ? "" : " (not 200: " codes ")" }'
}

echo "== $store, $jobs jobs ($old archivable, SEED_ORDER=$seed_order), archive ${archive_args[*]:-(defaults)}, load $(cut -d' ' -f1 /proc/loadavg)"
end=$((SECONDS + base))
before_end() { ((SECONDS < end)); }
sample "$work/idle" before_end
echo "GET without a purge: $(stats "$work/idle")"

start=$(date +%s.%N)
"${qplan[@]}" ops archive --older-than 90d "${target[@]}" --to "$work/archives" --json "${archive_args[@]}" >"$work/archive.json" 2>"$work/archive.err" &
archive=$!
archive_running() { kill -0 "$archive" 2>/dev/null; }
sample "$work/purge" archive_running
wait "$archive" || { echo "the archive failed:" >&2; tail -5 "$work/archive.err" >&2; exit 1; }
secs=$(echo "$(date +%s.%N) - $start" | bc -l)
echo "GET during the purge: $(stats "$work/purge")"
printf 'archive + purge: %d rows in %.1f s = %.0f rows/s, load %s\n' "$old" "$secs" "$(echo "$old / $secs" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"

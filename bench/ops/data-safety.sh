#!/usr/bin/env bash
# Data-safety benchmark (issue 12 targets): seeds JOBS finished/queued jobs (0–400 days old, ~300-byte problems) into a
# fresh PostgreSQL database and a fresh SQLite file, then measures with the built qplan:
#   archive + purge of everything older than 90 days: rows/s and peak RSS (GNU time), on both stores;
#   backup create (size, time), backup verify (scratch restore time = RTO) on both stores.
# Usage: bench/ops/data-safety.sh [JOBS]   (default 1000000; needs QP_TEST_PG or PG=<connection string> with CREATEDB)
# Prints one line per measurement and leaves nothing behind (the database and folder are dropped at the end).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jobs="${1:-1000000}"
pg="${PG:-${QP_TEST_PG:-}}"
[[ -n "$pg" ]] || { echo "bench/ops/data-safety.sh: set PG or QP_TEST_PG (e.g. source tests/services/postgres.sh)" >&2; exit 2; }
work="$(mktemp -d /tmp/qp-bench-ops-XXXXXX)"
db="qp_bench_ops_$$"
"$root/qplan" --help >/dev/null   # build once, outside the measurements
qplan=(dotnet "$root/.qplan-build/qplan.dll")

# host/port/user/password from the Npgsql connection string, for psql.
field() { tr ';' '\n' <<<"$pg" | sed -n "s/^$1=//Ip" | head -1; }
export PGHOST="$(field Host)" PGPORT="$(field Port)" PGUSER="$(field Username)" PGPASSWORD="$(field Password)"
pgdb="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$db"
cleanup() { psql -q -X -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

seed_sql() { # $1 = JSON cast ("::jsonb" or ""), $2 = created_at expression, $3 = id expression, $4 = series
  cat <<SQL
INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, attempts,
  created_at, started_at, completed_at, time_limit_seconds, seed)
SELECT $3, 't' || (i % 20),
  CASE WHEN i % 10 < 6 THEN 'completed' WHEN i % 10 < 8 THEN 'failed' WHEN i % 10 = 8 THEN 'cancelled' ELSE 'queued' END,
  'auto', 'greedy',
  ('{"name":"bench-' || i || '","horizon":40,"agents":[{"id":"a","skills":["s"]}],"tasks":[{"id":"t1","duration":3},{"id":"t2","duration":5}]}')$1,
  CASE WHEN i % 10 < 6 THEN '{"status":"feasible","assignments":[{"task":"t1","agent":"a","start":0,"end":3}]}'$1 END,
  'h' || (i % 1000), 1, $2, $2, $2, 30, i
FROM $4;
SQL
}

measure() { # label rows command...
  local label="$1" rows="$2"; shift 2
  local out; out="$(mktemp)"
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$out.rss" "$@" >"$out" 2>"$out.err" || { echo "$label: FAILED"; cat "$out.err" | tail -5; return 1; }
  end=$(date +%s.%N)
  local secs rss
  secs=$(echo "$end - $start" | bc -l)
  rss=$(tail -1 "$out.rss")
  if [[ "$rows" -gt 0 ]]; then
    printf '%s: %d rows in %.1f s = %.0f rows/s, peak RSS %.0f MiB\n' "$label" "$rows" "$secs" "$(echo "$rows / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  else
    printf '%s: %.1f s, peak RSS %.0f MiB\n' "$label" "$secs" "$(echo "$rss / 1024" | bc -l)"
  fi
  cp "$out" "$work/last.json"
}

echo "== PostgreSQL, $jobs jobs"
psql -q -X -d postgres -c "CREATE DATABASE $db" >/dev/null
"${qplan[@]}" db migrate --db "$pgdb" >/dev/null
psql -q -X -d "$db" -c "$(seed_sql ::jsonb "now() - (i % 400) * interval '1 day' - (i % 86400) * interval '1 second'" "gen_random_uuid()" "generate_series(1, $jobs) AS i")"
psql -q -X -d "$db" -c "VACUUM ANALYZE optimization_jobs"
old=$(psql -qtA -X -d "$db" -c "SELECT count(*) FROM optimization_jobs WHERE created_at < now() - interval '90 days' AND status IN ('completed','failed')")
echo "size: $(psql -qtA -X -d "$db" -c "SELECT pg_size_pretty(pg_database_size('$db'))")"
measure "pg backup create" 0 "${qplan[@]}" ops backup create --db "$pgdb" --to "$work/pg-backups" --json
backup=$(ls "$work"/pg-backups/*.dump)
echo "pg backup size: $(du -h "$backup" | cut -f1)"
measure "pg backup verify (restore into scratch)" 0 "${qplan[@]}" ops backup verify "$backup" --db "$pgdb" --json
echo "pg RTO (scratch restore): $(sed -n 's/.*"restoreSeconds": \([0-9.]*\).*/\1/p' "$work/last.json") s"
measure "pg archive + purge" "$old" "${qplan[@]}" ops archive --older-than 90d --db "$pgdb" --to "$work/pg-archives" --json

echo "== SQLite, $jobs jobs"
mkdir -p "$work/sqlite"
"${qplan[@]}" db migrate --data-dir "$work/sqlite" >/dev/null
sqlite3 "$work/sqlite/jobs.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $jobs) $(seed_sql "" "((unixepoch('now') - (i % 400) * 86400 - (i % 86400)) * 1000000)" "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))" "n")"
old=$(sqlite3 "$work/sqlite/jobs.db" "SELECT count(*) FROM optimization_jobs WHERE created_at < (unixepoch('now') - 90 * 86400) * 1000000 AND status IN ('completed','failed')")
echo "size: $(du -h "$work/sqlite/jobs.db" | cut -f1)"
measure "sqlite backup create" 0 "${qplan[@]}" ops backup create --data-dir "$work/sqlite" --to "$work/sqlite-backups" --json
backup=$(ls "$work"/sqlite-backups/*.db.gz)
echo "sqlite backup size: $(du -h "$backup" | cut -f1)"
measure "sqlite backup verify (expand + check)" 0 "${qplan[@]}" ops backup verify "$backup" --data-dir "$work/sqlite" --json
echo "sqlite RTO (scratch restore): $(sed -n 's/.*"restoreSeconds": \([0-9.]*\).*/\1/p' "$work/last.json") s"
measure "sqlite archive + purge" "$old" "${qplan[@]}" ops archive --older-than 90d --data-dir "$work/sqlite" --to "$work/sqlite-archives" --json

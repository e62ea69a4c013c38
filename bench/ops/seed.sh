# shellcheck shell=bash
# Sourced by the bench/ops scripts: the SQL that seeds their job histories. JOBS rows i = 1..N: tenants t0..t19,
# 60 % completed, 20 % failed, 10 % cancelled, 10 % queued, created (i % 400) days and (i % 86400) s ago, ~300-byte
# problems, results on completed jobs.
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

# seed_pg DB JOBS: seeds the migrated PostgreSQL database DB (psql with PGHOST/PGPORT/PGUSER/PGPASSWORD set).
seed_pg() {
  psql -q -X -d "$1" -c "$(seed_sql ::jsonb "now() - (i % 400) * interval '1 day' - (i % 86400) * interval '1 second'" "gen_random_uuid()" "generate_series(1, $2) AS i")"
  psql -q -X -d "$1" -c "VACUUM ANALYZE optimization_jobs"
}

# seed_sqlite FILE JOBS: seeds the migrated SQLite store FILE (created_at in microseconds, ids as random UUID text).
seed_sqlite() {
  sqlite3 "$1" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) $(seed_sql "" "((unixepoch('now') - (i % 400) * 86400 - (i % 86400)) * 1000000)" "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))" "n")"
  sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
}

# Jobs the seed makes that 'qplan ops archive --older-than 90d' (completed and failed) selects.
old_pg() { psql -qtA -X -d "$1" -c "SELECT count(*) FROM optimization_jobs WHERE created_at < now() - interval '90 days' AND status IN ('completed','failed')"; }
old_sqlite() { sqlite3 "$1" "SELECT count(*) FROM optimization_jobs WHERE created_at < (unixepoch('now') - 90 * 86400) * 1000000 AND status IN ('completed','failed')"; }

# shellcheck shell=bash
# Sourced by the bench/ops scripts: the SQL that seeds their job histories. JOBS rows i = 1..N: tenants t0..t19,
# 60 % completed, 20 % failed, 10 % cancelled, 10 % queued, ~300-byte problems, results on completed jobs, created
# 0–400 days ago (uniformly, so about 62 % are completed or failed and older than 90 days).
# SEED_ORDER=time (the default) inserts the rows in creation order with UUIDv7 ids taken from created_at, as the
# service does (it inserts a job when it is created and makes its id with Guid.CreateVersion7): the table, its
# primary key and its created_at index then agree, as in a real store. SEED_ORDER=random keeps the first benchmarks'
# history, rows created (i % 400) days and (i % 86400) s ago with random UUIDv4 ids: every index is then in an
# order unrelated to the table's, the worst case for a purge (each deleted row touches its own page of each index).
# PROGRESS_POINTS (default 10) job_progress rows per completed or failed job (claim token 1, one point a second,
# the objective falling), the dashboard's best-objective history a worker leaves; 0 seeds none, as before migration 5.
seed_order="${SEED_ORDER:-time}"
[[ "$seed_order" == time || "$seed_order" == random ]] || { echo "bench/ops/seed.sh: SEED_ORDER is '$seed_order', neither time nor random" >&2; exit 2; }
progress_points="${PROGRESS_POINTS:-10}"
[[ "$progress_points" =~ ^[0-9]+$ ]] || { echo "bench/ops/seed.sh: PROGRESS_POINTS is '$progress_points', not a number" >&2; exit 2; }

seed_sql() { # $1 = JSON cast ("::jsonb" or ""), $2 = id expression over i and created, $3 = series yielding (i, created)
  cat <<SQL
INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, attempts,
  created_at, started_at, completed_at, time_limit_seconds, seed, claim_token)
SELECT $2, 't' || (i % 20),
  CASE WHEN i % 10 < 6 THEN 'completed' WHEN i % 10 < 8 THEN 'failed' WHEN i % 10 = 8 THEN 'cancelled' ELSE 'queued' END,
  'auto', 'greedy',
  ('{"name":"bench-' || i || '","horizon":40,"agents":[{"id":"a","skills":["s"]}],"tasks":[{"id":"t1","duration":3},{"id":"t2","duration":5}]}')$1,
  CASE WHEN i % 10 < 6 THEN '{"status":"feasible","assignments":[{"task":"t1","agent":"a","start":0,"end":3}]}'$1 END,
  'h' || (i % 1000), 1, created, created, created, 30, i, CASE WHEN i % 10 < 8 THEN 1 ELSE 0 END
FROM $3
ORDER BY i;
SQL
}

progress_sql() { # $1 = the series 1..PROGRESS_POINTS as k
  cat <<SQL
INSERT INTO job_progress (job_id, claim_token, elapsed_ms, objective)
SELECT id, 1, k * 1000, 10000.0 / k FROM optimization_jobs CROSS JOIN $1
WHERE status IN ('completed', 'failed')
ORDER BY id, k;
SQL
}

# seed_pg DB JOBS: seeds the migrated PostgreSQL database DB (psql with PGHOST/PGPORT/PGUSER/PGPASSWORD set).
seed_pg() {
  local created id
  if [[ "$seed_order" == time ]]; then
    created="now() - interval '400 days' + i * (interval '400 days' / $2)"
    # UUIDv7: 48 bits of Unix milliseconds, version 7, 12 random bits, variant 10, 62 random bits.
    id="(lpad(to_hex((extract(epoch FROM created) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid"
  else
    created="now() - (i % 400) * interval '1 day' - (i % 86400) * interval '1 second'"
    id="gen_random_uuid()"
  fi
  psql -q -X -d "$1" -c "$(seed_sql ::jsonb "$id" "(SELECT i, $created AS created FROM generate_series(1, $2) AS i) AS s")"
  [[ "$progress_points" -eq 0 ]] || psql -q -X -d "$1" -c "$(progress_sql "generate_series(1, $progress_points) AS k")"
  psql -q -X -d "$1" -c "VACUUM ANALYZE optimization_jobs" -c "VACUUM ANALYZE job_progress"
}

# seed_sqlite FILE JOBS: seeds the migrated SQLite store FILE (created_at in microseconds, ids as lower-case UUID text).
seed_sqlite() {
  local created id hex="lower(hex(randomblob(9)))"
  if [[ "$seed_order" == time ]]; then
    created="(unixepoch('now') - 400 * 86400) * 1000000 + i * (400 * 86400 * 1000000 / $2)"
    id="(SELECT substr(t, 1, 8) || '-' || substr(t, 9, 4) || '-7' || substr(r, 1, 3) || '-8' || substr(r, 4, 3) || '-' || substr(r, 7, 12) FROM (SELECT printf('%012x', created / 1000) AS t, $hex AS r))"
  else
    created="((unixepoch('now') - (i % 400) * 86400 - (i % 86400)) * 1000000)"
    id="lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
  fi
  sqlite3 "$1" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) $(seed_sql "" "$id" "(SELECT i, $created AS created FROM n) AS s")"
  [[ "$progress_points" -eq 0 ]] || sqlite3 "$1" "WITH RECURSIVE p(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM p WHERE k < $progress_points) $(progress_sql p)"
  sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
}

# Jobs the seed makes that 'qplan ops archive --older-than 90d' (completed and failed) selects.
old_pg() { psql -qtA -X -d "$1" -c "SELECT count(*) FROM optimization_jobs WHERE created_at < now() - interval '90 days' AND status IN ('completed','failed')"; }
old_sqlite() { sqlite3 "$1" "SELECT count(*) FROM optimization_jobs WHERE created_at < (unixepoch('now') - 90 * 86400) * 1000000 AND status IN ('completed','failed')"; }

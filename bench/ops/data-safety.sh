#!/usr/bin/env bash
# Data-safety benchmark (issue 12 targets): seeds JOBS finished/queued jobs (0–400 days old, ~300-byte problems) once
# into a PostgreSQL template database and a SQLite template file, then RUNS times on a fresh copy of each measures with
# the built qplan:
#   backup create (size, time), backup verify (its scratch restore time), backup restore into an empty store (RTO);
#   archive + purge of every completed/failed job older than 90 days (rows/s);
# each with peak RSS and the process's CPU time (user + system, GNU time), and prints the median of the runs per
# measurement (the single runs in brackets). CPU time says what the work costs when the machine is shared: on a busy
# host the wall-clock rate mostly measures the wait for a core.
# Usage: [STORES="pg sqlite"] [STEPS="backup archive"] [QPLAN_DLL=...] [SEED_ORDER=time|random] [PROGRESS_POINTS=10]
#        [ARCHIVE_ARGS="--batch 5000 ..."]
#        bench/ops/data-safety.sh [JOBS] [RUNS]   (defaults 1000000 and 3; needs QP_TEST_PG or PG=<connection string>
# of a role with CREATEDB). SEED_ORDER and PROGRESS_POINTS are bench/ops/seed.sh's. Leaves nothing behind (databases and folders are dropped).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jobs="${1:-1000000}"
runs="${2:-3}"
stores=" ${STORES:-pg sqlite} "
steps=" ${STEPS:-backup archive} "
read -r -a archive_args <<<"${ARCHIVE_ARGS:-}"
pg="${PG:-${QP_TEST_PG:-}}"
[[ -n "$pg" ]] || { echo "bench/ops/data-safety.sh: set PG or QP_TEST_PG (e.g. source tests/services/postgres.sh)" >&2; exit 2; }
work="$(mktemp -d /tmp/qp-bench-ops-XXXXXX)"
prefix="qp_bench_ops_$$"
[[ -n "${QPLAN_DLL:-}" ]] || "$root/qplan" --help >/dev/null   # build once, outside the measurements
qplan=(dotnet "${QPLAN_DLL:-$root/.qplan-build/qplan.dll}")   # QPLAN_DLL: another build, e.g. a reference run of main

# host/port/user/password from the Npgsql connection string, for psql.
field() { tr ';' '\n' <<<"$pg" | sed -n "s/^$1=//Ip" | head -1; }
export PGHOST="$(field Host)" PGPORT="$(field Port)" PGUSER="$(field Username)" PGPASSWORD="$(field Password)"
conn() { echo "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$1"; }
cleanup() {
  for name in $(psql -qtA -X -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'" 2>/dev/null); do
    psql -q -X -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

source "$root/bench/ops/seed.sh"

# label -> "seconds rss_mib rows cpu_seconds" per run, one line each
declare -A results
labels=()
measure() { # label rows command...   (stdout of the command is kept in $work/last.json)
  local label="$1" rows="$2"; shift 2
  local start end secs rss cpu
  start=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" >"$work/last.json" 2>"$work/last.err" || { echo "$label: FAILED" >&2; tail -5 "$work/last.err" >&2; return 1; }
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc -l)
  read -r rss user system < <(tail -1 "$work/rss")
  rss=$(echo "$rss / 1024" | bc -l)
  cpu=$(echo "$user + $system" | bc -l)
  [[ -n "${results[$label]+x}" ]] || labels+=("$label")
  results[$label]+="$secs $rss $rows $cpu"$'\n'
  if [[ "$rows" -gt 0 ]]; then
    printf '  %s: %d rows in %.1f s = %.0f rows/s (CPU %.1f s), peak RSS %.0f MiB, load %s\n' "$label" "$rows" "$secs" "$(echo "$rows / $secs" | bc -l)" "$cpu" "$rss" "$(cut -d' ' -f1 /proc/loadavg)" >&2
  else
    printf '  %s: %.1f s (CPU %.1f s), peak RSS %.0f MiB, load %s\n' "$label" "$secs" "$cpu" "$rss" "$(cut -d' ' -f1 /proc/loadavg)" >&2
  fi
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
report() {
  local label lines secs rss rows cpu
  for label in "${labels[@]}"; do
    lines="${results[$label]}"
    secs=$(awk 'NF { print $1 }' <<<"$lines" | median)
    rss=$(awk 'NF { print $2 }' <<<"$lines" | median)
    rows=$(awk 'NF { print $3; exit }' <<<"$lines")
    cpu=$(awk 'NF { print $4 }' <<<"$lines" | median)
    if [[ "$rows" -gt 0 ]]; then
      printf '%s: %d rows, median %.0f rows/s [%s], %.1f s, CPU %.1f s (%.0f rows per CPU-second), peak RSS %.0f MiB\n' "$label" "$rows" \
        "$(echo "$rows / $secs" | bc -l)" "$(awk -v r="$rows" 'NF { printf "%s%.0f", sep, r / $1; sep = " " }' <<<"$lines")" "$secs" "$cpu" \
        "$(echo "$rows / $cpu" | bc -l)" "$rss"
    else
      printf '%s: median %.1f s [%s], CPU %.1f s, peak RSS %.0f MiB\n' "$label" "$secs" "$(awk 'NF { printf "%s%.1f", sep, $1; sep = " " }' <<<"$lines")" "$cpu" "$rss"
    fi
  done
}
restore_seconds() { sed -n 's/.*"restoreSeconds": \([0-9.]*\).*/\1/p' "$work/last.json" | head -1; }

if [[ "$stores" == *" pg "* ]]; then
  echo "== PostgreSQL, $jobs jobs, $runs runs" >&2
  template="${prefix}_template"
  psql -q -X -d postgres -c "CREATE DATABASE $template" >/dev/null
  "${qplan[@]}" db migrate --db "$(conn "$template")" >/dev/null
  seed_pg "$template" "$jobs"
  old=$(old_pg "$template")
  echo "pg database size: $(psql -qtA -X -d "$template" -c "SELECT pg_size_pretty(pg_database_size('$template'))"), job_progress rows: $(psql -qtA -X -d "$template" -c "SELECT count(*) FROM job_progress")"
  for run in $(seq 1 "$runs"); do
    db="${prefix}_$run" target="${prefix}_${run}_restored"
    psql -q -X -d postgres -c "CREATE DATABASE $db TEMPLATE $template" -c "CREATE DATABASE $target" >/dev/null
    if [[ "$steps" == *" backup "* ]]; then
      rm -rf "$work/pg-backups"
      measure "pg backup create" 0 "${qplan[@]}" ops backup create --db "$(conn "$db")" --to "$work/pg-backups" --json
      backup=$(ls "$work"/pg-backups/*.dump)
      [[ $run -gt 1 ]] || echo "pg backup size: $(du -h "$backup" | cut -f1)"
      measure "pg backup verify" 0 "${qplan[@]}" ops backup verify "$backup" --db "$(conn "$db")" --json
      echo "  pg verify's scratch restore: $(restore_seconds) s" >&2
      measure "pg backup restore into an empty database (RTO)" 0 "${qplan[@]}" ops backup restore "$backup" --db "$(conn "$target")" --json
    fi
    [[ "$steps" != *" archive "* ]] || measure "pg archive + purge" "$old" "${qplan[@]}" ops archive --older-than 90d --db "$(conn "$db")" --to "$work/pg-archives-$run" --json "${archive_args[@]}"
    psql -q -X -d postgres -c "DROP DATABASE $db WITH (FORCE)" -c "DROP DATABASE $target WITH (FORCE)" >/dev/null
    rm -rf "$work/pg-archives-$run"
  done
fi

if [[ "$stores" == *" sqlite "* ]]; then
  echo "== SQLite, $jobs jobs, $runs runs" >&2
  mkdir -p "$work/sqlite-template"
  "${qplan[@]}" db migrate --data-dir "$work/sqlite-template" >/dev/null
  seed_sqlite "$work/sqlite-template/jobs.db" "$jobs"
  old=$(old_sqlite "$work/sqlite-template/jobs.db")
  echo "sqlite file size: $(du -h "$work/sqlite-template/jobs.db" | cut -f1), job_progress rows: $(sqlite3 "$work/sqlite-template/jobs.db" "SELECT count(*) FROM job_progress")"
  for run in $(seq 1 "$runs"); do
    rm -rf "$work/sqlite" "$work/sqlite-restored" "$work/sqlite-backups" "$work/sqlite-archives"
    cp -r "$work/sqlite-template" "$work/sqlite"
    mkdir -p "$work/sqlite-restored"
    if [[ "$steps" == *" backup "* ]]; then
      measure "sqlite backup create" 0 "${qplan[@]}" ops backup create --data-dir "$work/sqlite" --to "$work/sqlite-backups" --json
      backup=$(ls "$work"/sqlite-backups/*.db.gz)
      [[ $run -gt 1 ]] || echo "sqlite backup size: $(du -h "$backup" | cut -f1)"
      measure "sqlite backup verify" 0 "${qplan[@]}" ops backup verify "$backup" --data-dir "$work/sqlite" --json
      echo "  sqlite verify's scratch restore: $(restore_seconds) s" >&2
      measure "sqlite backup restore into an empty directory (RTO)" 0 "${qplan[@]}" ops backup restore "$backup" --data-dir "$work/sqlite-restored" --json
    fi
    [[ "$steps" != *" archive "* ]] || measure "sqlite archive + purge" "$old" "${qplan[@]}" ops archive --older-than 90d --data-dir "$work/sqlite" --to "$work/sqlite-archives" --json "${archive_args[@]}"
  done
fi

echo "== medians of $runs runs ($jobs jobs)"
report

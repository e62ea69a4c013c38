#!/usr/bin/env bash
# bench/faults/run.sh [worker-kill|postgres-stop|redis-kill|all]
# The fault tests of issue 11 at the issue's scale, through the same xunit tests CI runs at a bounded scale
# (tests/QuantumPlanner.Service.Tests/Faults): worker-kill = 1 000 jobs on two qplan worker processes, one SIGKILLed
# every 10 s and started again (QP_FAULT_JOBS, QP_FAULT_KILL_EVERY_SECONDS override); postgres-stop and redis-kill run as
# in CI. Starts PostgreSQL and Redis like tests/run (tests/services/*.sh; the tests start their own instances for the
# faults and never stop the shared ones), prints one JSON line of figures per test and exits non-zero if a test failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
which="${1:-worker-kill}"
case "$which" in
  worker-kill) filter="FullyQualifiedName~Faults.WorkerKillTests" ;;
  postgres-stop) filter="FullyQualifiedName~Faults.PostgresStopTests" ;;
  redis-kill) filter="FullyQualifiedName~Faults.RedisKillTests" ;;
  all) filter="FullyQualifiedName~Faults." ;;
  *) echo "bench/faults/run.sh: unknown fault '$which'. Maybe one of: worker-kill postgres-stop redis-kill all" >&2; exit 2 ;;
esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# shellcheck source=/dev/null
source tests/services/postgres.sh
# shellcheck source=/dev/null
source tests/services/redis.sh
export QP_FAULT_JOBS="${QP_FAULT_JOBS:-1000}" QP_FAULT_KILL_EVERY_SECONDS="${QP_FAULT_KILL_EVERY_SECONDS:-10}"
export QP_FAULT_DEADLINE_SECONDS="${QP_FAULT_DEADLINE_SECONDS:-1800}"
report="$(mktemp /tmp/qp-faults-XXXXXX.jsonl)"
export QP_FAULT_REPORT="$report"
echo "faults: building the service tests..." >&2
dotnet build tests/QuantumPlanner.Service.Tests -c Release --nologo -v quiet -clp:ErrorsOnly >&2
status=0
dotnet test tests/QuantumPlanner.Service.Tests -c Release --no-build --nologo --filter "$filter" >&2 || status=$?
cat "$report"
rm -f "$report"
exit "$status"

#!/usr/bin/env bash
# bench/fuzz/run.sh TARGET SECONDS
# Coverage-guided fuzzing of one reader of outside input (targets: FuzzTargets.Names) with SharpFuzz + AFL++:
# builds the harness, instruments QuantumPlanner.Core/Remote, runs afl-fuzz for SECONDS from corpus/TARGET and copies
# every crash it saves to crashes/TARGET/<sha1> (replayed by the xunit corpus test, so each one is a regression test
# once fixed). Prints executions, paths, crashes and hangs. Needs afl++ (apt-get install -y afl++).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:?usage: bench/fuzz/run.sh TARGET SECONDS}"
seconds="${2:-60}"
[[ -d "$here/corpus/$target" ]] || { echo "no corpus for '$target'; targets: $(ls "$here/corpus" | tr '\n' ' ')" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found. Maybe: apt-get install -y afl++" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="${QP_FUZZ_WORK:-$here/.work}"
tools="$here/.tools"
if [[ ! -x "$tools/sharpfuzz" ]]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >&2
fi

echo "fuzz: building the harness..." >&2
dotnet build "$here/QuantumPlanner.Fuzz/QuantumPlanner.Fuzz.csproj" -c Release -o "$work/clean" --nologo -v quiet -clp:ErrorsOnly >&2
# Instrument a fresh copy each run: sharpfuzz rewrites the assemblies in place and refuses to do it twice.
rm -rf "$work/run" && cp -r "$work/clean" "$work/run"
for dll in QuantumPlanner.Core.dll QuantumPlanner.Remote.dll; do
  "$tools/sharpfuzz" "$work/run/$dll" >&2
done

out="$work/out/$target"
rm -rf "$out" && mkdir -p "$(dirname "$out")"
# The .NET runtime is not an AFL-instrumented binary, and this machine's core_pattern and CPU governor are not ours
# to change; the timeout covers the runtime's start (inputs after the first run in the same process).
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
  afl-fuzz -i "$here/corpus/$target" -o "$out" -V "$seconds" -t 10000 -m none -- "$(command -v dotnet)" "$work/run/qplan-fuzz.dll" "$target" >"$work/afl-$target.log" 2>&1 || {
    echo "afl-fuzz failed; see $work/afl-$target.log" >&2; tail -20 "$work/afl-$target.log" >&2; exit 1; }

stats="$out/default/fuzzer_stats"
value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
mkdir -p "$here/crashes/$target"
found=0
for crash in "$out"/default/crashes/id:*; do
  [[ -f "$crash" ]] || continue
  cp "$crash" "$here/crashes/$target/$(sha1sum "$crash" | cut -c1-16)"
  found=$((found + 1))
done
echo "target=$target seconds=$seconds execs=$(value execs_done) execs_per_sec=$(value execs_per_sec) paths=$(value corpus_count) crashes=$(value saved_crashes) hangs=$(value saved_hangs) saved=$found"

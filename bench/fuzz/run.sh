#!/usr/bin/env bash
# bench/fuzz/run.sh TARGET[,TARGET...]|all SECONDS
# Coverage-guided fuzzing of the readers of outside input (targets: the folders of corpus/, FuzzTargets.Names and
# HttpFuzzTargets.Names) with SharpFuzz + AFL++: builds the harness once, instruments QuantumPlanner.Core, Remote,
# Service and Storage, runs afl-fuzz for SECONDS per target from corpus/TARGET and copies every crash it saves to
# crashes/TARGET/<sha1> (replayed by the xunit corpus tests, so each one is a regression test once fixed). Prints one
# line per target (executions, paths, crashes, hangs) and exits 1 when any target saved a crash. Needs afl++
# (apt-get install -y afl++). tests/run calls it with all and 5 s as the test command's smoke run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
which="${1:?usage: bench/fuzz/run.sh TARGET[,TARGET...]|all SECONDS}"
seconds="${2:-60}"
if [[ "$which" == all ]]; then
  targets=()
  for dir in "$here"/corpus/*/; do targets+=("$(basename "$dir")"); done
else
  IFS=, read -r -a targets <<<"$which"
  for target in "${targets[@]}"; do
    [[ -d "$here/corpus/$target" ]] || { echo "no corpus for '$target'. Maybe one of: all $(ls "$here/corpus" | tr '\n' ' ')" >&2; exit 2; }
  done
fi
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
for dll in QuantumPlanner.Core.dll QuantumPlanner.Remote.dll QuantumPlanner.Service.dll QuantumPlanner.Storage.dll; do
  "$tools/sharpfuzz" "$work/run/$dll" >&2
done

crashed=0
for target in "${targets[@]}"; do
  out="$work/out/$target"
  rm -rf "$out" && mkdir -p "$(dirname "$out")"
  # The .NET runtime is not an AFL-instrumented binary, and this machine's core_pattern and CPU governor are not ours
  # to change; the timeout covers the runtime's start (inputs after the first run in the same process).
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
    afl-fuzz -i "$here/corpus/$target" -o "$out" -V "$seconds" -t 10000 -m none -- "$(command -v dotnet)" "$work/run/qplan-fuzz.dll" "$target" >"$work/afl-$target.log" 2>&1 || {
      echo "afl-fuzz failed on $target; see $work/afl-$target.log" >&2; tail -20 "$work/afl-$target.log" >&2; exit 1; }

  stats="$out/default/fuzzer_stats"
  value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  mkdir -p "$here/crashes/$target"
  found=0
  for crash in "$out"/default/crashes/id:*; do
    [[ -f "$crash" ]] || continue
    cp "$crash" "$here/crashes/$target/$(sha1sum "$crash" | cut -c1-16)"
    found=$((found + 1))
  done
  [[ "$found" -eq 0 ]] || crashed=1
  echo "target=$target seconds=$seconds execs=$(value execs_done) execs_per_sec=$(value execs_per_sec) paths=$(value corpus_count) crashes=$(value saved_crashes) hangs=$(value saved_hangs) saved=$found"
done
if [[ "$crashed" -ne 0 ]]; then
  echo "fuzz: crashes saved under $here/crashes/; replay one with: dotnet $work/clean/qplan-fuzz.dll TARGET FILE" >&2
  exit 1
fi

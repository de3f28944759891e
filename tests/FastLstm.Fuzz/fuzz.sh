#!/usr/bin/env bash
# Fuzzes FastLstm's file loaders with AFL++ and SharpFuzz (see README.md beside this script).
#
#   tests/FastLstm.Fuzz/fuzz.sh [TARGET] [MINUTES]
#
# TARGET: model-fixcrc (default: the model-file parser behind recomputed checksums), model (raw bytes: header and
# checksums), safetensors, selftest (must report a crash within seconds: proof that findings are caught). MINUTES: how long AFL++ runs (default 10). Needs Debian's afl++ (apt-get install afl++)
# and the .NET 10 SDK. Findings land in tests/FastLstm.Fuzz/findings/TARGET/default/{crashes,hangs}; the script
# replays each one at the end so its exception is printed.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:-model-fixcrc}
minutes=${2:-10}
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 1; }

out=bin/fuzz          # instrumented: runs only under afl-fuzz (it writes AFL++'s shared-memory map)
plain=bin/fuzz-plain  # the same build uninstrumented: writes the seeds, replays the findings
work=findings
# Framework-dependent builds: SharpFuzz instruments the managed FastLstm.dll in place (every branch reports to
# AFL++'s coverage map); the harness itself and the runtime stay uninstrumented.
dotnet publish FastLstm.Fuzz.csproj -c Release -o "$plain" -nologo -v quiet
rm -rf "$out" && cp -r "$plain" "$out"
dotnet tool restore >/dev/null
dotnet tool run sharpfuzz "$out/FastLstm.dll"

seeds=corpus/model
[ "$target" = safetensors ] && seeds=corpus/safetensors
[ "$target" = selftest ] && seeds=corpus/selftest
rm -rf corpus && dotnet "$plain/FastLstm.Fuzz.dll" corpus corpus
mkdir -p "$work"

# AFL_SKIP_BIN_CHECK: the target is `dotnet`, not an afl-instrumented binary. DOTNET_GCHeapHardLimit turns any
# allocation beyond 256 MiB (the seeds need under 1 MiB) into an OutOfMemoryException, which AFL++ sees as a crash:
# "no huge allocation" is checked, not just "no crash". -t: an input taking over 5 s counts as a hang.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export DOTNET_GCHeapHardLimit=0x10000000 DOTNET_TieredPGO=0
# The selftest's condition lives in the uninstrumented harness, so AFL++ would trim its seed to one byte.
[ "$target" = selftest ] && export AFL_DISABLE_TRIM=1
echo "afl-fuzz: $target for $minutes min; log in $work/$target.log"
afl-fuzz -i "$seeds" -o "$work/$target" -t 5000 -m none -V $((minutes * 60)) -- dotnet "$out/FastLstm.Fuzz.dll" "$target" > "$work/$target.log" 2>&1 || tail -20 "$work/$target.log"

stats="$work/$target/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs|unique_crashes|unique_hangs) ' "$stats" || true
fi

shopt -s nullglob
findings=("$work/$target"/default/crashes/id* "$work/$target"/default/hangs/id*)
echo "findings: ${#findings[@]}"
for file in "${findings[@]}"; do
  echo "== $file"
  timeout 60 dotnet "$plain/FastLstm.Fuzz.dll" replay "$file" || echo "(replay timed out: a hang)"
done

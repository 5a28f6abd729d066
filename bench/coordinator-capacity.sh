#!/usr/bin/env bash
# The coordinator's capacity curve (issue 26): `sweep bench --coordinator` for shard sizes 10, 100, 1000 against
# 1, 4, 16 and 64 fake workers (in-process actors answering every lease at once), each point the median of three
# runs, reported per wall second and per CPU-second of the whole process (this machine is shared and its load
# scatters wall-clock rates; CPU-seconds hold). Prints a Markdown table for docs/cluster.md. About 3 minutes.
#   bench/coordinator-capacity.sh [SWEEP_DLL]
set -euo pipefail
cd "$(dirname "$0")/.."
dll=${1:-src/Sweep.Cli/bin/Release/net10.0/sweep.dll}
[ -f "$dll" ] || { echo "no $dll: dotnet build ActorSweep.sln -c Release" >&2; exit 1; }
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| shard size | fake workers | shards | samples/s (wall) | samples per CPU-s | shards per CPU-s | CPU µs per shard |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
# One table row from three JSON lines: the median of each figure.
row='
import json, sys, statistics as st
rs = [json.loads(l) for l in sys.stdin if l.strip()]
m = lambda k: st.median(r[k] for r in rs)
r = rs[0]
print("| %d | %d | %d | %s | %s | %s | %s |" % (r["shard_size"], r["fake_workers"], r["shards"],
      format(m("samples_per_s"), ",.0f"), format(m("samples_per_cpu_s"), ",.0f"), format(m("shards_per_cpu_s"), ",.0f"), format(m("cpu_us_per_shard"), ",.0f")))
'

for size in 10 100 1000; do
  case $size in 10) shards=3000 ;; 100) shards=2000 ;; 1000) shards=300 ;; esac
  for workers in 1 4 16 64; do
    runs=()
    for _ in 1 2 3; do
      runs+=("$(dotnet "$dll" bench --coordinator --shards $shards --shard-size $size --threads $workers 2>/dev/null | tail -n 1)")
    done
    printf '%s\n' "${runs[@]}" | python3 -c "$row"
  done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/bin/sh
# One sitting of docs/performance.md's peer table, back to back, one thread each: sweep bench at the CPU's own width
# and with AVX-512 disabled (the 256-bit AVX2 code path), the OpenBLAS numpy peer (bench/peers.py) and the
# libtorch peer (tools/torchpeer). Usage: bench/peers-sitting.sh [SECONDS] [N_SMALL] [N_MEDIUM]  (after a Release build).
# Every line is JSON; the peers report both wall-clock and CPU-time rates (the steadier figure on a loaded machine).
set -e
cd "$(dirname "$0")/.."
s=${1:-10}; ns=${2:-2000}; nm=${3:-200}
sweep=src/Sweep.Cli/bin/Release/net10.0/sweep
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
echo "{\"cpu\": \"$(lscpu | sed -n 's/^Model name: *//p')\", \"uptime\": \"$(uptime)\"}"
for c in small medium; do
  n=$ns; [ $c = medium ] && n=$nm
  $sweep bench --config $c --seconds "$s" --peak
  DOTNET_EnableAVX512=0 $sweep bench --config $c --seconds "$s" --peak
  /usr/bin/python3 -c "
import sys, time, json; sys.path.insert(0, 'bench'); import peers
cfg = peers.CONFIGS['$c']; c0 = time.process_time()
r = peers.numpy_batched(cfg, $n, 1e-7, 1e-6); cpu = time.process_time() - c0
libs = {l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower()}
print(json.dumps({'config': '$c', 'peer': 'numpy', 'blas': sorted(libs), **r, 'cpu_seconds': cpu, 'traj_per_cpu_s': $n / cpu}))"
  tools/torchpeer/run.sh $c $n
done
echo "{\"uptime\": \"$(uptime)\"}"

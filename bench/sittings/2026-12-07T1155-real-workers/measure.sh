#!/bin/bash
# measure.sh BUILD_DLL LABEL N PORT: a coordinator and two one-thread workers on loopback; prints coordinator CPU and wall
D=$1; L=$2; N=$3; P=$4
out=/work/rw/runs/$L-$N; rm -rf $out; mkdir -p /work/rw/runs
/usr/bin/time -o /work/rw/runs/$L-$N.time -f "%e %U %S" dotnet $D coordinator /work/rw/cheap.json --out $out --port $P --set samples=$N > /work/rw/runs/$L-$N.coord.log 2>&1 &
c=$!
sleep 1
for i in 1 2; do dotnet $D worker --seed 127.0.0.1:$P --workers 1 --credential $out/cluster-credential.pfx > /work/rw/runs/$L-$N.w$i.log 2>&1 & done
wait
read wall u s < /work/rw/runs/$L-$N.time
echo "$L n=$N wall=$wall coordinator_cpu=$(python3 -c "print(round($u+$s,2))") load=$(cut -d' ' -f1 /proc/loadavg) csv_md5=$(md5sum < $out/samples.csv | cut -c1-12)"

#!/bin/bash
cd /work/rw
p=4790
for r in 3 4; do for b in before after; do for n in 1000000 4000000; do p=$((p+1)); ./measure.sh /work/rw/$b/sweep.dll $b $n $p; done; done; done

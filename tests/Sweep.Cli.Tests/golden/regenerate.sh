#!/usr/bin/env bash
# Rewrites examples.sha256 from the current Release build: run only when a change to the outputs is intended, and say
# why in the commit. Usage: tests/Sweep.Cli.Tests/golden/regenerate.sh (from anywhere; builds nothing).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
sweep="$root/src/Sweep.Cli/bin/Release/net10.0/sweep.dll"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="$root/tests/Sweep.Cli.Tests/golden/examples.sha256"
: > "$tmp/table"
for f in "$root"/examples/*.json; do
  name="$(basename "$f" .json)"
  dotnet "$sweep" run "$f" --out "$tmp/$name" --workers 2 > "$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log"; exit 1; }
  # summary.json without its "provenance" key, as GoldenOutputTests.SummarySha256 hashes it: the same writer wrote the
  # file, so removing the key's lines (and a comma it leaves dangling) gives the bytes that re-serializing would.
  summary="$(python3 -c '
import sys, hashlib
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("  \"provenance\": "))
j = i
if lines[i].rstrip(",").endswith("{"):
    while not lines[j].startswith("  }"): j += 1
last = not lines[j].endswith(",")
del lines[i:j + 1]
if last: lines[i - 1] = lines[i - 1].rstrip(",")
print(hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest())' "$tmp/$name/summary.json")"
  echo "$name $(sha256sum "$tmp/$name/samples.csv" | cut -c1-64) $summary" >> "$tmp/table"
done
mv "$tmp/table" "$out"
cat "$out"

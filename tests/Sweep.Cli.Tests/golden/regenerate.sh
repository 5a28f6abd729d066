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
  # summary.json without its last key, "provenance" (as GoldenOutputTests.SummarySha256 compares it): the writer's
  # indented text with that member cut, byte for byte what re-serializing the rest gives.
  summary="$(python3 -c 'import sys; t = open(sys.argv[1], encoding="utf-8").read(); i = t.rindex(",\n  \"provenance\":"); sys.stdout.buffer.write((t[:i] + "\n}").encode())' "$tmp/$name/summary.json" | sha256sum | cut -c1-64)"
  echo "$name $(sha256sum "$tmp/$name/samples.csv" | cut -c1-64) $summary" >> "$tmp/table"
done
mv "$tmp/table" "$out"
cat "$out"

#!/usr/bin/env bash
# Rewrites examples.sha256 from the current Release build: run only when a change to the outputs is intended, and say
# why in the commit. Usage: tests/Sweep.Cli.Tests/golden/regenerate.sh (from anywhere; builds nothing).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
sweep="$root/src/Sweep.Cli/bin/Release/net10.0/sweep.dll"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="$root/tests/Sweep.Cli.Tests/golden/examples.sha256"
# summary.json is hashed without its trailing "provenance" key (the build and machine), exactly as GoldenOutputTests
# does: that key is the last one, so the rest is the file up to it, closed.
summary_sha() {
  python3 -c 'import sys, hashlib; t = open(sys.argv[1], encoding="utf-8").read(); i = t.rindex(",\n  \"provenance\""); print(hashlib.sha256((t[:i] + "\n}").encode()).hexdigest())' "$1"
}
: > "$tmp/table"
for f in "$root"/examples/*.json; do
  name="$(basename "$f" .json)"
  case "$name" in    # CPU-minutes to hours: results under docs/results/ (GoldenOutputTests.TooLongToRun, the same list)
    atlas|atlas-complete|atlas-laws|atlas-laws-small|atlas-width|atlas-spectrum) continue ;;
  esac
  dotnet "$sweep" run "$f" --out "$tmp/$name" --workers 2 > "$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log"; exit 1; }
  echo "$name $(sha256sum "$tmp/$name/samples.csv" | cut -c1-64) $(summary_sha "$tmp/$name/summary.json")" >> "$tmp/table"
done
mv "$tmp/table" "$out"
cat "$out"

#!/usr/bin/env python3
"""Checks of tools/laws against values known independently (seconds, standard library only).

- median ranks for n = 200 are 86 and 115 (docs/laws.md, *Statistics*), and for n = 10 they are 2 and 9
  (P(Bin(10, 1/2) <= 1) = 11/1024 <= 0.025 < P(<= 2) = 56/1024);
- the type-7 median of 1..4 is 2.5;
- Hill on the exact quantiles of a Pareto law with index 1.5 returns about 1.5;
- the weighted least-squares fit recovers an exact line (slope −2, χ² = 0) and widens nothing then;
- itineraries: first escape, stage entries e_k, learning order and swaps on hand-made itineraries.
Usage: tools/laws/selftest.py (exit 0 when every check passes).
"""
import math, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_laws import median_ranks, median7, hill, first_escape  # noqa: E402
from atlas_table import wls, parse_itinerary, learning_order, stage_entries  # noqa: E402

failures = []


def check(name, ok):
    print(("ok   " if ok else "FAIL ") + name)
    if not ok:
        failures.append(name)


check("median ranks n = 200 are (86, 115)", median_ranks(200) == (86, 115))
check("median ranks n = 10 are (2, 9)", median_ranks(10) == (2, 9))
check("type-7 median of 1..4 is 2.5", median7([4, 1, 3, 2]) == 2.5)
n, a = 20000, 1.5
pareto = [(1 - (i + 0.5) / n) ** (-1 / a) for i in range(n)]
check("Hill on exact Pareto(1.5) quantiles within 2%", abs(hill(pareto) - a) / a < 0.02)
xs = [math.log(s) for s in (0.001, 0.01, 0.1)]
fit = wls(xs, [3 - 2 * x for x in xs], [0.1, 0.2, 0.1])
check("WLS recovers slope -2 with chi-square 0", abs(fit["slope"] + 2) < 1e-12 and fit["chi_square"] < 1e-20)
check("WLS interval is ±1.96 se without widening", abs((fit["high"] - fit["low"]) / 2 / 1.96 - 1 / math.sqrt(
    sum((x - sum(w * y for w, y in zip([100, 25, 100], xs)) / 225) ** 2 * w for w, x in zip([100, 25, 100], xs)))) < 1e-12)
check("first escape of {}@0 {0}@5 is 5", first_escape("{}@0 {0}@5 {0,1}@9") == 5.0)
check("first escape of a start labelled {0} is 0", first_escape("{0}@0 {0,1}@3") == 0.0)
it = parse_itinerary("{}@0 {1}@2 {0,1}@4 {0,1,3}@8 {0,1,2}@9")
check("itinerary parsed into (modes, time)", it == [((), 0.0), ((1,), 2.0), ((0, 1), 4.0), ((0, 1, 3), 8.0), ((0, 1, 2), 9.0)])
check("learning order of a swapped itinerary is 1, 0, 3, 2", learning_order(it) == [1, 0, 3, 2])
check("stage entries e1, e2, e3 are 2, 4, 8", stage_entries(it) == {1: 2.0, 2: 4.0, 3: 8.0})
check("a sample still at {0} has e1 only", stage_entries(parse_itinerary("{}@0 {0}@7")) == {1: 7.0})
if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("all checks passed")

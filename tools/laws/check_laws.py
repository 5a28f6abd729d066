#!/usr/bin/env python3
"""Per-point step counts and time extremes of a run, and an independent check of its report/laws.json.

Reads RUN/samples.csv and, when present, RUN/report/laws.json (`sweep report RUN`). For every point it prints the
steps (median, largest), t_global (median, largest, largest/median) and how many samples had t_global above 10^3,
10^4, 10^5, 10^6 (the samples a horizon t_max at that value would have left unresolved, if the trajectory before
t_max is the same with and without the horizon). Then it recomputes from samples.csv alone, with the definitions of
docs/laws.md (*Statistics*), the median of t_global and of the first escape, their distribution-free 95% ranks, and
the Hill estimate of t_global's tail, and counts the mismatches against laws.json (relative 1e-9). Points with a
sample stopped by its budget are skipped by the check (laws.json treats censoring there). Standard library only.

Usage: tools/laws/check_laws.py RUN [OUT.txt]
"""
import csv, json, math, os, statistics, sys


def median7(xs):
    xs = sorted(xs)
    h = (len(xs) - 1) * 0.5
    lo = math.floor(h)
    return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])


def median_ranks(n):
    """l: the largest rank with P(Bin(n, 1/2) <= l - 1) <= 0.025; u = n + 1 - l (1-based)."""
    cdf, l = 0.0, 0
    for r in range(1, n + 1):
        cdf_prev = sum(math.comb(n, j) for j in range(r)) / 2 ** n  # P(Bin <= r - 1)
        if cdf_prev <= 0.025:
            l = r
        else:
            break
    return l, n + 1 - l


def hill(xs):
    xs = sorted(xs)
    n = len(xs)
    k = max(5, n // 10)
    thr = xs[n - k - 1]
    s = sum(math.log(xs[n - i] / thr) for i in range(1, k + 1))
    return k / s


def first_escape(itinerary):
    toks = itinerary.split()
    if not toks or not toks[0].startswith("{}@"):
        return 0.0
    for tok in toks[1:]:
        label, _, t = tok.rpartition("@")
        if label != "{}":
            return float(t)
    return None


def main():
    run = sys.argv[1]
    out = open(sys.argv[2], "w") if len(sys.argv) > 2 else sys.stdout
    rows = {}
    with open(os.path.join(run, "samples.csv"), newline="") as f:
        for r in csv.DictReader(f):
            rows.setdefault(int(r["point"]), []).append(r)
    laws_path = os.path.join(run, "report", "laws.json")
    laws = {p["point"]: p for p in json.load(open(laws_path))["points"]} if os.path.exists(laws_path) else {}
    summary = json.load(open(os.path.join(run, "summary.json")))
    params = {p["index"]: p["params"] for p in summary["points"]}
    out.write(f"# {summary['campaign']} (hash {summary['hash'][:16]}), from {os.path.abspath(run)}: tools/laws/check_laws.py\n")
    out.write("point params n budget | steps p50 max | t_global p50 max max/p50 | n(t_global > 1e3, 1e4, 1e5, 1e6)\n")
    checked = mismatches = 0
    for p in sorted(rows):
        rs = rows[p]
        steps = [int(r["steps"]) for r in rs]
        budget = sum(1 for r in rs if r["status"] == "budget")
        tg = [float(r["t_global"]) for r in rs if r["t_global"]]
        above = [sum(1 for r in rs if not r["t_global"] or float(r["t_global"]) > h) for h in (1e3, 1e4, 1e5, 1e6)]
        tgs = (f"{median7(tg):.4g} {max(tg):.4g} {max(tg) / median7(tg):.3g}" if tg and budget == 0 else
               f"(censored: {budget} budget stops, {len(tg)} certified)")
        out.write(f"{p} {json.dumps(params[p], separators=(',', ':'))} {len(rs)} {budget} | {median7(steps):g} "
                  f"{max(steps)} | {tgs} | {' '.join(map(str, above))}\n")
        lp = laws.get(p)
        if lp is None or budget > 0 or len(tg) != len(rs):
            continue
        l, u = median_ranks(len(tg))
        esc = [first_escape(r["itinerary"]) for r in rs] if all(r["itinerary"] for r in rs) else None
        pairs = [(median7(tg), lp["median_global"]["median"]), (sorted(tg)[l - 1], lp["median_global"]["low"]),
                 (sorted(tg)[u - 1], lp["median_global"]["high"]), (hill(tg), lp["hill_global"]["alpha"])]
        if esc is not None and None not in esc and lp.get("median_escape"):
            pairs += [(median7(esc), lp["median_escape"]["median"]), (sorted(esc)[l - 1], lp["median_escape"]["low"]),
                      (sorted(esc)[u - 1], lp["median_escape"]["high"])]
        for mine, theirs in pairs:
            checked += 1
            if theirs is None or abs(mine - theirs) > 1e-9 * max(1.0, abs(theirs)):
                mismatches += 1
                out.write(f"  mismatch at point {p}: {mine} against laws.json {theirs}\n")
    out.write(f"# check against laws.json: {checked} numbers compared, {mismatches} mismatches\n")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Certificate time against hitting time, per point, from one campaign run with `stop.until = hit`.

t_global is the first time the loss is below the second-lowest critical value minus delta (the certificate); t_hit the
first time L - L_min <= eps_hit (the last mode essentially learned). Outcomes and t_global do not depend on `until`, so
one run under `hit` gives both per sample. Writes the per-sample pairs (point, sample, t_global, t_hit) as CSV and a
per-point table of the medians, of the ratio t_hit / t_global and of the time after the certificate t_hit - t_global
(p10 / p50 / p90 over the point's samples).

Usage: tools/laws/hit_vs_certified.py RUN/samples.csv RUN/summary.json OUT_PAIRS.csv OUT_TABLE.txt
Python 3 standard library only.
"""
import csv
import json
import sys


def quantile(xs, q):
    """Hyndman-Fan type 7 (numpy's default), as the project's summaries use."""
    xs = sorted(xs)
    h = q * (len(xs) - 1)
    lo = int(h)
    return xs[lo] if lo + 1 >= len(xs) else xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


def main(samples_csv, summary_json, out_pairs, out_table):
    summary = json.load(open(summary_json))
    by_point = {}
    with open(samples_csv, newline="") as f:
        for r in csv.DictReader(f):
            by_point.setdefault(int(r["point"]), []).append(r)
    with open(out_pairs, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["point", "sample", "outcome", "t_global", "t_hit"])
        for p in sorted(by_point):
            for r in by_point[p]:
                w.writerow([p, r["sample"], r["outcome"], r["t_global"], r["t_hit"]])
    lines = [f"# {summary['campaign']['name'] if isinstance(summary.get('campaign'), dict) else summary.get('campaign')} "
             f"(hash {summary.get('hash')}): t_global (certificate) against t_hit (L - L_min <= eps_hit), per point",
             "# H scale n both | median t_global | median t_hit | t_hit/t_global p10 p50 p90 | t_hit - t_global p10 p50 p90"]
    for p in sorted(by_point):
        params = summary["points"][p]["params"]
        H = len(params["network.hidden"])
        rs = by_point[p]
        both = [r for r in rs if r["t_global"] and r["t_hit"] and float(r["t_global"]) > 0]
        if not both:
            lines.append(f"{H} {params['init.scale']:g} {len(rs)} 0 | no sample with both times")
            continue
        if len(both) < len(rs):
            # Conditional on hitting: the medians below are over the samples that have both times only.
            print(f"warning: point {p}: {len(rs) - len(both)} of {len(rs)} samples lack t_global or t_hit", file=sys.stderr)
        g = [float(r["t_global"]) for r in both]
        h = [float(r["t_hit"]) for r in both]
        ratio = [b / a for a, b in zip(g, h)]
        after = [b - a for a, b in zip(g, h)]
        lines.append(f"{H} {params['init.scale']:g} {len(rs)} {len(both)} | {quantile(g, 0.5):.4g} | {quantile(h, 0.5):.4g} | "
                     + " ".join(f"{quantile(ratio, q):.3g}" for q in (0.1, 0.5, 0.9)) + " | "
                     + " ".join(f"{quantile(after, q):.3g}" for q in (0.1, 0.5, 0.9)))
    open(out_table, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])

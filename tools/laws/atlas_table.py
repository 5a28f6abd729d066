#!/usr/bin/env python3
"""The per-point table of an atlas run (docs/laws-width-spectrum.md) from its own outputs.

Reads RUN/summary.json (outcomes, saddle bracket, t_global p90, itineraries), RUN/samples.csv (stage times and the
learning order, read from each sample's itinerary), RUN/report/laws.json (`sweep report RUN`: medians with their
distribution-free 95% intervals, Hill estimates, power-law fits) and, if given, the CPU per point written by
tools/laws/cpu_per_point.py. Writes one JSON with everything the page quotes and prints the page's tables.
Standard library only.

Usage: tools/laws/atlas_table.py RUN OUT.json [--cpu cpu-per-point.txt]

Definitions (per sample, from its itinerary `{}@0 {0}@t1 {0,1}@t2 …`, each time the first accepted state carrying
the label, an upper bound on the crossing within one step):
- first escape: the time the itinerary first leaves `{}` (0 when the start is not labelled `{}`);
- e_k: the first time the label holds at least k modes (k = 1, 2, 3), the entry into the k-th plateau whatever its modes;
- learning order: the modes in the order they first appear in a label; `in order` when that is 0, 1, 2, …;
- swap: a mode j appears before a mode i < j (the smaller singular value's mode is learned, at least for a while,
  before the larger one's).
Medians of e_k and of ratios are type-7 sample medians over the samples that reached the stage (censored ones, stopped
by their step budget, are counted and left out of those medians: the page says so wherever it happens).
"""
import argparse, csv, json, math, os, statistics, sys


def quantile7(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    h = (len(xs) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def parse_itinerary(text):
    out = []
    for tok in text.split():
        if tok == "...":
            continue
        label, _, t = tok.rpartition("@")
        modes = tuple(int(m) for m in label.strip("{}").split(",") if m != "")
        out.append((modes, float(t)))
    return out


def learning_order(it):
    """The modes in the order they first appear in the labels of a parsed itinerary."""
    order = []
    for modes, _ in it:
        order += [m for m in modes if m not in order]
    return order


def stage_entries(it):
    """e_k: the first time the label holds at least k modes, for k = 1, 2, 3 (absent when never reached)."""
    ek = {}
    for k in (1, 2, 3):
        t = next((t for modes, t in it if len(modes) >= k), None)
        if t is not None:
            ek[k] = t
    return ek


def read_cpu(path):
    cpu = {}
    if not path:
        return cpu
    for line in open(path):
        if line.startswith("#") or line.startswith("point"):
            continue
        f = line.split()
        cpu[int(f[0])] = {"shards_timed": int(f[1]), "samples_timed": int(f[2]), "cpu_s_per_sample": float(f[3]),
                          "wall_s_per_sample": float(f[4])}
    return cpu


def wls(xs, ys, ses):
    """Weighted least squares of y on x; slope interval ±1.96·se·max(1, √(χ²/(m−2))) as the report's PowerLawFit."""
    w = [1 / s ** 2 for s in ses]
    sw = sum(w)
    mx = sum(wi * x for wi, x in zip(w, xs)) / sw
    my = sum(wi * y for wi, y in zip(w, ys)) / sw
    sxx = sum(wi * (x - mx) ** 2 for wi, x in zip(w, xs))
    slope = sum(wi * (x - mx) * (y - my) for wi, x, y in zip(w, xs, ys)) / sxx
    icpt = my - slope * mx
    chi2 = sum(wi * (y - icpt - slope * x) ** 2 for wi, x, y in zip(w, xs, ys))
    se = math.sqrt(1 / sxx)
    m = len(xs)
    widen = max(1.0, math.sqrt(chi2 / (m - 2))) if m > 2 else 1.0
    return {"m": m, "slope": slope, "low": slope - 1.96 * se * widen, "high": slope + 1.96 * se * widen,
            "chi_square": chi2, "dof": m - 2}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run")
    ap.add_argument("out")
    ap.add_argument("--cpu")
    a = ap.parse_args()
    s = json.load(open(os.path.join(a.run, "summary.json")))
    laws = json.load(open(os.path.join(a.run, "report", "laws.json")))
    cpu = read_cpu(a.cpu)
    samples = {}
    with open(os.path.join(a.run, "samples.csv"), newline="") as f:
        for r in csv.DictReader(f):
            samples.setdefault(int(r["point"]), []).append(r)
    lawpt = {p["point"]: p for p in laws["points"]}

    points = []
    for p in s["points"]:
        i = p["index"]
        rows = samples[i]
        budget = sum(1 for r in rows if r["status"] == "budget")
        e = {1: [], 2: [], 3: []}
        ratios = {"e2/e1": [], "e3/e2": [], "t_global/e3": []}
        in_order = swaps = visits_smallest = 0
        seqs = set()
        d = len(p["singular_values"])
        for r in rows:
            it = parse_itinerary(r["itinerary"])
            seqs.add(">".join("{" + ",".join(map(str, m)) + "}" for m, _ in it))
            order = learning_order(it)
            # the learning order of the modes that were learned (the last mode is never learned: certified before)
            if order == sorted(order):
                in_order += 1
            else:
                swaps += 1
            if (d - 1) in order:
                visits_smallest += 1
            ek = stage_entries(it)
            for k, t in ek.items():
                e[k].append(t)
            tg = float(r["t_global"]) if r["t_global"] else None
            if 1 in ek and 2 in ek and ek[1] > 0:
                ratios["e2/e1"].append(ek[2] / ek[1])
            if 2 in ek and 3 in ek:
                ratios["e3/e2"].append(ek[3] / ek[2])
            if 3 in ek and tg is not None:
                ratios["t_global/e3"].append(tg / ek[3])
        lp = lawpt.get(i, {})
        top = p["itineraries"]["sequences"][:3]
        points.append({
            "point": i,
            "params": p["params"],
            "singular_values": p["singular_values"],
            "samples": p["samples"],
            "outcomes": {k: v["count"] for k, v in p["outcomes"].items()},
            "certified_global_ci95": p["outcomes"]["global"]["ci95"],
            "budget": budget,
            "saddle_mass": p["saddle_mass"],
            "t_global": p["t_global"],
            "median_escape": lp.get("median_escape"),
            "median_global": lp.get("median_global"),
            "hill_global": lp.get("hill_global"),
            "stages": {f"e{k}": {"n": len(v), "p50": quantile7(v, 0.5)} for k, v in e.items()},
            "stage_ratios_p50": {k: {"n": len(v), "p50": quantile7(v, 0.5)} for k, v in ratios.items()},
            "order": {"in_order": in_order, "swapped": swaps, "smallest_mode_visited": visits_smallest,
                      "distinct_sequences": len(seqs),
                      "top_sequences": [{"sequence": q["sequence"], "count": q["count"]} for q in top]},
            "dwell": p["itineraries"]["dwell"],
            "cpu": cpu.get(i),
        })

    # Local exponents between neighbouring scales and WLS fits over every scale, per group (the non-scale params).
    groups = {}
    for q in points:
        key = json.dumps({k: v for k, v in q["params"].items() if k != "init.scale"}, sort_keys=True)
        groups.setdefault(key, []).append(q)
    fits = []
    for key, qs in groups.items():
        qs.sort(key=lambda q: q["params"]["init.scale"])
        g = {"group": json.loads(key), "scales": [q["params"]["init.scale"] for q in qs]}
        for name in ("median_escape", "median_global"):
            usable = [q for q in qs if q[name] and q[name].get("median") and q[name].get("low") and q[name].get("high")
                      and q[name]["low"] > 0]
            local = []
            for q0, q1 in zip(usable, usable[1:]):
                x0, x1 = q0["params"]["init.scale"], q1["params"]["init.scale"]
                local.append({"from": x0, "to": x1, "exponent": -math.log(q1[name]["median"] / q0[name]["median"]) / math.log(x1 / x0)})
            g[name] = {"local": local}
            if len(usable) >= 3:
                xs = [math.log(q["params"]["init.scale"]) for q in usable]
                ys = [math.log(q[name]["median"]) for q in usable]
                ses = [(math.log(q[name]["high"]) - math.log(q[name]["low"])) / (2 * 1.96) for q in usable]
                g[name]["wls"] = wls(xs, ys, ses) | {"scales": [q["params"]["init.scale"] for q in usable]}
        fits.append(g)

    json.dump({"run": os.path.abspath(a.run), "campaign": s["campaign"], "hash": s["hash"],
               "provenance": s.get("provenance"), "points": points, "groups": fits},
              open(a.out, "w"), indent=1)

    def f(x, nd=3):
        if x is None:
            return "–"
        if x == 0:
            return "0"
        return f"{x:.{nd}g}" if 1e-3 <= abs(x) < 1e5 else f"{x:.{nd - 1}e}"

    def med(m):
        if not m or m.get("median") is None:
            return "censored"
        lo = f(m.get("low")) if m.get("low") is not None else "?"
        hi = f(m.get("high")) if m.get("high") is not None else "censored"
        return f"{f(m['median'])} [{lo}, {hi}]"

    print("| point | params | n | certified global [95% CI] | unresolved (budget) | saddle bracket (upper95) | "
          "first escape p50 [95%] | t_global p50 [95%] | t_global p90 | in order / swapped | CPU s/sample |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for q in points:
        o = q["outcomes"]
        ci = q["certified_global_ci95"]
        sm = q["saddle_mass"]
        prm = ", ".join(f"{k.split('.')[-1]} {v}" for k, v in q["params"].items())
        c = q["cpu"]["cpu_s_per_sample"] if q["cpu"] else None
        print(f"| {q['point']} | {prm} | {q['samples']} | {o['global']} [{f(ci[0])}, {f(ci[1])}] | {o['unresolved']} "
              f"({q['budget']}) | [{f(sm['lower'])}, {f(sm['upper'])}] ({f(sm['upper95'])}) | {med(q['median_escape'])} | "
              f"{med(q['median_global'])} | {f(q['t_global']['p90']) if q['t_global']['p90'] is not None else 'censored'} | "
              f"{q['order']['in_order']} / {q['order']['swapped']} | {f(c)} |")
    print()
    for q in points:
        st, r = q["stages"], q["stage_ratios_p50"]
        print(f"point {q['point']}: e1 {f(st['e1']['p50'])} (n {st['e1']['n']}), e2 {f(st['e2']['p50'])} (n {st['e2']['n']}), "
              f"e3 {f(st['e3']['p50'])} (n {st['e3']['n']}); ratios e2/e1 {f(r['e2/e1']['p50'])}, e3/e2 {f(r['e3/e2']['p50'])}, "
              f"t_global/e3 {f(r['t_global/e3']['p50'])} (n {r['t_global/e3']['n']}); distinct sequences "
              f"{q['order']['distinct_sequences']}; smallest mode visited {q['order']['smallest_mode_visited']}; "
              f"top {[(t['sequence'], t['count']) for t in q['order']['top_sequences']]}")
    print()
    for g in fits:
        for name in ("median_escape", "median_global"):
            w = g[name].get("wls")
            loc = ", ".join(f"{l['from']}–{l['to']}: {l['exponent']:.2f}" for l in g[name]["local"])
            fit = (f"WLS over {w['scales']}: {w['slope']:.2f} [{w['low']:.2f}, {w['high']:.2f}], χ² {w['chi_square']:.1f} "
                   f"({w['dof']} dof)") if w else "no fit (fewer than 3 uncensored medians)"
            print(f"{g['group']} {name}: {fit}; local exponents {loc}")


if __name__ == "__main__":
    sys.exit(main())

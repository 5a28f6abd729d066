#!/usr/bin/env python3
"""Writes a results page (docs/results.md by default) from an atlas campaign's summary.json and its report's figures.

Usage (from the repository root, after `sweep run CAMPAIGN --out RUN` and `sweep report RUN`):
  tools/results/generate.py --summary RUN/summary.json --report RUN/report
  tools/results/generate.py --campaign examples/atlas-complete.json --out docs/results-complete.md \\
      --summary RUN/summary.json --report RUN/report
The campaign file (--campaign, default examples/atlas.json) supplies the problem, the dynamics (t_max or none,
integrator, max_steps), the analysis and the storage; --name (default: the campaign's name) names the outputs. Beside
the page (--out), in its folder's results/: NAME-summary.json (a copy of --summary), NAME-run.json (optional run
notes: command, wall time, cost; --run-info overrides), and the report's figures and laws.json under results/NAME/ (results/ itself
for `atlas`, whose figures predate this layout). Nothing is written outside the page's folder, so
`--out /tmp/x/page.md` previews a run without touching docs/. The page is written from the copies only, so every
number in it is traceable to the committed summary.json; rerunning with --summary pointing at the committed copy
regenerates the page from what is committed. Sections about a time horizon (the horizon paragraph and its cut table,
'out of reach at this horizon', the Hessian at the stop) appear only for a campaign with `dynamics.t_max` (and
`analysis.hessian`). A report that wrote laws.json (docs/laws.md) adds a section of the laws of the certified time: per
point the median and the Hill tail exponent (top 10%, and top 1% where n >= 1e5) with their intervals, per depth the
slope of the median against init.scale. Python 3 standard library only.
"""
import argparse, json, os, shutil, sys


def fmt(x, digits=3):
    if x is None:
        return "censored"
    if isinstance(x, int):
        return str(x)
    if x == 0:
        return "0"
    if abs(x) >= 1e-3 and abs(x) < 1e5:
        return f"{x:.{digits}g}"
    return f"{x:.{digits - 1}e}"


def frac(x):
    """A fraction near 1 keeps its distance to 1 (0.999977 is not "1")."""
    if x is not None and 0.999 <= x < 1:
        return f"1 − {1 - x:.2e}"
    return fmt(x)


def num(x):
    """A campaign's number as written there (1000, 0.5, 1e-05 → 1e-05)."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def reasons(horizon, info):
    """The per-point stop reasons; 'out of reach' is about the horizon only when there is one."""
    return {
        "target_met": "target met: anytime upper95 ≤ target",
        "out_of_reach": "out of reach at this horizon: anytime lower95 of the upper share (saddles + unresolved) > target"
        if horizon is not None else
        "out of reach: anytime lower95 of the unresolved share (step-budget stops) > target",
        "budget": "budget spent (max_samples) without a decision",
        None: "not decided when the run was stopped" + (" (see Run)" if info else ""),
    }


def read_horizon_check(path):
    """(H, init.scale) -> (n, [count with t_global > 1e3, 1e4, 1e5, 1e6]) from tools/laws/check_laws.py's output."""
    if not os.path.exists(path):
        return {}
    out = {}
    for line in open(path):
        if line.startswith("#") or line.startswith("point") or "|" not in line:
            continue
        head, *_, above = line.split("|")
        f = head.split()
        prm = json.loads(f[1])
        out[(len(prm["network.hidden"]), prm["init.scale"])] = (int(f[2]), [int(x) for x in above.split()])
    return out


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def read_json(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{what} {path}: {e}")


def key(p):
    return len(p["params"].get("network.hidden", [])), p["params"].get("init.scale")


def describe_problem(c, path):
    """The problem and dynamics sentence, read from the campaign file."""
    prob = c.get("problem", {})
    widths = {w for h in c.get("sweep", {}).get("network.hidden", [c.get("network", {}).get("hidden", [])]) for w in h}
    s = ", ".join(num(x) for x in prob.get("singular_values", []))
    width = f"hidden width {', '.join(str(w) for w in sorted(widths))}"
    d = c.get("dynamics", {})
    method = {"flow": "gradient flow"}.get(d.get("method", "flow"), f"`{d.get('method')}`")
    if "t_max" in d:
        dyn = f"{method} to t_max = {num(d['t_max'])}"
    else:
        dyn = f"{method} without a time horizon"
    if "integrator" in d:
        dyn += f", integrator `{d['integrator']}`"
    if "max_steps" in d:
        dyn += f", at most `max_steps` = {d['max_steps']} accepted steps per trajectory"
    until = c.get("stop", {}).get("until", "?")
    return (f"Problem ({path}): {prob.get('kind', '?')} s = ({s}), d_x = {prob.get('input_dim', '?')}, {width}, depth "
            f"H = number of hidden layers; {dyn}, `until = {until}`.")


def copy_figures(report, figdir):
    """The figures (and laws.json) are the report's of this summary only: drop those of an earlier run first."""
    os.makedirs(figdir, exist_ok=True)
    for name in os.listdir(figdir):
        if name.endswith((".png", ".svg")) or name == "laws.json":
            os.remove(os.path.join(figdir, name))
    for name in sorted(os.listdir(report)):
        if name.endswith((".png", ".svg")) or name == "laws.json":
            shutil.copyfile(os.path.join(report, name), os.path.join(figdir, name))


def interval(e, digits=3):
    """An estimate with its 95% interval, or a dash."""
    if not e:
        return "–"
    v = e.get("alpha", e.get("median"))
    return f"{fmt(v, digits)} [{fmt(e['low'], digits)}, {fmt(e['high'], digits)}]"


def write_laws(w, laws, lawsfile, pts):
    """The laws of the certified time per point and across scales, from the report's laws.json (committed beside)."""
    w("## Laws of the certified time (from `sweep report`'s laws.json)\n")
    w(f"Read from [`{lawsfile}`]({lawsfile}) (docs/laws.md defines each: the median with its distribution-free 95% "
      "interval, the Hill estimate of the tail exponent α of P(t_global > t) with its 95% interval from the top 10% of "
      "the samples, and, where n ≥ 10⁵, from the top 1%; with aggregate storage all three are read from the binned "
      "times within the bounds docs/laws.md states). Where the top-10% and top-1% estimates differ by more than their "
      "intervals, the tail is not Pareto over the top 10%, and neither number is an asymptotic exponent.\n")
    w("| H | init.scale | n | median t_global [95%] | α̂, top 10% [95%] | α̂, top 1% [95%] |")
    w("|---|---|---|---|---|---|")
    for lp in laws.get("points", []):
        H, sc = key(pts[lp["point"]])
        w(f"| {H} | {num(sc)} | {lp.get('samples')} | {interval(lp.get('median_global'), 4)} | "
          f"{interval(lp.get('hill_global'))} | {interval(lp.get('hill_global_deep'))} |")
    fits = [g for g in laws.get("groups", []) if (g.get("global") or {}).get("slope") is not None]
    if fits:
        w("\nThe median t_global against init.scale, per depth: a weighted least-squares slope of ln(median) on ln(scale) over "
          "the scales named, with its 95% interval (widened by the Birge ratio when the medians scatter more than their "
          "intervals allow; χ² with its degrees of freedom says how much):\n")
        w("| group | scales | slope [95%] | χ² (dof) |")
        w("|---|---|---|---|")
        for g in fits:
            f = g["global"]
            w(f"| {g['group']} | {', '.join(num(x) for x in g.get('fit_scales', []))} | {fmt(f['slope'])} "
              f"[{fmt(f['slope_low'])}, {fmt(f['slope_high'])}] | {fmt(f['chi_square'])} ({f['dof']}) |")
    w("")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--summary", required=True, help="summary.json of the run (or the committed copy)")
    ap.add_argument("--campaign", default="examples/atlas.json", help="the campaign file the run ran")
    ap.add_argument("--name", help="names the outputs (NAME-summary.json, NAME-run.json, NAME/); default: the campaign's name")
    ap.add_argument("--report", help="the run's report/ folder (figures are copied from it)")
    ap.add_argument("--run-info", help="JSON with command, wall time, notes (default: results/NAME-run.json beside --out)")
    ap.add_argument("--out", default="docs/results.md", help="the page; its folder's results/ receives the copies")
    a = ap.parse_args()

    c = read_json(a.campaign, "--campaign")
    name = a.name or c.get("name", "atlas")
    if not name or "/" in name or name.startswith("."):
        fail(f"--name {name!r}: a plain file name is needed (it names results/NAME-summary.json and results/NAME/)")
    if read_json(a.summary, "--summary").get("campaign") != c.get("name"):
        fail(f"--summary {a.summary} is campaign {read_json(a.summary, '--summary').get('campaign')!r}, but --campaign "
             f"{a.campaign} is {c.get('name')!r}: pass the campaign file the run ran")
    res = os.path.join(os.path.dirname(a.out) or ".", "results")
    figsub = "" if name == "atlas" else name
    figdir = os.path.join(res, figsub)
    os.makedirs(res, exist_ok=True)
    committed = os.path.join(res, f"{name}-summary.json")
    if os.path.abspath(a.summary) != os.path.abspath(committed):
        shutil.copyfile(a.summary, committed)
    if a.report:
        copy_figures(a.report, figdir)
    figures = sorted(n[:-4] for n in os.listdir(figdir) if n.endswith(".png")) if os.path.isdir(figdir) else []
    s = json.load(open(committed))
    run_info = a.run_info or os.path.join(res, f"{name}-run.json")
    info = json.load(open(run_info)) if os.path.exists(run_info) else {}

    horizon = c.get("dynamics", {}).get("t_max")
    max_steps = c.get("dynamics", {}).get("max_steps")
    hessian_on = "hessian" in c.get("analysis", {})
    prov = s.get("provenance", {})
    tgt = s.get("target", {})
    pts = s["points"]
    why = reasons(horizon, info)
    decided = sum(1 for p in pts if (p.get("target") or {}).get("stopped"))
    aggregate = s.get("storage", c.get("storage")) == "aggregate"
    approximate = any((p.get("t_global") or {}).get("approximate") for p in pts)
    out = []
    w = out.append
    w("# The atlas: saddle-basin bounds against depth and initial scale"
      + ("" if horizon is not None else ", without a time horizon") + "\n")
    w(f"Generated by `tools/results/generate.py` from [`results/{name}-summary.json`](results/{name}-summary.json) "
      f"(campaign `{s['campaign']}`, hash `{s['hash'][:16]}`; `{a.campaign}`). Every number in the tables and "
      f"lists below is read from that file, except where a paragraph names another committed file. **{'Complete' if s.get('complete') else 'Partial'}**: {s['samples_done']} samples in the results "
      f"(at most {s['samples_total']})" + ("" if s.get("complete") else f"; {decided} of {len(pts)} points decided")
      + ".\n")
    w(describe_problem(c, a.campaign) + f" Target per point: **{tgt.get('rule', '?')}**, first batch "
      f"{tgt.get('first_batch')}, at most {tgt.get('max_samples')} samples; bounds named *anytime* are from the "
      f"{tgt.get('method', '?')} (valid at a data-dependent stop), the others exact Clopper–Pearson at the final n. "
      "That n was chosen by the sequential rule from the data, so those fixed-n intervals do not keep their 95% "
      "coverage at it: read them as descriptive; only the anytime bounds carry the guarantee.\n")
    if aggregate:
        w("Storage: `\"storage\": \"aggregate\"` (summary.json says so: `storage`, `samples_csv`): no samples.csv, "
          "each shard kept as its statistics only; counts, fractions, intervals, saddle-mass bounds and target states "
          "are exact, the t_global quantiles " + ("are binned approximations (`\"approximate\": true`: read from "
          "log-binned histograms, within a relative 1e-3 of the exact quantiles)." if approximate else "are exact.") + "\n")
    if info:
        w("Run: " + "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in info.items()) + ".\n")
    w(f"Machine: {prov.get('cpu', '?')}, {prov.get('logical_cpus', '?')} logical CPUs, SIMD "
      f"{prov.get('simd_width', '?')} bits; {prov.get('os', '?')}; {prov.get('runtime', '?')}; sweep "
      f"{prov.get('version', '?')}.\n")

    if horizon is not None:
        w("See also: [docs/laws.md](laws.md) (the same 25 points without a time horizon: every sample certified, escape "
          "laws) and [docs/width-spectrum.md](width-spectrum.md) (H = 3 over widths 4, 8, 16 and over near-degenerate "
          "spectra).\n")
        write_horizon(w, num(horizon), pts, read_horizon_check(os.path.join(res, "laws", "atlas-laws-check.txt")))
    else:
        also = [] if os.path.basename(a.out) == "results.md" else ["[docs/results.md](results.md) (the atlas at t_max = 1000)"]
        also += ["[docs/laws.md](laws.md) (escape laws from 200 samples per point with per-sample rows)",
                 "[docs/width-spectrum.md](width-spectrum.md)"]
        w("See also: " + ", ".join(also[:-1]) + " and " + also[-1] + ".\n")
        if c.get("stop", {}).get("until") == "certified":
            w("Without a horizon a sample stops when it is certified (`until = certified`) or when its step budget runs "
              f"out (`max_steps` = {max_steps if max_steps is not None else 'the default'}); only a step-budget stop "
              "leaves a sample unresolved, so the unresolved share below counts step-budget stops, and 'out of reach' "
              "would mean that these alone exceed the target.\n")

    w("## Per point\n")
    tcol = "t_global p10 / p50 / p90" + (" (≈, binned)" if approximate else "")
    w("| H | init.scale | samples | certified global [95% CI] | saddle mass lower (lower95) | upper (upper95) | "
      f"anytime upper95 | {tcol} | stopped |")
    w("|---|---|---|---|---|---|---|---|---|")
    for p in pts:
        H, sc = key(p)
        g = p["outcomes"]["global"]
        m = p.get("saddle_mass") or {}
        t = p.get("target") or {}
        tg = p["t_global"]
        stop = why.get(t.get("stopped"), t.get("stopped"))
        if t.get("stopped") is None and t.get("samples_to_go"):
            stop += f"; projected {t['samples_to_go']} more samples if the share stays at k/n"
        w(f"| {H} | {sc} | {p['samples']} | {frac(g['fraction'])} [{frac(g['ci95'][0])}, {frac(g['ci95'][1])}] | "
          f"{fmt(m.get('lower'))} ({fmt(m.get('lower95'))}) | {fmt(m.get('upper'))} ({fmt(m.get('upper95'))}) | "
          f"{fmt(t.get('upper95_anytime'))} | {fmt(tg['p10'])} / {fmt(tg['p50'])} / {fmt(tg['p90'])} | {stop} |")
    w("")
    if horizon is not None:
        w("t_global quantiles are over all non-diverged samples, the uncertified ones censored at the horizon ('censored': "
          "beyond the certified share).\n")
    else:
        w("samples: n at the stop (or so far, for an undecided point). t_global quantiles are over all non-diverged "
          "samples, the uncertified ones (step-budget stops) censored at their own stop ('censored': beyond the "
          "certified share)" + ("; ≈: binned approximations, see Storage." if approximate else ".") + "\n")
    analysed = [p for p in pts if p.get("hessian")]
    if analysed and horizon is not None and hessian_on:
        write_hessian(w, analysed)

    scales = sorted({key(p)[1] for p in pts}, key=lambda x: (x is None, x or 0))
    depths = sorted({key(p)[0] for p in pts})
    cell = {key(p): p for p in pts}
    if horizon is not None:
        w("## Unresolved share at the horizon (upper bound of the saddle mass), depth × scale\n")
    else:
        w("## Anytime upper bound of the saddle-basin mass, depth × scale\n")
    w("| H \\ scale | " + " | ".join(str(x) for x in scales) + " |")
    w("|---" * (len(scales) + 1) + "|")
    mark = {"target_met": " ✓", "out_of_reach": " ✗", "budget": " $", None: " …"}
    for H in depths:
        row = []
        for sc in scales:
            p = cell.get((H, sc))
            if p is None or not p.get("saddle_mass"):
                row.append("–")
                continue
            t = p.get("target") or {}
            v = p["saddle_mass"]["upper"] if horizon is not None else t.get("upper95_anytime")
            row.append(fmt(v) + mark.get(t.get("stopped"), ""))
        w(f"| {H} | " + " | ".join(row) + " |")
    saddles = sum(p["outcomes"]["saddle"]["count"] for p in pts)
    unresolved = sum(p["outcomes"]["unresolved"]["count"] for p in pts)
    if horizon is not None:
        w(f"\n✓ target met ({tgt.get('rule', '?')} with 95% confidence, anytime-valid), ✗ out of reach at this horizon, "
          f"$ budget spent, … undecided. Certified saddles over all points: {saddles}"
          + (" (no evidence either way: a saddle is certified only on a suppressed-mode manifold, exact zeros, which "
             "Gaussian starts hit with probability 0; the informative bound is the upper one). Every unresolved sample is "
             "one the flow had not certified by t_max; these samples were not rerun. Other starts of the same 25 points "
             "without a horizon (`examples/atlas-laws.json`, seed 2027, 200 per point) were all certified global "
             "(5 000 of 5 000, docs/laws.md), which bounds the saddle-basin mass by 0.015 per point. The table itself shows "
             "the share a horizon of " f"{num(horizon)} leaves uncertified growing with depth and shrinking with scale; that "
             "these samples sat on plateaus the flow would leave, rather than in a saddle's basin, is an inference from those "
             "other starts.\n"
             if saddles == 0 else ".\n"))
    else:
        w(f"\nEach cell is the anytime upper95 of the saddle-basin mass (certified saddles + unresolved, of the "
          f"non-diverged samples) at the point's n. ✓ target met ({tgt.get('rule', '?')} with 95% confidence, "
          f"anytime-valid), ✗ out of reach, $ budget spent (max_samples), … not decided yet. Over all points: "
          f"{saddles} certified saddles, {unresolved} unresolved (step-budget stops) in {s['samples_done']} samples.\n")

    groups = {}
    for p in pts:
        groups.setdefault((p.get("target") or {}).get("stopped"), []).append(p)
    if groups:
        write_reading(w, groups, pts, s, horizon)

    lawsfile = os.path.join(figdir, "laws.json")
    if os.path.exists(lawsfile):
        write_laws(w, json.load(open(lawsfile)), "/".join(x for x in ("results", figsub, "laws.json") if x), pts)

    if figures:
        w("## Figures (from `sweep report`)\n")
        for f in figures:
            stem = "/".join(x for x in ("results", figsub, f) if x)
            w(f"![{f}]({stem}.png) ([SVG]({stem}.svg))\n")
    open(a.out, "w").write("\n".join(out) + "\n")
    print(f"wrote {a.out} ({len(pts)} points, {len(figures)} figures)")


def write_horizon(w, tmax, pts, check):
    """Why this horizon, and what it cuts (only for a campaign with t_max)."""
    w(f"Horizon: t_max = {tmax} was chosen on 2026-12-02 from a probe whose outputs were not committed, so its numbers are "
      f"not repeated here. 'Out of reach' below is a statement about t_max = {tmax} only: the rule rules a point out once "
      "the anytime lower bound of its upper share (certified saddles + unresolved) exceeds the target (after its first batch). An earlier rationale "
      "given here, that a 10× longer horizon would cost 10× per unresolved sample without resolving them, was wrong: "
      "without a horizon the integrator `auto` certifies every sample of the same 25 points (5 000 of 5 000, 200 per "
      "point, `examples/atlas-laws.json`: docs/laws.md).\n")
    if not check:
        return
    w("What the horizon cuts, point by point: how many samples of the no-horizon campaign have a certified time "
      "t_global above 10^3, 10^4, 10^5, 10^6 (a horizon there would have left them unresolved; "
      "`examples/atlas-laws.json`, 200 samples per point, seed 2027, its rerun by the build of e7de6e4 on "
      "2026-12-07, counted by `tools/laws/check_laws.py` from that run's samples.csv: "
      "[`results/laws/atlas-laws-check.txt`](results/laws/atlas-laws-check.txt)), beside the unresolved share at "
      f"t_max = {tmax} in this atlas (other samples: seed and sample counts differ, and the atlas's builds predate "
      "the implicit integrator, so it was integrated by Dormand–Prince alone):\n")
    w(f"| H | init.scale | atlas: unresolved at t_max {tmax} | no horizon: t_global > 10^3 | > 10^4 | > 10^5 | > 10^6 |")
    w("|---|---|---|---|---|---|---|")
    for p in pts:
        c = check.get(key(p))
        if c is None:
            continue
        n, above = c
        w(f"| {key(p)[0]} | {key(p)[1]} | {fmt(p['outcomes']['unresolved']['fraction'])} | "
          + " | ".join(f"{x}/{n}" for x in above) + " |")
    w("")


def write_hessian(w, analysed):
    """The Hessian at the stop state (a horizon campaign with analysis.hessian)."""
    w("## What holds the unresolved samples: the Hessian at the stop\n")
    w("With `analysis.hessian = \"uncertified\"`, every unresolved sample's Hessian was analysed at the horizon: per "
      "label (where the sample was), how many are strict saddles (λ_min < −τ) and how many not. This is the Hessian "
      "at the stop state t = t_max, not at the critical point the trajectory approaches: non-strict means only that "
      "the stop state showed no eigenvalue below −τ (near the origin at H ≥ 2 the Hessian vanishes, so a state still "
      "close to it reads non-strict), not that the label's saddle is non-strict.\n")
    w("| H | init.scale | unresolved | strict / analysed, per label |")
    w("|---|---|---|---|")
    for p in analysed:
        cells = ", ".join(f"`{lab}` {h['strict']}/{h['analysed']}" for lab, h in p["hessian"].items())
        w(f"| {key(p)[0]} | {key(p)[1]} | {p['outcomes']['unresolved']['count']} | {cells} |")
    w("")


def write_reading(w, groups, pts, s, horizon):
    """What the decisions say, point by point (read from the same summary)."""
    w("## Reading the table\n")

    def where(ps):
        by_depth = {}
        for p in ps:
            by_depth.setdefault(key(p)[0], []).append(str(key(p)[1]))
        return "; ".join(f"H = {H} at scale {', '.join(v)}" for H, v in sorted(by_depth.items()))
    names = {"target_met": "Saddle-basin mass (certified saddles + unresolved) below the target with 95% anytime confidence (target met)",
             "out_of_reach": "Unresolved share above the target (out of reach at this horizon)" if horizon is not None
             else "Unresolved share (step-budget stops) above the target (out of reach)",
             "budget": "Budget spent without a decision", None: "Not decided"}
    for reason in ["target_met", "out_of_reach", "budget", None]:
        if reason in groups:
            w(f"- {names[reason]}: {where(groups[reason])}.")
    certified = sum(p["outcomes"]["saddle"]["count"] for p in pts)
    if horizon is not None:
        strict = sum(h["strict"] for p in pts for h in (p.get("hessian") or {}).values())
        analysed = sum(h["analysed"] for p in pts for h in (p.get("hessian") or {}).values())
        if certified == 0 and analysed:
            w(f"- No sample reached a certified saddle ({certified} over {s['samples_done']} samples; for Gaussian starts "
              f"this holds by construction, above, so it is no evidence): every sample counted "
              f"against a target is one whose flow had not been certified by t_max. Of the {analysed} unresolved samples "
              f"whose Hessian was analysed at the stop, {strict} had an eigenvalue below −τ at the stop state and "
              f"{analysed - strict} did not (stop states, not the critical points they approach; see the Hessian section).")
        else:
            w(f"- Certified saddles: {certified} over {s['samples_done']} samples.")
    else:
        unresolved = sum(p["outcomes"]["unresolved"]["count"] for p in pts)
        w(f"- Certified saddles: {certified}; unresolved (step budget spent): {unresolved}; over "
          f"{s['samples_done']} samples. Each point's n at the stop and its bounds are in the per-point table; a "
          "point is decided only by its anytime bound, never by its exact interval at n.")
    w("")


if __name__ == "__main__":
    sys.exit(main())

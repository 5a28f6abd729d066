#!/usr/bin/env python3
"""Writes a results page (docs/results.md by default) from an atlas campaign's summary.json and its report's figures.

Usage (from the repository root, after `sweep run CAMPAIGN --out RUN` and `sweep report RUN`):
  tools/results/generate.py --summary RUN/summary.json --report RUN/report
  tools/results/generate.py --campaign examples/atlas-complete.json --out docs/results-complete.md \\
      --summary RUN/summary.json --report RUN/report [--as-of "2026-12-08 01:47 UTC"]
Regenerating a page from its committed copies (docs/results.md: the `atlas` campaign):
  tools/results/generate.py --summary docs/results/atlas-summary.json
The campaign file (--campaign, default examples/atlas.json) supplies the problem, the seed, the initialisation, the
dynamics (t_max or none, integrator, max_steps), the analysis and the storage; --name (default: the campaign's name)
names the outputs. Beside the page (--out), in its folder's results/: NAME-summary.json (a copy of --summary),
NAME-run.json (optional run notes: command, sittings, builds, wall time, cost; --run-info overrides; a file with a
`points` key is a summary, not run notes, and is refused), and the report's figures, laws.json and index.html (whose
figure captions the page repeats) under results/NAME/ (results/ itself for `atlas`, whose figures predate this layout).
Nothing is written outside the page's folder, so `--out /tmp/x/page.md` previews a run without touching docs/ (inputs
that the page reads beside --out and that are missing there, such as the run notes or the atlas's cut table, are named
on stderr). The page is written from the copies only, so every number in it is traceable to the committed summary.json
and laws.json; rerunning with --summary pointing at the committed copy regenerates the page from what is committed.
A partial summary is dated by --as-of (else by the summary's provenance time, if it has one). Sections about a time
horizon (the horizon paragraph, 'out of reach at this horizon', the Hessian at the stop) appear only for a campaign with
`dynamics.t_max` (and `analysis.hessian`); paragraphs that state facts about the `atlas` campaign's other runs appear
only for `atlas`. A report that wrote laws.json (docs/laws.md) adds a section of the laws of the certified time: per
point the median and the Hill tail exponent (top 10%, and top 1% where n >= 1e5) with their intervals, per depth the
slope of the median against init.scale; laws.json must be of the same summary (its per-point sample counts are
checked). The tables key points by (depth, init.scale); a campaign whose points collide on that key is refused.
Output is deterministic. Python 3 standard library only.
"""
import argparse, json, math, os, re, shutil, sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

THIN = "\u2009"   # thousands separator: 7 920 000
BINNED_FROM = 65536   # docs/statistics.md: quantiles exact up to 65 536 event times per point, binned beyond


def expo(s):
    """1.24e+04 -> 1.24e4, 6.89e-06 -> 6.89e-6."""
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), s)


def count(n):
    """A count with thin-space thousands separators (7 920 000)."""
    return f"{n:,}".replace(",", THIN) if isinstance(n, int) and not isinstance(n, bool) else str(n)


def fmt(x, digits=3):
    if x is None:
        return "censored"
    if isinstance(x, int) and not isinstance(x, bool):
        return count(x)
    if x == 0:
        return "0"
    if abs(x) >= 1e-3 and abs(x) < 1e5:
        return expo(f"{x:.{digits}g}")
    return expo(f"{x:.{digits - 1}e}")


def sig3(x):
    """Three significant figures (a projection that is only good to 0.1%)."""
    return expo(f"{x:.3g}")


def frac(x):
    """A fraction near 1 keeps its distance to 1 (0.999977 is not "1")."""
    if x is not None and 0.999 <= x < 1:
        return f"1 − {expo(f'{1 - x:.2e}')}"
    return fmt(x)


def num(x):
    """A campaign's number as written there (1000, 0.5, 1e-05 → 1e-5)."""
    return expo(f"{x:g}") if isinstance(x, float) else str(x)


def rule_text(rule):
    """The C# format of a target rule (saddle_upper95 ≤ 1E-05) as the docs write it (1e-5)."""
    return re.sub(r"(\d+(?:\.\d+)?)[eE]([+-]?\d+)", lambda m: f"{m.group(1)}e{int(m.group(2))}", rule or "?")


def pval(p):
    if p == 0:
        return "< 1e-300"
    return expo(f"{p:.2g}")


def chi2_sf(x, dof):
    """P(χ²_dof > x): erfc(√(x/2)) for one degree of freedom, else the regularized upper incomplete Γ(dof/2, x/2)."""
    if x <= 0:
        return 1.0
    if dof == 1:
        return math.erfc(math.sqrt(x / 2))
    a, z = dof / 2, x / 2
    lg = math.lgamma(a)
    if z < a + 1:   # series for the lower part
        term = total = 1 / a
        ap = a
        for _ in range(10000):
            ap += 1
            term *= z / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1 - total * math.exp(-z + a * math.log(z) - lg))
    b, c, d = z + 1 - a, 1 / 1e-300, 1 / (z + 1 - a)   # continued fraction (Lentz) for the upper part
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return math.exp(-z + a * math.log(z) - lg) * h


def lbeta(a, b):
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def anytime_upper(k, n, alpha, a=0.1, b=1.0):
    """Upper end of Robbins' beta-binomial mixture confidence sequence (docs/statistics.md, *Anytime-valid bounds*):
    the largest p with M_n(p) = B(a + k, b + n − k) / B(a, b) / (p^k (1 − p)^(n−k)) < 1/α, by bisection in logit(p)."""
    if n <= 0:
        return 1.0
    if k >= n:
        return 1.0
    base = lbeta(a + k, b + n - k) - lbeta(a, b)
    thr = math.log(1 / alpha)

    def logm(p):
        return base - (k * math.log(p) if k else 0.0) - (n - k) * math.log1p(-p)
    lo = math.log(k / n) - math.log1p(-k / n) if k else -700.0   # log M ≤ 0 < thr at k/n
    hi = 50.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if logm(1 / (1 + math.exp(-mid))) < thr:
            lo = mid
        else:
            hi = mid
    return 1 / (1 + math.exp(-hi))


def mixture_of(method):
    """(a, b, alpha) from the summary's target.method text, or None when it names another method."""
    m = re.search(r"Robbins\), prior Beta\(([\d.]+), ([\d.]+)\), alpha ([\d.eE-]+)", method or "")
    return (float(m.group(1)), float(m.group(2)), float(m.group(3))) if m else None


def reasons(horizon):
    """The per-point stop reasons; 'out of reach' is about the horizon only when there is one."""
    return {
        "target_met": "target met: anytime upper95 ≤ target",
        "out_of_reach": "out of reach at this horizon: anytime lower95 of the upper share (certified saddles + "
        "unresolved) > target" if horizon is not None else
        "out of reach: anytime lower95 of the upper share (certified saddles + unresolved; without a horizon, "
        "step-budget stops) > target",
        "budget": "budget spent (max_samples) without a decision",
        None: "not decided in this summary (n so far)",
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


def warn(msg):
    print(f"warning: {msg}", file=sys.stderr)


def read_json(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{what} {path}: {e}")


def key(p):
    return len(p["params"].get("network.hidden", [])), p["params"].get("init.scale")


def describe_problem(c, path, info):
    """The problem, initialisation and dynamics sentence, read from the campaign file (and the run notes)."""
    prob = c.get("problem", {})
    sweep = c.get("sweep", {})
    widths = {w for h in sweep.get("network.hidden", [c.get("network", {}).get("hidden", [])]) for w in h}
    s = ", ".join(num(x) for x in prob.get("singular_values", []))
    width = f"hidden width {', '.join(str(w) for w in sorted(widths))}"
    init = c.get("init", {})
    if "init.scale" in sweep:
        scale = "init.scale swept over " + ", ".join(num(x) for x in sweep["init.scale"])
    else:
        scale = f"init.scale = {num(init.get('scale', '?'))}"
    kind = init.get("kind", "?")
    if kind == "gaussian":
        var = "(init.scale·c_i)², c_i = `layer_scales`" if init.get("layer_scales") else "init.scale²"
        ini = f"init `gaussian`: entries of every weight matrix iid N(0, {var}) ({scale})"
    else:
        ini = f"init `{kind}` ({scale})"
    if init.get("suppress_modes") or "init.suppress_modes" in sweep:
        ini += f", `suppress_modes` {init.get('suppress_modes', 'swept')}"
    seed = c.get("seed")
    ini += f"; seed {seed}" if seed is not None else "; seed not named (the default)"
    d = c.get("dynamics", {})
    method = {"flow": "gradient flow"}.get(d.get("method", "flow"), f"`{d.get('method')}`")
    if "t_max" in d:
        dyn = f"{method} to t_max = {num(d['t_max'])}"
    else:
        dyn = f"{method} without a time horizon"
    integ = ""
    if "integrator" in d:
        dyn += f", integrator `{d['integrator']}`"
    elif d.get("method", "flow") == "flow":
        integ = (" Integrator: not named in the campaign file, so the default of the build that ran it (the default "
                 "depends on the build and enters the campaign hash: docs/integrators.md, *Identity and older stores*); "
                 + (f"the run notes name `{info['integrator']}`." if "integrator" in info else "the run notes name none."))
    if "max_steps" in d:
        dyn += f", at most `max_steps` = {count(d['max_steps'])} accepted steps per trajectory"
    until = c.get("stop", {}).get("until", "?")
    return (f"Problem ({path}): {prob.get('kind', '?')} s = ({s}), d_x = {prob.get('input_dim', '?')}, {width}, depth "
            f"H = number of hidden layers; {ini}; {dyn}, `until = {until}`." + integ)


REPORT_FILES = ("laws.json", "index.html")


def copy_figures(report, figdir):
    """The figures, laws.json and index.html are the report's of this summary only: drop those of an earlier run."""
    os.makedirs(figdir, exist_ok=True)
    for name in os.listdir(figdir):
        if name.endswith((".png", ".svg")) or name in REPORT_FILES:
            os.remove(os.path.join(figdir, name))
    for name in sorted(os.listdir(report)):
        if name.endswith((".png", ".svg")) or name in REPORT_FILES:
            shutil.copyfile(os.path.join(report, name), os.path.join(figdir, name))


class ReportIndex(HTMLParser):
    """The report's index.html: its <img src alt> pairs in order, and its text (for the report's build)."""

    def __init__(self):
        super().__init__()
        self.images, self.text = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.images.append((a["src"], " ".join((a.get("alt") or "").split())))

    def handle_data(self, data):
        self.text.append(data)


def read_index(path):
    if not os.path.exists(path):
        return [], ""
    p = ReportIndex()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p.images, " ".join("".join(p.text).split())


def svg_texts(path):
    """The text elements of a report SVG (legends, labels), or None when it cannot be read."""
    try:
        return [" ".join("".join(e.itertext()).split()) for e in ET.parse(path).iter() if e.tag.endswith("}text")]
    except (OSError, ET.ParseError):
        return None


def figure_kind(stem):
    m = re.match(r"^(.+?)(?:-(?:network-hidden|init-scale))?-\d+$", stem)
    return m.group(1) if m else stem


def natural(stem):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", stem)]


def interval(e, digits=3):
    """An estimate with its 95% interval, or a dash."""
    if not e:
        return "–"
    v = e.get("alpha", e.get("median"))
    return f"{fmt(v, digits)} [{fmt(e['low'], digits)}, {fmt(e['high'], digits)}]"


def decided_text(p):
    t = p.get("target")
    if not t:
        return "–"
    st = t.get("stopped")
    return {"target_met": "yes (met)", "out_of_reach": "yes (out of reach)", "budget": "budget"}.get(
        st, "no (n so far)" if st is None else str(st))


def write_laws(w, laws, lawsfile, pts, build):
    """The laws of the certified time per point and across scales, from the report's laws.json (committed beside)."""
    w("## Laws of the certified time (from `sweep report`'s laws.json)\n")
    w(f"Read from [`{lawsfile}`]({lawsfile})" + (f", written by sweep {build}" + (" (a build with uncommitted "
      "changes: `.dirty`)" if build.endswith(".dirty") else "") if build else "") +
      ". docs/laws.md defines each: the median with its distribution-free 95% interval; the Hill estimate of the tail "
      "exponent α of P(t_global > t) from the top 10% of the samples and, where n ≥ 10⁵, from the top 1%, each with its "
      "95% interval, exact only if the tail above its threshold is Pareto (docs/laws.md, *Statistics*); with aggregate "
      "storage all three are read from the binned times within the bounds docs/laws.md states. t_global is the "
      "certificate's time (the loss below L_2 − δ, δ = 10⁻⁶·(L_2 − L_min)), not the time the last mode is learned "
      "(docs/laws.md, *The certificate's time against the hitting time*).\n")
    has_target = any(p.get("target") for p in pts)
    w("| H | init.scale | n | " + ("decided? | " if has_target else "") + "median t_global [95%] | "
      "α̂, top 10% [95%] | α̂, top 1% [95%] | top 10% Pareto? |")
    w("|---|---|---|" + ("---|" if has_target else "") + "---|---|---|---|")
    checkable = rejected = 0
    for lp in laws.get("points", []):
        p = pts[lp["point"]]
        H, sc = key(p)
        top, deep = lp.get("hill_global"), lp.get("hill_global_deep")
        if top and deep:
            checkable += 1
            if top["high"] < deep["low"] or deep["high"] < top["low"]:
                rejected += 1
                pareto = "no (disjoint from top 1%)"
            else:
                pareto = "not rejected"
        else:
            pareto = "– (no top 1%: n < 10⁵)" if top else "–"
        w(f"| {H} | {num(sc)} | {fmt(lp.get('samples'))} | " + (f"{decided_text(p)} | " if has_target else "") +
          f"{interval(lp.get('median_global'), 4)} | {interval(top)} | {interval(deep)} | {pareto} |")
    w("")
    if checkable:
        w(f"Top 10% Pareto?: where both Hill intervals exist, disjoint intervals say the tail is not Pareto over the top "
          f"10% (and neither number is an asymptotic exponent): {rejected} of {checkable} such points here. "
          + ("Rows with n < 10⁵ cannot be checked." if checkable < len(laws.get("points", [])) else "")
          + (" Rows not decided are of n so far and will change." if has_target and any(
              (pts[lp["point"]].get("target") or {}).get("stopped") is None for lp in laws.get("points", [])) else "")
          + "\n")
    fits = [g for g in laws.get("groups", []) if (g.get("global") or {}).get("slope") is not None]
    if fits:
        w("The median t_global against init.scale, per depth: a weighted least-squares slope of ln(median) on ln(scale) "
          "over the scales named (`sweep report` takes init.scale ≤ 0.1, or every scale when fewer than two qualify). "
          "Its interval is slope ± 1.96·se, widened by the Birge ratio √(χ²/dof) when the medians scatter more than their "
          "intervals allow: with one degree of freedom and the normal quantile that is a heuristic, not an exact 95% "
          "interval when χ² > 1 (docs/laws.md, *Statistics*). p is P(χ²_dof > χ²); p < 0.05 rejects a single power law "
          "through these medians, and the slope is then a chord through them over these scales.\n")
        w("| H | scales | slope [≈95%, heuristic] | χ² (dof) | p | reading |")
        w("|---|---|---|---|---|---|")
        for g in fits:
            f = g["global"]
            members = [lp["point"] for lp in laws.get("points", [])
                       if str(lp.get("params", "")).startswith(str(g["group"]) + ",")]
            depths = {key(pts[i])[0] for i in members}
            name = f"H = {depths.pop()}" if len(depths) == 1 else f"`{g['group']}`"
            scales = g.get("fit_scales", [])
            used = [pts[i] for i in members if key(pts[i])[1] in scales]
            p = chi2_sf(f["chi_square"], f["dof"]) if f.get("dof") else None
            reading = ("–" if p is None else "single power law rejected (p < 0.05): the slope is a chord, its interval "
                       "not 95%" if p < 0.05 else "single power law not rejected (p ≥ 0.05)")
            undecided = [q for q in used if q.get("target") and q["target"].get("stopped") is None]
            if undecided:
                reading += ("; includes undecided points (n so far: " +
                            ", ".join(f"scale {num(key(q)[1])}: {count(q['samples'])}" for q in undecided) + ")")
            w(f"| {name} | {', '.join(num(x) for x in scales)} | {fmt(f['slope'])} "
              f"[{fmt(f['slope_low'])}, {fmt(f['slope_high'])}] | {fmt(f['chi_square'])} ({f['dof']}) | "
              f"{'–' if p is None else pval(p)} | {reading} |")
    w("")


def check_laws(laws, pts, lawsfile):
    """laws.json must be of this summary: every point index exists and has the summary's sample count."""
    for lp in laws.get("points", []):
        i = lp.get("point")
        if not isinstance(i, int) or not 0 <= i < len(pts):
            fail(f"{lawsfile}: point {i!r} is not a point of the summary ({len(pts)} points): laws.json is of another run")
        if lp.get("samples") != pts[i]["samples"]:
            fail(f"{lawsfile}: point {i} has {lp.get('samples')} samples, the summary {pts[i]['samples']}: laws.json is "
                 "of another snapshot; run `sweep report` on the store that wrote this summary")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--summary", required=True, help="summary.json of the run (or the committed copy)")
    ap.add_argument("--campaign", default="examples/atlas.json", help="the campaign file the run ran")
    ap.add_argument("--name", help="names the outputs (NAME-summary.json, NAME-run.json, NAME/); default: the campaign's name")
    ap.add_argument("--report", help="the run's report/ folder (figures, laws.json and index.html are copied from it)")
    ap.add_argument("--run-info", help="JSON with command, wall time, notes (default: results/NAME-run.json beside --out)")
    ap.add_argument("--out", default="docs/results.md", help="the page; its folder's results/ receives the copies")
    ap.add_argument("--as-of", help="when the summary of a partial run was taken (printed in the Partial sentence)")
    a = ap.parse_args()

    c = read_json(a.campaign, "--campaign")
    name = a.name or c.get("name", "atlas")
    if not name or "/" in name or name.startswith("."):
        fail(f"--name {name!r}: a plain file name is needed (it names results/NAME-summary.json and results/NAME/)")
    s0 = read_json(a.summary, "--summary")
    if s0.get("campaign") != c.get("name"):
        fail(f"--summary {a.summary} is campaign {s0.get('campaign')!r}, but --campaign "
             f"{a.campaign} is {c.get('name')!r}: pass the campaign file the run ran")
    seen = {}
    for p in s0.get("points", []):   # checked before anything is written
        if key(p) in seen:
            fail(f"points {seen[key(p)]} and {p.get('index')} share H = {key(p)[0]}, init.scale = {key(p)[1]} "
                 f"({p['params']}): this page tables points by depth and init.scale; a campaign that sweeps other "
                 "parameters (widths, spectra) needs another layout")
        seen[key(p)] = p.get("index")
    if a.report and os.path.exists(os.path.join(a.report, "laws.json")):
        check_laws(read_json(os.path.join(a.report, "laws.json"), "laws.json"), s0.get("points", []),
                   os.path.join(a.report, "laws.json"))
    outdir = os.path.dirname(a.out) or "."
    res = os.path.join(outdir, "results")
    figsub = "" if name == "atlas" else name
    figdir = os.path.join(res, figsub)
    run_info = a.run_info or os.path.join(res, f"{name}-run.json")
    info = read_json(run_info, "--run-info" if a.run_info else "run notes") if os.path.exists(run_info) else {}
    if not isinstance(info, dict):
        fail(f"{run_info}: run notes must be a JSON object (command, sittings, builds, wall time)")
    if "points" in info:
        fail(f"{run_info} has a `points` key: it is a summary.json, not run notes. Commit a summary as "
             f"results/{name}-summary.json (the generator copies --summary there) and keep results/{name}-run.json "
             "for the run notes (command, sittings, builds, wall time)")
    if not info:
        warn(f"no run notes at {run_info}: the page has no Run section")
    os.makedirs(res, exist_ok=True)
    committed = os.path.join(res, f"{name}-summary.json")
    if os.path.abspath(a.summary) != os.path.abspath(committed):
        shutil.copyfile(a.summary, committed)
    if a.report:
        copy_figures(a.report, figdir)
    figures = sorted(n[:-4] for n in os.listdir(figdir) if n.endswith(".png")) if os.path.isdir(figdir) else []
    s = json.load(open(committed))

    horizon = c.get("dynamics", {}).get("t_max")
    max_steps = c.get("dynamics", {}).get("max_steps")
    until = c.get("stop", {}).get("until")
    hessian_on = "hessian" in c.get("analysis", {})
    prov = s.get("provenance", {})
    tgt = s.get("target", {})
    rule = rule_text(tgt.get("rule"))
    pts = s["points"]
    why = reasons(horizon)
    decided = sum(1 for p in pts if (p.get("target") or {}).get("stopped"))
    aggregate = s.get("storage", c.get("storage")) == "aggregate"
    binned = lambda tg: bool(tg.get("approximate")) or (tg.get("count") or 0) > BINNED_FROM
    any_binned = any(binned(p.get("t_global") or {}) for p in pts)
    init = c.get("init", {})
    gaussian = init.get("kind") == "gaussian" and not init.get("suppress_modes") and "init.suppress_modes" not in c.get("sweep", {})
    saddles = sum(p["outcomes"]["saddle"]["count"] for p in pts)
    unresolved = sum(p["outcomes"]["unresolved"]["count"] for p in pts)
    diverged = sum(p["outcomes"]["diverged"]["count"] for p in pts)
    certified = sum(p["outcomes"]["global"]["count"] for p in pts)
    budget_stops = sum((p.get("status") or {}).get("budget", 0) for p in pts)
    caveat = saddles == 0 and gaussian
    CAVEAT = ("no evidence either way: a saddle is certified only on a suppressed-mode manifold, exact zeros, which "
              "Gaussian starts hit with probability 0; the informative bound is the upper one")
    if a.as_of:
        as_of = a.as_of
    elif prov.get("time"):
        as_of = f"{prov['time']} (the summary's provenance)"
    else:
        as_of = "the summary's writing"

    # Family-wise: the same anytime sequence at α/m (Bonferroni over the m points), checked against the summary first.
    mix = mixture_of(tgt.get("method"))
    bonferroni = None
    if mix and any(p.get("target") for p in pts):
        ma, mb, alpha = mix
        ok = all(abs(anytime_upper(t["count"], t["of"], alpha, ma, mb) - t["upper95_anytime"])
                 <= 1e-4 * max(t["upper95_anytime"], 1e-300)
                 for t in (p["target"] for p in pts if p.get("target") and "upper95_anytime" in p["target"]))
        if ok:
            met = [p["target"] for p in pts if (p.get("target") or {}).get("stopped") == "target_met"]
            vals = {}
            for t in met:
                vals.setdefault((t["count"], t["of"]), []).append(anytime_upper(t["count"], t["of"], alpha / len(pts), ma, mb))
            bonferroni = (alpha, len(pts), {kn: v[0] for kn, v in sorted(vals.items())},
                          {kn: len(v) for kn, v in vals.items()})
        else:
            warn("the anytime bounds recomputed from target.method do not match the summary's: no Bonferroni bound printed")

    out = []
    w = out.append
    w("# The atlas: anytime bounds on the uncertified share of computed trajectories, per point, against depth and "
      "initial scale" + ("" if horizon is not None else ", without a time horizon") + "\n")
    w(f"Generated by `tools/results/generate.py` from [`results/{name}-summary.json`](results/{name}-summary.json) "
      f"(campaign `{s['campaign']}`, hash `{s['hash'][:16]}`; `{a.campaign}`). Every number in the tables and "
      f"lists below is read from that file, except where a paragraph names another committed file. "
      + (f"**Complete**: {count(s['samples_done'])} samples in the results (at most {count(s['samples_total'])})."
         if s.get("complete") else
         f"**Partial**, as of {as_of}: {count(s['samples_done'])} samples in the results (at most "
         f"{count(s['samples_total'])}); {decided} of {len(pts)} points decided. The undecided rows are of n so far and "
         "will change.") + "\n")
    w(describe_problem(c, a.campaign, info) + f" Target per point: **{rule}**, first batch "
      f"{count(tgt.get('first_batch'))}, at most {count(tgt.get('max_samples'))} samples; bounds named *anytime* are "
      f"from the {tgt.get('method', '?')} (valid at a data-dependent stop), the others exact Clopper–Pearson at the "
      "final n. That n was chosen by the sequential rule from the data, so those fixed-n intervals do not keep their 95% "
      "coverage at it: read them as descriptive; only the anytime bounds carry the guarantee. Every bound is of the "
      "share of *computed* trajectories and holds per point (see the depth × scale table for the family-wise bound).\n")

    write_findings(w, s, pts, horizon, rule, bonferroni, caveat, CAVEAT, certified, saddles, unresolved, diverged)

    if aggregate:
        w("Storage: `\"storage\": \"aggregate\"` (summary.json says so: `storage`, `samples_csv`): no samples.csv, "
          "each shard kept as its statistics only; counts, fractions, intervals, saddle-mass bounds and target states "
          "are exact.\n")
    if info:
        where = (f" ([`results/{name}-run.json`](results/{name}-run.json))"
                 if os.path.abspath(run_info) == os.path.abspath(os.path.join(res, f"{name}-run.json")) else "")
        w(f"Run notes{where}:\n")
        for k, v in info.items():
            v = str(v)
            if k == "command":
                v = re.sub(r"--out\s+/\S+", "--out RUN", v)
            w(f"- {k.replace('_', ' ')}: {v}")
        w("")
    w(f"Machine: summary.json written by sweep {prov.get('version', '?')} on {prov.get('cpu', '?')}, "
      f"{prov.get('logical_cpus', '?')} logical CPUs, SIMD {prov.get('simd_width', '?')} bits; {prov.get('os', '?')}; "
      f"{prov.get('runtime', '?')}; numerics fingerprint "
      + (f"`{prov['numerics']}`" if prov.get("numerics") else "not recorded in this summary's provenance")
      + (" (the build that wrote the summary; the builds that computed the samples are in the run notes)."
         if info.get("builds") else " (the build that wrote the summary, not necessarily every build that computed its samples).")
      + "\n")

    results_complete = os.path.join(outdir, "results-complete.md")
    if horizon is not None:
        if name == "atlas":
            also = ["[docs/laws.md](laws.md) (the same 25 points without a time horizon: every sample certified, escape "
                    "laws)", "[docs/width-spectrum.md](width-spectrum.md) (H = 3 over widths 4, 8, 16 and over "
                    "near-degenerate spectra)"]
            if os.path.exists(results_complete) and os.path.basename(a.out) != "results-complete.md":
                also.insert(0, "[docs/results-complete.md](results-complete.md) (the same 25 points without a time "
                               "horizon, to the same target: it supersedes this page's ✗ points)")
            w("See also: " + ", ".join(also[:-1]) + " and " + also[-1] + ".\n")
            write_horizon(w, num(horizon), pts, res)
        else:
            w(f"'Out of reach' below is a statement about t_max = {num(horizon)} only: the rule rules a point out once the "
              "anytime lower bound of its upper share (certified saddles + unresolved) exceeds the target (after its "
              "first batch).\n")
    else:
        also = [] if os.path.basename(a.out) == "results.md" else ["[docs/results.md](results.md) (the `atlas` campaign's page)"]
        also += ["[docs/laws.md](laws.md) (laws of the certified time)",
                 "[docs/width-spectrum.md](width-spectrum.md) (widths and near-degenerate spectra)"]
        w("See also: " + ", ".join(also[:-1]) + " and " + also[-1] + ".\n")
        if until == "certified":
            w("Without a horizon a sample stops when it is certified (`until = certified`) or when its step budget runs "
              f"out (`max_steps` = {count(max_steps) if max_steps is not None else 'the default'}); only a step-budget "
              "stop leaves a sample unresolved, so the unresolved share below counts step-budget stops, and 'out of "
              "reach' would mean that the anytime lower bound of the upper share (certified saddles + step-budget "
              "stops) exceeds the target.\n")

    w("## Per point\n")
    w("| H | init.scale | samples | certified global [95% CI] | saddle mass lower (lower95) | upper (upper95) | "
      "anytime upper95 | t_global p10 / p50 / p90 | stopped |")
    w("|---|---|---|---|---|---|---|---|---|")
    for p in pts:
        H, sc = key(p)
        g = p["outcomes"]["global"]
        m = p.get("saddle_mass") or {}
        t = p.get("target") or {}
        tg = p["t_global"]
        stop = why.get(t.get("stopped"), t.get("stopped")) if t else "–"
        if t and t.get("stopped") is None and t.get("samples_to_go"):
            stop += f"; projected ≈ {sig3(t['samples_to_go'])} more samples (to 0.1%) if the share stays at k/n"
        approx = "≈ " if binned(tg) else ""
        w(f"| {H} | {num(sc)} | {count(p['samples'])} | {frac(g['fraction'])} [{frac(g['ci95'][0])}, {frac(g['ci95'][1])}] | "
          f"{fmt(m.get('lower'))} ({fmt(m.get('lower95'))}) | {fmt(m.get('upper'))} ({fmt(m.get('upper95'))}) | "
          f"{fmt(t.get('upper95_anytime'))} | {approx}{fmt(tg['p10'])} / {fmt(tg['p50'])} / {fmt(tg['p90'])} | {stop} |")
    w("")
    notes = ["samples: n at the stop (or so far, for an undecided point)",
             "certified global [95% CI]: the share of all samples, two-sided Clopper–Pearson",
             "saddle mass lower (lower95): certified saddles, of the non-diverged samples, with the one-sided 95% "
             "Clopper–Pearson lower bound" + (" (0 by construction under Gaussian starts, no evidence: see the depth × "
                                              "scale table)" if caveat else ""),
             "upper (upper95): the upper share (certified saddles + unresolved) of the non-diverged samples, with the "
             "one-sided 95% Clopper–Pearson upper bound (fixed n, descriptive)",
             "anytime upper95: the upper end of the two-sided anytime sequence for the upper share, the bound the "
             "target is decided by"]
    if horizon is not None:
        notes.append("t_global quantiles are over all non-diverged samples, the uncertified ones censored at the horizon "
                     "('censored': the quantile lies beyond the certified share)")
    else:
        notes.append("t_global quantiles are over all non-diverged samples, the uncertified ones (step-budget stops) "
                     "censored at their own stop ('censored': the quantile lies beyond the point's earliest step-budget "
                     "stop)")
    if any_binned:
        notes.append(f"≈: that row's quantiles are binned, read from a log-binned histogram within a relative 1e-3 of the "
                     f"exact quantiles (the point has more than {count(BINNED_FROM)} event times, or the summary marks it "
                     "`approximate`, as aggregate storage does; docs/statistics.md, *Per point: what the statistics of summary.json mean*)")
    w(". ".join(notes) + ".\n")
    analysed = [p for p in pts if p.get("hessian")]
    if analysed and horizon is not None and hessian_on:
        write_hessian(w, analysed)

    scales = sorted({key(p)[1] for p in pts}, key=lambda x: (x is None, x or 0))
    depths = sorted({key(p)[0] for p in pts})
    cell = {key(p): p for p in pts}
    if horizon is not None:
        w("## Upper share (certified saddles + unresolved) at the horizon, point estimate, depth × scale\n")
    else:
        w("## Anytime 95% upper bound of the upper share, per point, depth × scale\n")
    w("| H \\ scale | " + " | ".join(num(x) for x in scales) + " |")
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
    if horizon is not None:
        w(f"\nEach cell is the point estimate of the upper share (certified saddles + unresolved, of the non-diverged "
          f"computed trajectories) at t_max = {num(horizon)}; the marks are from the anytime bounds. ✓ target met "
          f"({rule} by the anytime 95% upper bound, per point), ✗ out of reach at this horizon, $ budget spent, … "
          f"undecided. Over all points: {saddles} certified saddles" + (f" ({CAVEAT})" if caveat else "")
          + f", {count(unresolved)} unresolved, {count(diverged)} diverged in {count(s['samples_done'])} samples.\n")
        shares = {k: (p.get("saddle_mass") or {}).get("upper") for k, p in cell.items()}
        monotone = all(shares.get((H1, sc)) is None or shares.get((H2, sc)) is None or shares[(H1, sc)] <= shares[(H2, sc)]
                       for sc in scales for H1, H2 in zip(depths, depths[1:])) and \
            all(shares.get((H, s1)) is None or shares.get((H, s2)) is None or shares[(H, s1)] >= shares[(H, s2)]
                for H in depths for s1, s2 in zip(scales, scales[1:]))
        if name == "atlas" and saddles == 0:
            w("Every unresolved sample is one whose computed trajectory (Dormand–Prince) had not been certified by "
              "t_max; these samples were not rerun. Other starts of the same 25 points without a horizon "
              "(`examples/atlas-laws.json`, seed 2027, 200 per point, integrator `auto`) were all certified global "
              "(5 000 of 5 000, docs/laws.md), which gives a one-sided 95% upper bound of 0.015 per point, at that fixed "
              "n, on the share of those computed trajectories left uncertified."
              + complete_sentence(results_complete, res, a.out)
              + (f" The table shows the share a horizon of {num(horizon)} leaves uncertified growing with depth and "
                 "shrinking with scale (weakly, along every row and column); that these samples sat on plateaus the "
                 "computed trajectories would leave, rather than in a saddle's basin, is an inference from those other "
                 "starts." if monotone else "") + "\n")
        elif monotone:
            w(f"The table shows the share a horizon of {num(horizon)} leaves uncertified growing with depth and shrinking "
              "with scale (weakly, along every row and column).\n")
    else:
        w(f"\nEach cell is the anytime 95% upper bound of the upper share (certified saddles + unresolved, of the "
          f"non-diverged computed trajectories) at the point's n, per point. ✓ target met ({rule} by that bound), "
          f"✗ out of reach, $ budget spent (max_samples), … not decided in this summary. Over all points: {saddles} "
          f"certified saddles" + (f" ({CAVEAT})" if caveat else "") + f", {count(unresolved)} unresolved "
          f"(step-budget stops; status.budget: {count(budget_stops)}), {count(diverged)} diverged in "
          f"{count(s['samples_done'])} samples.\n")
    if bonferroni:
        alpha, m, vals, ns = bonferroni
        if vals:
            b = next(((p.get("target") or {}).get("bound") for p in pts if (p.get("target") or {}).get("bound") is not None), None)
            parts = [f"{fmt(v)} at k = {k}, n = {count(n)}" + (f" ({ns[(k, n)]} points)" if ns[(k, n)] > 1 else "")
                     for (k, n), v in vals.items()]
            above = b is not None and any(v > b for v in vals.values())
            w(f"These are per-point guarantees, with no multiplicity correction: each ✓ holds for its point with 95% "
              f"confidence, not for all points at once. For all {m} points at once (Bonferroni: the same sequence at "
              f"α = {num(alpha)}/{m}) the upper bound at the points that met the target is " + "; ".join(parts)
              + (f": above the target {num(b)}" if above else (f": still ≤ the target {num(b)}" if b is not None else ""))
              + " (computed here from each point's k and n with the summary's prior; it reproduces the summary's "
              "per-point bounds). These shares bound the saddle-basin mass of the exact flow only insofar as each "
              "computed certificate is the exact flow's (docs/statistics.md, *Saddle-basin mass*).\n")

    groups = {}
    for p in pts:
        groups.setdefault((p.get("target") or {}).get("stopped"), []).append(p)
    if groups:
        write_reading(w, groups, pts, s, horizon, caveat, CAVEAT, budget_stops, diverged)

    lawsfile = os.path.join(figdir, "laws.json")
    images, index_text = read_index(os.path.join(figdir, "index.html"))
    m = re.search(r"Report written by sweep (\S+?) on ", index_text)
    report_build = m.group(1) if m else None
    if os.path.exists(lawsfile):
        laws = read_json(lawsfile, "laws.json")
        check_laws(laws, pts, lawsfile)
        write_laws(w, laws, "/".join(x for x in ("results", figsub, "laws.json") if x), pts, report_build)
    elif figures:
        warn(f"no laws.json in {figdir}: the page has no laws section")

    if figures:
        write_figures(w, figures, images, figdir, figsub, pts, horizon, until, report_build)

    write_reproduce(w, a, c, s, prov, committed, name)
    open(a.out, "w").write("\n".join(out) + "\n")
    print(f"wrote {a.out} ({len(pts)} points, {len(figures)} figures)")


def complete_sentence(results_complete, res, out):
    """The complete atlas's decisions, when its page and summary are committed beside this one."""
    summ = os.path.join(res, "atlas-complete-summary.json")
    if os.path.basename(out) == "results-complete.md" or not (os.path.exists(results_complete) and os.path.exists(summ)):
        return ""
    cs = read_json(summ, "the complete atlas's summary")
    met = sum(1 for p in cs.get("points", []) if (p.get("target") or {}).get("stopped") == "target_met")
    return (f" The complete atlas bounds that share by its target at {met} of {len(cs.get('points', []))} points, per "
            "point ([docs/results-complete.md](results-complete.md)).")


def write_findings(w, s, pts, horizon, rule, bonferroni, caveat, CAVEAT, certified, saddles, unresolved, diverged):
    """A short summary computed from the summary: what was found, what is decided, what will change."""
    w("## Findings\n")
    unres = "not certified by t_max" if horizon is not None else "step-budget stops"
    txt = (f"In {count(s['samples_done'])} computed trajectories over {len(pts)} points: {count(certified)} certified "
           f"global, {count(saddles)} certified saddles" + (" (no evidence under Gaussian starts, below)" if caveat else "")
           + f", {count(unresolved)} unresolved ({unres}), {count(diverged)} diverged.")
    by = {}
    for p in pts:
        if p.get("target"):
            by.setdefault(p["target"].get("stopped"), []).append(p)

    def rng(vals, f=fmt):
        lo, hi = f(min(vals)), f(max(vals))
        return lo if lo == hi else f"{lo}–{hi}"
    if by.get("target_met"):
        ps = by["target_met"]
        txt += (f" At {len(ps)} points the anytime 95% upper bound of the upper share is ≤ the target ({rule}): "
                f"{rng([p['target']['upper95_anytime'] for p in ps])}, per point")
        if bonferroni and bonferroni[2]:
            txt += f"; {rng(list(bonferroni[2].values()))} Bonferroni over {bonferroni[1]}"
        txt += "."
    if by.get("out_of_reach"):
        txt += (f" At {len(by['out_of_reach'])} points the anytime lower bound exceeds the target (out of reach"
                + (" at this horizon" if horizon is not None else "") + ").")
    if by.get("budget"):
        txt += f" {len(by['budget'])} point{'s' if len(by['budget']) > 1 else ''} spent the budget without a decision."
    if by.get(None):
        ps = by[None]
        txt += (f" The {len(ps)} undecided points have n = {rng([p['samples'] for p in ps])} so far and anytime upper "
                f"bounds {rng([p['target'].get('upper95_anytime') for p in ps])}.")
    if by:
        txt += (" Decided rows are final (a point's counted prefix ends at its stop: docs/statistics.md, *Anytime-valid "
                "bounds for campaigns with a target*)" + ("; undecided rows, the laws at those points and the fits that "
                "use them will change." if by.get(None) else "."))
    w(txt + "\n")


def write_figures(w, figures, images, figdir, figsub, pts, horizon, until, report_build):
    """The report's figures in its index.html's order, grouped by kind, each with the report's caption."""
    w("## Figures (from `sweep report`)\n")
    alt = {}
    order = []
    for src, text in images:
        stem = os.path.splitext(os.path.basename(src))[0]
        if stem in figures and stem not in alt:
            alt[stem] = text
            order.append(stem)
    if not images:
        warn(f"no report index.html in {figdir or '.'}: the figures are listed without the report's captions")
    order += sorted((f for f in figures if f not in alt), key=natural)
    no_hit = all((p.get("t_hit") or {}).get("count", 0) == 0 for p in pts)
    intro = []
    if report_build:
        intro.append(f"Drawn by sweep {report_build}" + (" (a build with uncommitted changes)" if report_build.endswith(".dirty") else "")
                     + "; each caption is the report's own (its index.html)")
    elif images:
        intro.append("Each caption is the report's own (its index.html)")
    if no_hit and any(figure_kind(f) == "hitting-times" for f in order):
        intro.append("the report's `hitting-times` figure is left out: no sample of this summary recorded a hitting time "
                     "(t_hit.count = 0 at every point)"
                     + ("; under `until = certified` a sample stops at its certificate, before it hits "
                        "(docs/statistics.md, *Censored time quantiles*)" if until == "certified" else ""))
    if until == "certified":
        labels = {}
        for p in pts:
            for lab, v in (p.get("labels") or {}).items():
                labels[lab] = labels.get(lab, 0) + v.get("count", 0)
        total = sum(p["samples"] for p in pts)
        certified = sum(p["outcomes"]["global"]["count"] for p in pts)
        at_global = sum(((p.get("labels") or {}).get(p.get("global_label")) or {}).get("count", 0) for p in pts)
        if labels:
            top = max(sorted(labels), key=lambda k: labels[k])
            intro.append(f"labels at the stop are not outcomes under `until = certified`: a sample stops at its "
                         f"certificate, wherever it then is. In this summary {count(certified)} of {count(total)} samples "
                         f"were certified global, {count(at_global)} of them stopped with the global minimum's label, and "
                         f"the most frequent label at the stop is `{top}` ({count(labels[top])} samples); the outcomes "
                         "figures and the per-point table say what is certified")
    if intro:
        w(". ".join(x[0].upper() + x[1:] for x in intro) + ".\n")
    per_point = {}
    for kind in ("uncertified-share", "hitting-times"):
        entries = set()
        drawn_horizon = at_horizon = False
        readable = False
        for f in order:
            if figure_kind(f) != kind:
                continue
            texts = svg_texts(os.path.join(figdir, f + ".svg"))
            if texts is None:
                continue
            readable = True
            entries |= {int(m.group(1)) for t in texts for m in [re.match(r"^p(\d+) \(", t)] if m}
            drawn_horizon |= any(t == "horizon" for t in texts)
            at_horizon |= any("at the horizon" in t for t in texts)
        per_point[kind] = (readable, entries, drawn_horizon, at_horizon)
    kinds = []
    for f in order:
        if figure_kind(f) not in kinds:
            kinds.append(figure_kind(f))
    for kind in kinds:
        if kind == "hitting-times" and no_hit:
            continue
        w(f"### `{kind}`\n")
        for f in (x for x in order if figure_kind(x) == kind):
            stem = "/".join(x for x in ("results", figsub, f) if x)
            caption = alt.get(f, "")
            extra = []
            if kind in per_point:
                readable, entries, drawn_horizon, at_horizon = per_point[kind]
                if readable and entries and len(entries) < len(pts) and f"{len(entries)} of the {len(pts)} points" not in caption:
                    extra.append(f"Its legend lists {len(entries)} of this summary's {len(pts)} points "
                                 f"(p{min(entries)}–p{max(entries)}); the others are not drawn")
                if horizon is None and (drawn_horizon or at_horizon or not readable):
                    extra.append("This campaign has no time horizon: where the figure marks or names a 'horizon', it is "
                                 "the time scale 10¹⁸ that statistics and figures of a run without one use "
                                 "(docs/integrators.md, *Runs without a time horizon*), not a horizon")
            text = " ".join(x for x in [caption, ". ".join(extra) + ("." if extra else "")] if x)
            if text:
                w(f"![{f}]({stem}.png)\n")
                w(f"{text} ([SVG]({stem}.svg))\n")
            else:
                w(f"![{f}]({stem}.png) ([SVG]({stem}.svg))\n")


def write_reproduce(w, a, c, s, prov, committed, name):
    """How to recompute the run and regenerate this page."""
    w("## Reproduce\n")
    camp = a.campaign
    d = c.get("dynamics", {})
    run = f"1. `sweep run {camp} --out RUN` (it resumes a stopped run): the summary's campaign hash is `{s['hash'][:16]}`"
    if prov.get("numerics"):
        run += f", its numerics fingerprint `{prov['numerics']}` (a store resumes only with a build of these numerics)"
    if "integrator" not in d and d.get("method", "flow") == "flow":
        run += (". The campaign file names no integrator, so the hash depends on the build's default (docs/integrators.md, "
                "*Identity and older stores*): a run whose hash differs is another campaign, not this one")
    w(run + ".")
    w("2. `sweep report RUN`.")
    extra = (f" --name {name}" if a.name else "") + (f" --run-info {a.run_info}" if a.run_info else "")
    asof = f" --as-of \"{a.as_of}\"" if a.as_of else ""
    w(f"3. `python3 tools/results/generate.py --campaign {camp} --out {a.out} --summary RUN/summary.json "
      f"--report RUN/report{extra}{asof}` (copies the summary and the report's figures, laws.json and index.html under "
      "results/).")
    w(f"\nThis page from its committed copies: `python3 tools/results/generate.py --campaign {camp} --out {a.out} "
      f"--summary {committed}{extra}{asof}`.\n")


def write_horizon(w, tmax, pts, res):
    """Why the atlas's horizon, and what it cuts (only for `atlas`, a campaign with t_max)."""
    w(f"Horizon: t_max = {tmax} was chosen on 2026-12-02 from a probe whose outputs were not committed, so its numbers are "
      f"not repeated here. 'Out of reach' below is a statement about t_max = {tmax} only: the rule rules a point out once "
      "the anytime lower bound of its upper share (certified saddles + unresolved) exceeds the target (after its first batch). An earlier rationale "
      "given here, that a 10× longer horizon would cost 10× per unresolved sample without resolving them, was wrong: "
      "without a horizon the integrator `auto` certifies every sample of the same 25 points (5 000 of 5 000, 200 per "
      "point, `examples/atlas-laws.json`: docs/laws.md).\n")
    path = os.path.join(res, "laws", "atlas-laws-check.txt")
    check = read_horizon_check(path)
    if not check:
        warn(f"no {path}: the page has no table of what the horizon cuts")
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
        w(f"| {key(p)[0]} | {num(key(p)[1])} | {fmt(p['outcomes']['unresolved']['fraction'])} | "
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
        cells = ", ".join(f"`{lab}` {count(h['strict'])}/{count(h['analysed'])}" for lab, h in p["hessian"].items())
        w(f"| {key(p)[0]} | {num(key(p)[1])} | {count(p['outcomes']['unresolved']['count'])} | {cells} |")
    w("")


def write_reading(w, groups, pts, s, horizon, caveat, CAVEAT, budget_stops, diverged):
    """What the decisions say, point by point (read from the same summary)."""
    w("## Reading the table\n")

    def where(ps):
        by_depth = {}
        for p in ps:
            by_depth.setdefault(key(p)[0], []).append(num(key(p)[1]))
        return "; ".join(f"H = {H} at scale {', '.join(v)}" for H, v in sorted(by_depth.items()))
    names = {"target_met": "Upper share ≤ the target by its anytime 95% upper bound, per point (target met)",
             "out_of_reach": "Upper share above the target by its anytime 95% lower bound (out of reach at this horizon)"
             if horizon is not None else
             "Upper share (certified saddles + step-budget stops) above the target by its anytime 95% lower bound (out of reach)",
             "budget": "Budget spent without a decision", None: "Not decided in this summary"}
    for reason in ["target_met", "out_of_reach", "budget", None]:
        if reason in groups:
            w(f"- {names[reason]}: {where(groups[reason])}.")
    certified = sum(p["outcomes"]["saddle"]["count"] for p in pts)
    if horizon is not None:
        strict = sum(h["strict"] for p in pts for h in (p.get("hessian") or {}).values())
        analysed = sum(h["analysed"] for p in pts for h in (p.get("hessian") or {}).values())
        if certified == 0 and analysed:
            w(f"- No sample reached a certified saddle ({certified} over {count(s['samples_done'])} samples"
              + ("; for Gaussian starts this holds by construction, above, so it is no evidence" if caveat else "")
              + "): every sample counted against a target is one whose computed trajectory had not been certified by "
              f"t_max. Of the {count(analysed)} unresolved samples whose Hessian was analysed at the stop, {count(strict)} had "
              f"an eigenvalue below −τ at the stop state and {count(analysed - strict)} did not (stop states, not the "
              "critical points they approach; see the Hessian section).")
        else:
            w(f"- Certified saddles: {certified} over {count(s['samples_done'])} samples"
              + (f" ({CAVEAT})" if caveat else "") + ".")
    else:
        unresolved = sum(p["outcomes"]["unresolved"]["count"] for p in pts)
        w(f"- Certified saddles: {certified}" + (f" ({CAVEAT})" if caveat else "") + f"; unresolved (step budget "
          f"spent): {count(unresolved)}; diverged: {count(diverged)}; over {count(s['samples_done'])} samples. Each "
          "point's n at the stop and its bounds are in the per-point table; a point is decided only by its anytime "
          "bound, never by its exact interval at n.")
    w("")


if __name__ == "__main__":
    sys.exit(main())

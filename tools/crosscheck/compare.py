#!/usr/bin/python3
"""Statistical comparison of two summaries of the same campaign, drawn with independent random initialisations:
typically sweep's DIR/summary.json (A) and outcomes.py's *.peer.json (B).

usage: compare.py A.json B.json [--z Z] [--samples A.csv B.csv]

Per point (matched by index) and per outcome (global, saddle, unresolved, diverged): both fractions, their exact
95% Clopper–Pearson intervals, whether those overlap, and the pooled two-proportion z-score. Also (informational,
never failing) the labels at the stop, the saddle-mass bounds, and the censored quantiles of t_global and t_hit:
both values, and where a standard error is known (outcomes.py writes a distribution-free one from order statistics,
under "se"), the difference in units of the standard error of the difference.

Where both summaries have `itineraries` (analysis.itinerary), the frequency of every label sequence is compared the
same way (two-proportion z over the samples with an itinerary; a failure like an outcome's), and the dwell-time
quantiles per saddle are printed (informational).

Exit status: 0 when every outcome fraction agrees (|z| <= Z, default 3); 1 when one differs at |z| > Z; 2 when
the files cannot be compared (unreadable, no points, an outcome missing, points that do not match)."""
import sys, json, math, argparse
try:
    from scipy.stats import beta
except ImportError:
    print('error: compare.py needs scipy (Debian: apt-get install python3-scipy; run with /usr/bin/python3)', file=sys.stderr)
    sys.exit(2)

OUTCOMES = ('global', 'saddle', 'unresolved', 'diverged')
QS = ('p10', 'p50', 'p90')


def cp95(k, n):
    lo = 0.0 if k == 0 else float(beta.ppf(0.025, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))
    return lo, hi


def two_prop_z(k1, n1, k2, n2):
    if n1 == 0 or n2 == 0:
        return float('nan')
    p = (k1 + k2) / (n1 + n2)
    if p <= 0 or p >= 1:
        return 0.0
    return (k1 / n1 - k2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))


def fmt(v, w=10):
    if v is None:
        return 'null'.rjust(w)
    if isinstance(v, float):
        return f'{v:{w}.5g}'
    return str(v).rjust(w)


class Unusable(Exception):
    pass


def outcome_count(point, name, which):
    oc = point.get('outcomes')
    if oc is None:
        raise Unusable(f'{which}: point {point.get("index")} has no "outcomes"')
    if name in oc:
        return int(oc[name]['count'])
    if name == 'diverged' and 'status' in point and 'diverged' in point['status']:
        return int(point['status']['diverged'])
    raise Unusable(f'{which}: point {point.get("index")} has no outcomes.{name}')


def compare(A, B, zmax, out=print):
    pa = {p['index']: p for p in A.get('points', [])}
    pb = {p['index']: p for p in B.get('points', [])}
    if not pa or not pb:
        raise Unusable('no points in one of the files')
    if set(pa) != set(pb):
        raise Unusable(f'point indices differ: A {sorted(pa)} vs B {sorted(pb)}')
    worst = 0.0
    failures = []

    def judge(what, ka, na, kb, nb):
        """The two-proportion z of ka/na against kb/nb, recorded as a failure beyond zmax; returns (z, flag)."""
        nonlocal worst
        z = two_prop_z(ka, na, kb, nb)
        worst = max(worst, abs(z))
        if abs(z) <= zmax:
            return z, ''
        failures.append(f'{what}: {ka}/{na} vs {kb}/{nb}, z = {z:.2f}')
        return z, '  <-- DIFFERS'

    for idx in sorted(pa):
        a, b = pa[idx], pb[idx]
        if (a.get('params') or {}) != (b.get('params') or {}):
            raise Unusable(f'point {idx}: params differ: {a.get("params")} vs {b.get("params")}')
        na, nb = int(a['samples']), int(b['samples'])
        out(f'\n== point {idx} {a.get("params") or ""}  (A n={na}, B n={nb})')
        out(f'  {"outcome":<12}{"A":>10}{"B":>10}   {"A ci95":<22}{"B ci95":<22}{"overlap":<9}{"z":>7}')
        for o in OUTCOMES:
            ka, kb = outcome_count(a, o, 'A'), outcome_count(b, o, 'B')
            ca, cb = cp95(ka, na), cp95(kb, nb)
            ov = ca[0] <= cb[1] and cb[0] <= ca[1]
            z, flag = judge(f'point {idx} {o}', ka, na, kb, nb)
            out(f'  {o:<12}{ka / na:10.4f}{kb / nb:10.4f}   [{ca[0]:.4f}, {ca[1]:.4f}]      [{cb[0]:.4f}, {cb[1]:.4f}]      '
                f'{"yes" if ov else "NO":<9}{z:7.2f}{flag}')
        # saddle-mass bounds
        sa, sb = a.get('saddle_mass', {}), b.get('saddle_mass', {})
        out('  saddle_mass ' + '  '.join(f'{k}: A {fmt(sa.get(k), 8)} B {fmt(sb.get(k), 8)}'
                                         for k in ('lower', 'lower95', 'upper', 'upper95')))
        # labels (informational)
        la, lb = a.get('labels', {}), b.get('labels', {})
        out(f'  {"label":<12}{"A":>10}{"B":>10}{"z":>8}')
        for lab in sorted(set(la) | set(lb), key=lambda s: (len(s), s)):
            ka = int(la.get(lab, {}).get('count', 0)); kb = int(lb.get(lab, {}).get('count', 0))
            z = two_prop_z(ka, na, kb, nb)
            out(f'  {lab:<12}{ka / na:10.4f}{kb / nb:10.4f}{z:8.2f}' + ('  (label differs, informational)' if abs(z) > zmax else ''))
        # censored quantiles (informational)
        ia, ib = a.get('itineraries'), b.get('itineraries')
        if ia is not None and ib is not None:
            # Itinerary frequencies: every sequence either side reports (a peer's 'all' holds every sequence it saw);
            # a sequence missing from one side's list counts as 0 there only when that side lists every sequence.
            nia, nib = int(ia['count']), int(ib['count'])
            ca = ia.get('all') or {q['sequence']: q['count'] for q in ia['sequences']}
            cb = ib.get('all') or {q['sequence']: q['count'] for q in ib['sequences']}
            complete_a, complete_b = 'all' in ia or ia.get('other', 0) == 0, 'all' in ib or ib.get('other', 0) == 0
            out(f'  {"itinerary":<34}{"A":>10}{"B":>10}{"z":>8}   (A n={nia}, B n={nib})')
            for seq in sorted(set(ca) | set(cb), key=lambda k: (-(ca.get(k, 0) / max(nia, 1) + cb.get(k, 0) / max(nib, 1)), k)):
                if (seq not in ca and not complete_a) or (seq not in cb and not complete_b):
                    out(f'  {seq:<34}  (in the other side\'s "other": not compared)')
                    continue
                ka, kb = int(ca.get(seq, 0)), int(cb.get(seq, 0))
                z, flag = judge(f'point {idx} itinerary {seq}', ka, nia, kb, nib)
                out(f'  {seq:<34}{ka / nia:10.4f}{kb / nib:10.4f}{z:8.2f}{flag}')
            da, db = ia.get('dwell', {}), ib.get('dwell', {})
            for lab in sorted(set(da) | set(db), key=lambda s: (len(s), s)):
                xa, xb = da.get(lab, {}), db.get(lab, {})
                out(f'  dwell at {lab:<10} ' + '  '.join(f'{q}: A {fmt(xa.get(q), 8)} B {fmt(xb.get(q), 8)}' for q in QS)
                    + f'  (completed A {xa.get("completed")} B {xb.get("completed")}, censored A {xa.get("censored")} B {xb.get("censored")})')
        for key in ('t_global', 't_hit'):
            qa, qb = a.get(key), b.get(key)
            if qa is None or qb is None:
                out(f'  {key}: absent in {"A" if qa is None else "B"}')
                continue
            ca_, cb_ = int(qa.get('count', 0)), int(qb.get('count', 0))
            out(f'  {key}: count A {ca_} B {cb_} (z {two_prop_z(ca_, na, cb_, nb):.2f})')
            for q in QS:
                va, vb = qa.get(q), qb.get(q)
                se = None
                for src, n_src in ((qb, nb), (qa, na)):
                    s = (src.get('se') or {}).get(q)
                    if s is not None:
                        se = s * math.sqrt(n_src * (1 / na + 1 / nb))   # se of the difference, scaled to both n
                        break
                if va is None and vb is None:
                    note = 'both censored'
                elif va is None or vb is None:
                    note = 'censored in one only (the quantile sits near the censored share)'
                elif se:
                    note = f'diff {va - vb:+.4g} = {(va - vb) / se:+.2f} se'
                else:
                    note = f'diff {va - vb:+.4g} (no se)'
                out(f'    {q}: A {fmt(va)}  B {fmt(vb)}   {note}')
    return failures, worst


def read_times(path):
    """{point: {'t_global': [...], 't_hit': [...]}} over the non-diverged rows; an empty cell (not reached) is +inf."""
    import csv
    out = {}
    with open(path, newline='') as f:
        for row in csv.DictReader(f):
            if row['status'] == 'diverged':
                continue
            d = out.setdefault(int(row['point']), {'t_global': [], 't_hit': []})
            for key in d:
                d[key].append(float(row[key]) if row.get(key) not in (None, '') else math.inf)
    return out


def ks_report(path_a, path_b):
    """Two-sample Kolmogorov-Smirnov on t_global and t_hit per point. Samples not reached count as +inf on both sides
    (the empirical distributions then include the censored mass, which stays comparable while both run to the same
    rule); exact p-value where scipy offers it."""
    from scipy.stats import ks_2samp
    ta, tb = read_times(path_a), read_times(path_b)
    print('\nKolmogorov-Smirnov (per-sample files; unreached = +inf on both sides)')
    for idx in sorted(set(ta) & set(tb)):
        for key in ('t_global', 't_hit'):
            xa, xb = ta[idx][key], tb[idx][key]
            if not any(math.isfinite(x) for x in xa) and not any(math.isfinite(x) for x in xb):
                print(f'  point {idx} {key}: never reached on either side')
                continue
            r = ks_2samp(xa, xb)
            print(f'  point {idx} {key}: n A {len(xa)} B {len(xb)}  D = {r.statistic:.4f}  p = {r.pvalue:.3g}')


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('a'); ap.add_argument('b')
    ap.add_argument('--z', type=float, default=3.0, help='|z| above which an outcome fraction counts as different')
    ap.add_argument('--samples', nargs=2, metavar=('A.csv', 'B.csv'), default=None,
                    help='per-sample files (sweep\'s samples.csv, outcomes.py --samples-csv): also a two-sample '
                         'Kolmogorov-Smirnov test on t_global and t_hit per point (informational, never failing)')
    args = ap.parse_args(argv)
    try:
        A = json.load(open(args.a)); B = json.load(open(args.b))
        print(f'A: {args.a} ({A.get("campaign")})\nB: {args.b} ({B.get("campaign")})')
        failures, worst = compare(A, B, args.z)
    except (OSError, ValueError, KeyError, Unusable) as e:
        print(f'error: cannot compare: {e}', file=sys.stderr)
        return 2
    if args.samples:
        try:
            ks_report(*args.samples)
        except (OSError, ValueError, KeyError) as e:
            print(f'error: cannot read the per-sample files: {e}', file=sys.stderr)
            return 2
    print(f'\nlargest |z| over outcome and itinerary fractions: {worst:.2f}')
    if failures:
        print('INCOMPATIBLE (|z| > %g):\n  ' % args.z + '\n  '.join(failures))
        return 1
    print('compatible: every outcome (and itinerary) fraction within |z| <= %g' % args.z)
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/python3
"""Independent check of sweep's second-order analysis (analysis.hessian), written from the project's design notes
(the second-order analysis is now described in docs/math.md, "Strict and non-strict saddles", and docs/outputs.md) and the README's definition of tau
alone, not from src/Sweep.Numerics.

usage: hessian.py [--oracles] [CAMPAIGN.json SWEEP_DIR ...]

The Hessian is assembled column by column from central finite differences of the exact numpy gradient of
outcomes.py (h = 1e-5, all 2n perturbed points in one batch), symmetrised and diagonalised with numpy.linalg.eigvalsh.
tau = 1e-3 * s_1^(2 - 2/N) (canonical problems, N = H + 1 layers); strict iff lambda_min < -tau; nullity = #|lambda| <= tau.

--oracles: constructed critical points (square global minima, the H = 1 saddle missing mode 1, W = 0 for H >= 2).
CAMPAIGN SWEEP_DIR: runs the campaign's flow with outcomes.py's own integrator and draws (analysis.hessian = "all"
or "uncertified"), analyses its stop states, and compares per point and label with SWEEP_DIR/samples.csv: strict
counts, the distribution of the negative count and of the nullity, and lambda_min quantiles.  Exit 1 when strictness
or the most frequent nullity / negative count disagree."""
import os
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import sys, json, csv, collections
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import outcomes as oc

H_FD = 1e-5


def hessian(prob, w):
    n = prob.n
    pts = np.repeat(w[None, :], 2 * n, axis=0)
    idx = np.arange(n)
    pts[idx, idx] += H_FD
    pts[n + idx, idx] -= H_FD
    g = np.empty_like(pts)
    prob.loss_grad(pts, g)
    H = (g[:n] - g[n:]) / (2 * H_FD)          # row k = d grad / d w_k
    return 0.5 * (H + H.T)


def tau(prob):
    N = prob.nlayers
    return 1e-3 * prob.s[0] ** (2 - 2 / N)


def analyse(prob, w):
    lam = np.linalg.eigvalsh(hessian(prob, w))
    t = tau(prob)
    return float(lam[0]), int(np.sum(lam < -t)), int(np.sum(np.abs(lam) <= t))


def random_orthogonal(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def critical_point(prob, learned, rng):
    """Balanced factors s_i^(1/N) along the learned modes (U = V = I), hidden spaces rotated at random."""
    N = prob.nlayers
    Ws = []
    for i, (r, c) in enumerate(prob.shapes):
        W = np.zeros((r, c))
        for m in learned:
            W[m, m] = prob.s[m] ** (1 / N)
        Ws.append(W)
    for i in range(N - 1):
        Q = random_orthogonal(rng, prob.shapes[i][0])
        Ws[i] = Q @ Ws[i]
        Ws[i + 1] = Ws[i + 1] @ Q.T
    return np.concatenate([W.ravel() for W in Ws])


def oracles():
    rng = np.random.default_rng(1)
    S = [3, 1.5, 0.4]
    rows = []
    for H, expect in ((2, 18), (3, 27)):
        prob = oc.Canonical(S, 3, [3] * H)
        lmin, neg, null = analyse(prob, critical_point(prob, [0, 1, 2], rng))
        rows.append((f'square global minimum d=3 H={H}', lmin, neg, null, f'nullity {expect}, lambda_min ~ 0',
                     null == expect and neg == 0 and abs(lmin) < 1e-6))
    prob = oc.Canonical(S, 3, [3])
    lmin, neg, null = analyse(prob, critical_point(prob, [0, 2], rng))
    rows.append(('H=1 saddle missing mode 1', lmin, neg, null, 'strict, lambda_min ~ -1.5, 2 negative',
                 neg == 2 and abs(lmin + 1.5) < 1e-6))
    for H in (2, 3):
        prob = oc.Canonical(S, 4, [4] * H)
        lmin, neg, null = analyse(prob, np.zeros(prob.n))
        rows.append((f'W = 0, H={H}', lmin, neg, null, 'Hessian zero (non-strict)', neg == 0 and null == prob.n and abs(lmin) < 1e-9))
    ok = True
    print(f"{'case':32} {'lambda_min':>12} {'neg':>4} {'null':>5}  expectation")
    for name, lmin, neg, null, what, good in rows:
        print(f"{name:32} {lmin:12.6g} {neg:4d} {null:5d}  {what}: {'ok' if good else 'FAIL'}")
        ok &= good
    return ok


def sweep_rows(dirpath):
    out = collections.defaultdict(list)
    with open(os.path.join(dirpath, 'samples.csv')) as f:
        for r in csv.DictReader(f):
            if r['hessian_min'] != '':
                out[int(r['point'])].append((r['label'], float(r['hessian_min']), int(float(r['hessian_negative'])),
                                             int(float(r['hessian_null'])) if r['hessian_null'] != '' else None))
    return out


def peer_rows(campaign):
    scope = campaign.get('analysis', {}).get('hessian', 'none')
    out = {}
    for idx, params, cfg in oc.points(campaign):
        pr, dyn, init, stop = cfg['problem'], cfg['dynamics'], cfg['init'], cfg['stop']
        prob = oc.Canonical(pr['singular_values'], pr['input_dim'], cfg['network']['hidden'])
        n = int(cfg['samples'])
        sup = prob.suppressed_index(init.get('suppress_modes') or [])
        y0 = oc.initial_weights(prob, n, float(init['scale']), campaign['seed'], idx, sup)
        res = oc.integrate_point(prob, y0, float(dyn['t_max']), float(dyn['rtol']), float(dyn['atol']),
                                 float(stop['grad_tol_rel']) * prob.sigma_norm, float(stop['eps_hit']), stop['until'], sup)
        masks = prob.labels(res['y_final'])
        rows = []
        for k in range(n):
            o = res['outcome'][k]
            if o == 'diverged' or (scope == 'uncertified' and o != 'unresolved'):
                continue
            rows.append((oc.label_string(masks[k]),) + analyse(prob, res['y_final'][k]))
        out[idx] = (params, rows)
    return out


def compare(campaign_path, sweep_dir):
    campaign = json.load(open(campaign_path))
    ours = sweep_rows(sweep_dir)
    peer = peer_rows(campaign)
    ok = True
    print(f"== {campaign['name']} ({campaign_path}; sweep results {sweep_dir})")
    for idx, (params, prow) in peer.items():
        srow = ours.get(idx, [])
        print(f"point {idx} {params or ''}: analysed sweep {len(srow)}, peer {len(prow)}")
        for label in sorted({r[0] for r in srow} | {r[0] for r in prow}):
            a = [r for r in srow if r[0] == label]
            b = [r for r in prow if r[0] == label]
            def desc(rs):
                if not rs:
                    return 'none', None, None, None
                strict = sum(1 for r in rs if r[2] > 0)
                neg = collections.Counter(r[2] for r in rs).most_common(1)[0][0]
                nulls = [r[3] for r in rs if r[3] is not None]
                null = collections.Counter(nulls).most_common(1)[0][0] if nulls else None
                q = np.percentile([r[1] for r in rs], [10, 50, 90])
                return f"strict {strict}/{len(rs)}, negatives (mode) {neg}, nullity (mode) {null}, lambda_min p10/p50/p90 {q[0]:.4g}/{q[1]:.4g}/{q[2]:.4g}", strict / len(rs), neg, null
            da, fa, na, ua = desc(a)
            db, fb, nb, ub = desc(b)
            agree = fa is not None and fb is not None and round(fa) == round(fb) and abs(fa - fb) < 0.1 and na == nb and ua == ub
            ok &= agree or fa is None or fb is None
            print(f"  {label:10} sweep: {da}\n  {'':10} peer:  {db}\n  {'':10} {'agree' if agree else 'DISAGREE' if fa is not None and fb is not None else 'one side only'}")
    return ok


def main(argv):
    ok = True
    if '--oracles' in argv:
        ok &= oracles()
        argv = [a for a in argv if a != '--oracles']
    for i in range(0, len(argv) - 1, 2):
        ok &= compare(argv[i], argv[i + 1])
    print('all agree' if ok else 'DISAGREEMENT')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
"""Independent reference implementation of ActorSweep's outcome classification for gradient flow on deep linear
networks (canonical problems only), written from the project's design notes alone (their mathematics is now in
docs/math.md and docs/statistics.md, the formats in docs/campaign.md and docs/outputs.md).

usage: outcomes.py CAMPAIGN.json [--samples N] [--seed S] [--out FILE] [--samples-csv FILE] [--quiet]
                   [--integrator auto|dp45|radau5] [--stiff Radau|BDF]

Runs every sweep point of the campaign with its own numpy random draws and writes one JSON document shaped like
sweep's summary.json (see README.md in this folder).  Needs Debian's python3-numpy and python3-scipy; run it with
/usr/bin/python3.  Single-threaded BLAS (OPENBLAS_NUM_THREADS=1 unless set)."""
import os
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import sys, json, copy, time, math, argparse, itertools
import numpy as np
from scipy.stats import beta

# ----------------------------------------------------------------------------------------------------------------
# Dormand–Prince 5(4) tableau (Dormand & Prince 1980; Hairer, Nørsett & Wanner, Solving ODEs I, Table 5.2)
A21 = 1 / 5
A31, A32 = 3 / 40, 9 / 40
A41, A42, A43 = 44 / 45, -56 / 15, 32 / 9
A51, A52, A53, A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
A61, A62, A63, A64, A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
B1, B3, B4, B5, B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84          # 5th order, = row 7 (FSAL)
# error coefficients b - b_hat (b_hat the embedded 4th-order weights)
E1, E3, E4, E5, E6, E7 = 71 / 57600, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40

DIVERGE_ABS = 1e8          # a weight beyond this magnitude counts as diverged
H_COLLAPSE_REL = 1e-13     # step size below this (relative to max(1, t)) counts as a numerical failure


class Canonical:
    """L = 1/2 ||Sigma - P||_F^2, Sigma = [diag(s), 0] (d_y x d_x), P = W_{H+1} ... W_1."""

    def __init__(self, s, dx, hidden):
        s = np.asarray(s, dtype=float)
        if s.ndim != 1 or len(s) == 0 or np.any(s <= 0) or np.any(np.diff(s) >= 0):
            raise ValueError('problem.singular_values must be strictly decreasing and positive')
        self.s = s
        self.dy = len(s)
        self.dx = int(dx)
        if self.dx < self.dy:
            raise ValueError('problem.input_dim must be >= number of singular values')
        self.hidden = [int(h) for h in hidden]
        if len(self.hidden) < 1 or min(self.hidden) < self.dy:
            raise ValueError('network.hidden: need H >= 1 and every width >= d_y')
        self.dims = [self.dx] + self.hidden + [self.dy]
        self.nlayers = len(self.dims) - 1
        self.shapes = [(self.dims[i + 1], self.dims[i]) for i in range(self.nlayers)]   # W_1 .. W_{H+1}
        self.offsets = np.cumsum([0] + [r * c for r, c in self.shapes])
        self.n = int(self.offsets[-1])
        self.sigma = np.zeros((self.dy, self.dx))
        self.sigma[np.arange(self.dy), np.arange(self.dy)] = s
        self.sigma_norm = float(np.sqrt(np.sum(s ** 2)))
        self.L_min = 0.0
        self.L2 = self.L_min + 0.5 * s[-1] ** 2            # smallest non-global critical value
        self.delta = 1e-6 * (self.L2 - self.L_min)          # margin for the loss's evaluation error

    def critical_value(self, learned_mask_bool):
        return 0.5 * float(np.sum(self.s[~np.asarray(learned_mask_bool)] ** 2))

    def weights(self, y):
        """Views W_1..W_{H+1} (each (B, r, c)) into the flat batch y (B, n)."""
        B = y.shape[0]
        return [y[:, self.offsets[i]:self.offsets[i + 1]].reshape(B, r, c) for i, (r, c) in enumerate(self.shapes)]

    def product(self, y):
        Ws = self.weights(y)
        P = Ws[0]
        for W in Ws[1:]:
            P = np.matmul(W, P)
        return P

    def loss_grad(self, y, out):
        """Loss (B,) and gradient written into out (B, n)."""
        Ws = self.weights(y)
        B = y.shape[0]
        pre = [None] * (self.nlayers + 1)    # pre[k] = W_k ... W_1 ; pre[0] = identity (None)
        pre[1] = Ws[0]
        for k in range(2, self.nlayers + 1):
            pre[k] = np.matmul(Ws[k - 1], pre[k - 1])
        E = pre[self.nlayers] - self.sigma                   # (B, dy, dx)
        loss = 0.5 * np.einsum('bij,bij->b', E, E)
        R = E                                               # R_i = (W_{H+1} ... W_{i+1})^T E
        for i in range(self.nlayers, 0, -1):                # layer i (1-based)
            r, c = self.shapes[i - 1]
            G = out[:, self.offsets[i - 1]:self.offsets[i]].reshape(B, r, c)
            if i == 1:
                G[...] = R
            else:
                np.matmul(R, np.swapaxes(pre[i - 1], 1, 2), out=G)
                R = np.matmul(np.swapaxes(Ws[i - 1], 1, 2), R)
        return loss

    def labels(self, y):
        P = self.product(y)
        z = P[:, np.arange(self.dy), np.arange(self.dy)]    # U = V = I for canonical problems
        return z > self.s / 2                               # (B, dy) bool

    def invariants(self, y):
        Ws = self.weights(y)
        return [np.matmul(np.swapaxes(Ws[i + 1], 1, 2), Ws[i + 1]) - np.matmul(Ws[i], np.swapaxes(Ws[i], 1, 2))
                for i in range(self.nlayers - 1)]

    def manifold_threshold(self, modes):
        """Certificate level on the invariant manifold of the suppressed modes (docs/math.md, Outcomes and certificates): the critical values reachable
        there are L_S with S inside the free modes; the lowest is 1/2 sum_{i suppressed} s_i^2, the second-lowest L'
        adds 1/2 s_j^2 of the smallest free mode j.  Returns L' - delta' with delta' = 1e-6 (L' - lowest), the global
        rule's margin (no suppressed mode: L' = L_2, threshold L_2 - delta).  +inf when every mode is suppressed (one
        critical value: the limit is the saddle from t = 0)."""
        sup = sorted(set(int(i) for i in modes))
        free = [i for i in range(self.dy) if i not in sup]
        if not free:
            return math.inf
        low = self.L_min + 0.5 * float(np.sum(self.s[sup] ** 2)) if sup else self.L_min
        second = low + 0.5 * float(np.min(self.s[free]) ** 2)
        return second - 1e-6 * (second - low)

    def suppressed_index(self, modes):
        """Flat indices of the entries that suppression zeroes: column i of W_1 and row i of W_{H+1}."""
        idx = []
        for i in modes:
            if not (0 <= i < self.dy):
                raise ValueError(f'init.suppress_modes: mode {i} out of range 0..{self.dy - 1}')
            r1, c1 = self.shapes[0]
            idx += [self.offsets[0] + row * c1 + i for row in range(r1)]
            rl, cl = self.shapes[-1]
            idx += [self.offsets[-2] + i * cl + col for col in range(cl)]
        return np.array(sorted(set(idx)), dtype=np.int64)


def label_string(mask_row):
    return '{' + ','.join(str(i) for i in np.nonzero(mask_row)[0]) + '}'


def initial_weights(prob, n, scale, seed, point, suppress_idx):
    """Each sample from its own numpy generator seeded by (seed, point, sample): entries N(0, scale^2) in buffer
    order (W_1 row-major, then W_2, ...)."""
    y0 = np.empty((n, prob.n))
    for k in range(n):
        y0[k] = np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, point, k]).standard_normal(prob.n) * scale
    if len(suppress_idx):
        y0[:, suppress_idx] = 0.0
    return y0


def rms(x):
    return np.sqrt(np.mean(x * x, axis=1))


def integrate_point(prob, y0, t_max, rtol, atol, gtol, eps_hit, until, suppress_idx, max_iters=10 ** 7, itinerary=False,
                    thr_saddle=None, max_steps=None):
    """Batched adaptive Dormand–Prince 5(4) for dW/dt = -grad L, one step size per trajectory.
    Returns a dict of per-sample arrays.  With itinerary: res['itinerary'][k] is sample k's list of (label mask, entry
    time), the label (mode i learned iff P_ii > s_i/2) at t = 0 and every change at an accepted step, timed at the
    first accepted state that carries it."""
    N, n = y0.shape
    thr_global = prob.L2 - prob.delta
    thr_hit = prob.L_min + eps_hit
    has_sup = len(suppress_idx) > 0

    # per-sample results (indexed by original sample)
    res = dict(status=np.array(['running'] * N, dtype=object), outcome=np.array([''] * N, dtype=object),
               t_stop=np.zeros(N), t_hit=np.full(N, np.inf), t_global=np.full(N, np.inf),
               t_saddle=np.full(N, np.inf), final_loss=np.full(N, np.nan), grad_norm=np.full(N, np.nan),
               steps=np.zeros(N, dtype=np.int64), rejected=np.zeros(N, dtype=np.int64),
               rhs_evals=np.zeros(N, dtype=np.int64), y_final=np.full((N, n), np.nan))

    bits = 1 << np.arange(prob.dy)
    def codes(yy):
        return (prob.labels(yy) * bits).sum(axis=1)
    if itinerary:
        res['itinerary'] = [[] for _ in range(N)]

    # active state, compacted as trajectories finish
    ids = np.arange(N)
    y = y0.copy()
    cur = codes(y)
    if itinerary:
        for k in range(N):
            res['itinerary'][k].append((int(cur[k]), 0.0))
    g = np.empty_like(y)
    L = prob.loss_grad(y, g)
    k1 = -g
    gn = np.sqrt(np.sum(g * g, axis=1))
    t = np.zeros(N)
    evals = np.ones(N, dtype=np.int64)
    steps = np.zeros(N, dtype=np.int64)
    rej = np.zeros(N, dtype=np.int64)
    last_rejected = np.zeros(N, dtype=bool)

    # Hairer's starting step (Solving ODEs I, II.4), batched
    sc0 = atol + rtol * np.abs(y)
    d0 = rms(y / sc0)
    d1 = rms(k1 / sc0)
    h0 = np.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6, 0.01 * d0 / np.where(d1 > 0, d1, 1.0))
    h0 = np.minimum(h0, t_max)
    y1 = y + h0[:, None] * k1
    g1 = np.empty_like(y)
    prob.loss_grad(y1, g1)
    evals += 1
    d2 = rms((-g1 - k1) / sc0) / h0
    dmax = np.maximum(d1, d2)
    h1 = np.where(dmax <= 1e-15, np.maximum(1e-6, h0 * 1e-3), (0.01 / np.where(dmax > 0, dmax, 1.0)) ** 0.2)
    h = np.minimum(100 * h0, h1)
    del y1, g1

    # certificates at t = 0
    cert_global = L < thr_global
    res['t_global'][cert_global] = 0.0
    hit0 = (L - prob.L_min) <= eps_hit
    res['t_hit'][hit0] = 0.0
    hit = hit0.copy()
    if thr_saddle is None:                   # the legacy rule (gradient test on the manifold), kept for old callers
        saddle_ok = lambda L_, gn_: gn_ <= gtol
    else:                                    # docs/math.md: exact zeros and L < L' - delta
        saddle_ok = lambda L_, gn_: L_ < thr_saddle
    if has_sup:
        on_manifold = np.all(y[:, suppress_idx] == 0.0, axis=1)
        cert_saddle = on_manifold & saddle_ok(L, gn)
    else:
        cert_saddle = np.zeros(N, dtype=bool)
    res['t_saddle'][cert_saddle] = 0.0

    def finish(mask, status):
        """Record and remove the active trajectories in mask."""
        nonlocal ids, y, k1, L, gn, t, h, evals, steps, rej, last_rejected, cert_global, cert_saddle, hit, cur
        if not mask.any():
            return
        o = ids[mask]
        res['status'][o] = status
        res['t_stop'][o] = t[mask]
        res['final_loss'][o] = L[mask]
        res['grad_norm'][o] = gn[mask]
        res['steps'][o] = steps[mask]
        res['rejected'][o] = rej[mask]
        res['rhs_evals'][o] = evals[mask]
        res['y_final'][o] = y[mask]
        oc = np.where(cert_global[mask], 'global', np.where(cert_saddle[mask], 'saddle', 'unresolved'))
        if status == 'diverged':
            oc[:] = 'diverged'
        res['outcome'][o] = oc
        keep = ~mask
        ids, y, k1, L, gn, t, h = ids[keep], y[keep], k1[keep], L[keep], gn[keep], t[keep], h[keep]
        evals, steps, rej, last_rejected = evals[keep], steps[keep], rej[keep], last_rejected[keep]
        cert_global, cert_saddle, hit = cert_global[keep], cert_saddle[keep], hit[keep]
        cur = cur[keep]

    def stop_condition():
        cert = cert_global | cert_saddle
        if until == 'certified':
            return cert
        if until == 'hit':
            return cert & hit
        return cert & (gn <= gtol)           # converged

    # t = 0: non-finite start, or already stopping
    bad0 = ~np.isfinite(y).all(axis=1) | ~np.isfinite(L)
    finish(bad0, 'diverged')
    finish(stop_condition(), 'converged')

    it = 0
    while len(ids) and it < max_iters:
        it += 1
        B = len(ids)
        hh = np.minimum(h, t_max - t)
        lands = h >= t_max - t                   # this step would reach the horizon exactly
        hc = hh[:, None]
        k2 = np.empty_like(y); k3 = np.empty_like(y); k4 = np.empty_like(y)
        k5 = np.empty_like(y); k6 = np.empty_like(y); k7 = np.empty_like(y)
        prob.loss_grad(y + hc * (A21 * k1), k2); np.negative(k2, out=k2)
        prob.loss_grad(y + hc * (A31 * k1 + A32 * k2), k3); np.negative(k3, out=k3)
        prob.loss_grad(y + hc * (A41 * k1 + A42 * k2 + A43 * k3), k4); np.negative(k4, out=k4)
        prob.loss_grad(y + hc * (A51 * k1 + A52 * k2 + A53 * k3 + A54 * k4), k5); np.negative(k5, out=k5)
        prob.loss_grad(y + hc * (A61 * k1 + A62 * k2 + A63 * k3 + A64 * k4 + A65 * k5), k6)
        np.negative(k6, out=k6)
        ynew = y + hc * (B1 * k1 + B3 * k3 + B4 * k4 + B5 * k5 + B6 * k6)
        Lnew = prob.loss_grad(ynew, k7)          # k7 holds +grad for now
        gnew = np.sqrt(np.sum(k7 * k7, axis=1))
        np.negative(k7, out=k7)
        evals += 6
        err = hc * (E1 * k1 + E3 * k3 + E4 * k4 + E5 * k5 + E6 * k6 + E7 * k7)
        sc = atol + rtol * np.maximum(np.abs(y), np.abs(ynew))
        en = rms(err / sc)
        finite = np.isfinite(en) & np.isfinite(Lnew) & np.isfinite(ynew).all(axis=1)
        en = np.where(finite, en, np.inf)
        acc = en <= 1.0

        # step-size controller: 0.9 * err^(-1/5) clipped to [0.2, 10]; no growth right after a rejection
        with np.errstate(divide='ignore'):
            fac = np.clip(0.9 * np.power(np.maximum(en, 1e-30), -0.2), 0.2, 10.0)
        fac = np.where(acc & last_rejected, np.minimum(fac, 1.0), fac)
        hnext = hh * fac
        last_rejected = ~acc
        rej += ~acc

        # accepted steps: crossings (linear interpolation in time between the bracketing accepted steps)
        tnew = np.where(lands, t_max, t + hh)
        cross_g = acc & ~cert_global & (Lnew < thr_global)
        if cross_g.any():
            Lo, Ln = L[cross_g], Lnew[cross_g]
            frac = np.where(Lo > Ln, (Lo - thr_global) / np.where(Lo > Ln, Lo - Ln, 1.0), 1.0)
            frac = np.clip(frac, 0.0, 1.0)
            res['t_global'][ids[cross_g]] = t[cross_g] + frac * (tnew[cross_g] - t[cross_g])
            cert_global = cert_global | cross_g
        cross_h = acc & ~hit & ((Lnew - prob.L_min) <= eps_hit)
        if cross_h.any():
            Lo, Ln = L[cross_h], Lnew[cross_h]
            frac = np.where(Lo > Ln, (Lo - thr_hit) / np.where(Lo > Ln, Lo - Ln, 1.0), 1.0)
            frac = np.clip(frac, 0.0, 1.0)
            res['t_hit'][ids[cross_h]] = t[cross_h] + frac * (tnew[cross_h] - t[cross_h])
            hit = hit | cross_h

        a = acc[:, None]
        y = np.where(a, ynew, y)
        k1 = np.where(a, k7, k1)
        L = np.where(acc, Lnew, L)
        gn = np.where(acc, gnew, gn)
        t = np.where(acc, tnew, t)
        steps += acc
        h = hnext
        if itinerary:
            new = codes(y)
            changed = acc & (new != cur)
            for j in np.nonzero(changed)[0]:
                res['itinerary'][ids[j]].append((int(new[j]), float(t[j])))
            cur = np.where(changed, new, cur)

        if has_sup:
            new_saddle = acc & ~cert_saddle & saddle_ok(L, gn) & np.all(y[:, suppress_idx] == 0.0, axis=1)
            if new_saddle.any():
                res['t_saddle'][ids[new_saddle]] = t[new_saddle]
                cert_saddle = cert_saddle | new_saddle

        # stops: divergence, step collapse, the `until` condition, the horizon
        diverged = acc & (np.abs(y).max(axis=1) > DIVERGE_ABS)
        collapse = ~acc & (hnext < H_COLLAPSE_REL * np.maximum(1.0, t))
        stop = acc & stop_condition()
        horizon = acc & (t >= t_max)
        finish(diverged | collapse, 'diverged')
        # finish() compacts; recompute the remaining masks on the compacted arrays
        keep = ~(diverged | collapse)
        stop, horizon = stop[keep], horizon[keep]
        finish(stop, 'converged')
        horizon = horizon[~stop]
        budget = ~horizon & (steps >= (max_steps or np.iinfo(np.int64).max))
        finish(horizon, 'horizon')
        finish(budget[~horizon], 'budget')
    if len(ids):
        finish(np.ones(len(ids), dtype=bool), 'horizon')   # max_iters safeguard (never reached in practice)
    return res


# ----------------------------------------------------------------------------------------------------------------
# implicit (stiff) flow: scipy's Radau IIA (order 5, L-stable) or BDF, one trajectory at a time
JAC_FD = 1e-6          # central-difference step of the Jacobian (relative to max(1, |w_k|))


def integrate_point_implicit(prob, y0, t_max, rtol, atol, gtol, eps_hit, until, suppress_idx, thr_saddle,
                             max_steps=None, itinerary=False, method='Radau'):
    """Per trajectory, scipy.integrate's Radau (or BDF) stepper for dW/dt = -grad L on the free coordinates only (the
    suppressed entries are not integrated: they are exactly 0), with the Jacobian -Hessian from central differences
    of the exact gradient (all 2n perturbed points in one batch).  Certificates and hits are tested at every accepted
    step; a crossing's time is the root (brentq) of L(sol(t)) - level on the step's dense output.  Stops: the until
    rule, t >= t_max (horizon), max_steps accepted steps (budget), or the stepper failing (step size too small:
    diverged, as for a non-finite or exploding weight)."""
    from scipy.integrate import Radau, BDF
    from scipy.optimize import brentq
    Stepper = {'Radau': Radau, 'BDF': BDF}[method]
    N, n = y0.shape
    thr_global = prob.L2 - prob.delta
    thr_hit = prob.L_min + eps_hit
    has_sup = len(suppress_idx) > 0
    free = np.setdiff1d(np.arange(n), suppress_idx)
    nf = len(free)
    max_steps = max_steps or np.iinfo(np.int64).max
    bound = t_max if math.isfinite(t_max) else 1e300
    res = dict(status=np.array(['running'] * N, dtype=object), outcome=np.array([''] * N, dtype=object),
               t_stop=np.zeros(N), t_hit=np.full(N, np.inf), t_global=np.full(N, np.inf),
               t_saddle=np.full(N, np.inf), final_loss=np.full(N, np.nan), grad_norm=np.full(N, np.nan),
               steps=np.zeros(N, dtype=np.int64), rejected=np.zeros(N, dtype=np.int64),
               rhs_evals=np.zeros(N, dtype=np.int64), jac_evals=np.zeros(N, dtype=np.int64),
               y_final=np.full((N, n), np.nan))
    if itinerary:
        res['itinerary'] = [[] for _ in range(N)]
    bits = 1 << np.arange(prob.dy)
    full = np.zeros((1, n))
    gbuf = np.zeros((1, n))
    jpts = np.zeros((2 * nf, n))
    jg = np.zeros((2 * nf, n))
    ar = np.arange(nf)

    def loss_grad(z):
        full[0, free] = z
        L = prob.loss_grad(full, gbuf)[0]
        return L, gbuf[0, free].copy()

    def rhs(t, z):
        return -loss_grad(z)[1]

    def jac(t, z):
        jpts[:] = 0.0
        jpts[:, free] = z
        h = JAC_FD * np.maximum(1.0, np.abs(z))
        jpts[ar, free] += h
        jpts[nf + ar, free] -= h
        prob.loss_grad(jpts, jg)
        Hm = (jg[:nf][:, free] - jg[nf:][:, free]) / (2 * h)[:, None]      # row k: d grad / d z_k
        return -0.5 * (Hm + Hm.T)

    def loss_at(z):
        return loss_grad(z)[0]

    for k in range(N):
        z = y0[k, free].copy()
        L, g = loss_grad(z)
        gn = float(np.sqrt(g @ g))
        t = 0.0
        cg = L < thr_global and not has_sup
        cs = has_sup and L < thr_saddle
        hit = (L - prob.L_min) <= eps_hit
        if cg: res['t_global'][k] = 0.0
        if cs: res['t_saddle'][k] = 0.0
        if hit: res['t_hit'][k] = 0.0
        code = int((prob.labels(y0[k:k + 1])[0] * bits).sum())
        if itinerary:
            res['itinerary'][k].append((code, 0.0))

        def stop_now():
            c = cg or cs
            return c if until == 'certified' else (c and hit) if until == 'hit' else (c and gn <= gtol)

        status = 'converged' if stop_now() else None
        if not np.isfinite(L) or not np.all(np.isfinite(z)):
            status = 'diverged'
        st = None
        steps = 0
        while status is None:
            if st is None:
                st = Stepper(rhs, 0.0, z, bound, rtol=rtol, atol=atol, jac=jac)
            msg = st.step()
            if st.status == 'failed':
                status = 'diverged'
                break
            t_old, t_new = st.t_old, st.t
            z_new = st.y
            steps += 1
            Lnew, g = loss_grad(z_new)
            gn = float(np.sqrt(g @ g))
            if not np.isfinite(Lnew) or not np.all(np.isfinite(z_new)) or np.abs(z_new).max() > DIVERGE_ABS:
                z, L, t = z_new, Lnew, t_new
                status = 'diverged'
                break
            sol = None
            for level, key, flag in ((thr_global, 't_global', not cg and not has_sup), (thr_saddle, 't_saddle', not cs and has_sup),
                                     (thr_hit, 't_hit', not hit)):
                if flag and Lnew < level if key != 't_hit' else flag and Lnew - prob.L_min <= eps_hit:
                    sol = sol or st.dense_output()
                    f = lambda tt: loss_at(sol(tt)) - level
                    res[key][k] = brentq(f, t_old, t_new, xtol=1e-12 * max(1.0, t_new), rtol=1e-14) if L > level else t_new
                    if key == 't_global': cg = True
                    elif key == 't_saddle': cs = True
                    else: hit = True
            z, L, t = z_new, Lnew, t_new
            if itinerary:
                full[0, free] = z
                new = int((prob.labels(full)[0] * bits).sum())
                if new != code:
                    res['itinerary'][k].append((new, float(t)))
                    code = new
            if stop_now():
                status = 'converged'
            elif t >= t_max:
                status = 'horizon'
            elif steps >= max_steps:
                status = 'budget'
        yf = np.zeros(n)
        yf[free] = z
        res['status'][k] = status
        res['outcome'][k] = 'diverged' if status == 'diverged' else 'global' if cg else 'saddle' if cs else 'unresolved'
        res['t_stop'][k] = t
        res['final_loss'][k] = L
        res['grad_norm'][k] = gn
        res['steps'][k] = steps
        res['rhs_evals'][k] = 1 + (st.nfev if st is not None else 0)
        res['jac_evals'][k] = st.njev if st is not None else 0
        res['y_final'][k] = yf
    return res


# ----------------------------------------------------------------------------------------------------------------
# discrete methods: gd, heavy-ball momentum, Nesterov, Adam (from the README's definitions of dynamics.method)
DISCRETE = ('gd', 'momentum', 'nesterov', 'adam')


def descend_point(prob, y0, dyn, gtol, eps_hit, until):
    """All trajectories of a point at once, iteration k = time.  Update from the iterate W_k with gradient g:
    gd        W <- W - eta g
    momentum  v <- beta v + g;  W <- W - eta v
    nesterov  v <- beta v + g;  W <- W - eta (g + beta v)
    adam      m <- b1 m + (1-b1) g;  s <- b2 s + (1-b2) g^2;  W <- W - eta (m/(1-b1^t)) / (sqrt(s/(1-b2^t)) + eps), t = k+1
    Certificates, checked at every iterate: `global` (sticky) once the gradient test ||g|| <= gtol holds together with
    ||d|| <= gtol for the step direction d (W <- W - eta d) and the label is the global one; for gd (and momentum or
    Nesterov with beta = 0) also once L < L_2 - delta while every step so far decreased the loss.  t_global, t_hit:
    the first iterate satisfying the condition (no interpolation).  Diverged: a non-finite loss or gradient, or a
    weight beyond 1e8 in magnitude.  Stops as for the flow (until), else at k = max_iters ('horizon')."""
    method = dyn['method']
    eta = float(dyn['learning_rate'])
    K = int(dyn['max_iters'])
    beta1 = float(dyn.get('beta', dyn.get('beta1', 0.9 if method == 'adam' else 0.0)))
    beta2 = float(dyn.get('beta2', 0.999))
    eps = float(dyn.get('epsilon', 1e-8))
    loss_cert = method == 'gd' or (method in ('momentum', 'nesterov') and beta1 == 0.0)
    N, n = y0.shape
    thr_global = prob.L2 - prob.delta
    res = dict(status=np.array(['running'] * N, dtype=object), outcome=np.array([''] * N, dtype=object),
               t_stop=np.zeros(N), t_hit=np.full(N, np.inf), t_global=np.full(N, np.inf),
               final_loss=np.full(N, np.nan), grad_norm=np.full(N, np.nan),
               steps=np.zeros(N, dtype=np.int64), rejected=np.zeros(N, dtype=np.int64),
               rhs_evals=np.zeros(N, dtype=np.int64), y_final=np.full((N, n), np.nan))
    ids = np.arange(N)
    y = y0.copy()
    mom = np.zeros_like(y)
    sec = np.zeros_like(y)
    g = np.empty_like(y)
    cert = np.zeros(N, dtype=bool)
    hit = np.zeros(N, dtype=bool)
    decreasing = np.full(N, loss_cert)
    L_prev = np.full(N, np.inf)
    every = np.ones(prob.dy, dtype=bool)
    for k in range(K + 1):
        g = np.empty_like(y)
        L = prob.loss_grad(y, g)
        gn = np.sqrt(np.sum(g * g, axis=1))
        if method == 'gd':
            d, mom_new, sec_new = g, mom, sec
        elif method == 'momentum':
            mom_new = beta1 * mom + g
            d, sec_new = mom_new, sec
        elif method == 'nesterov':
            mom_new = beta1 * mom + g
            d, sec_new = g + beta1 * mom_new, sec
        else:
            t = k + 1
            mom_new = beta1 * mom + (1 - beta1) * g
            sec_new = beta2 * sec + (1 - beta2) * g * g
            d = (mom_new / (1 - beta1 ** t)) / (np.sqrt(sec_new / (1 - beta2 ** t)) + eps)
        with np.errstate(invalid='ignore', over='ignore'):
            dn = np.sqrt(np.sum(d * d, axis=1))
            bad = ~np.isfinite(L) | ~np.isfinite(gn) | ~(np.abs(y) <= DIVERGE_ABS).all(axis=1)
        newhit = ~hit & ((L - prob.L_min) <= eps_hit)
        res['t_hit'][ids[newhit]] = k
        hit |= newhit
        if loss_cert:
            decreasing &= (k == 0) | (L < L_prev)
            c = ~cert & decreasing & (L < thr_global)
            res['t_global'][ids[c]] = k
            cert |= c
        with np.errstate(invalid='ignore'):
            gt = (gn <= gtol) & (dn <= gtol)
        c = ~cert & gt & ~bad
        if c.any():
            lab = np.zeros(len(ids), dtype=bool)
            lab[c] = (prob.labels(y[c]) == every).all(axis=1)
            c &= lab
            res['t_global'][ids[c]] = k
            cert |= c
        if until == 'certified':
            stop = cert
        elif until == 'hit':
            stop = cert & hit
        else:
            stop = cert & gt
        horizon = np.full(len(ids), k >= K)
        for mask, status in ((bad, 'diverged'), (~bad & stop, 'converged'), (~bad & ~stop & horizon, 'horizon')):
            if mask.any():
                o = ids[mask]
                res['status'][o] = status
                res['t_stop'][o] = k
                res['final_loss'][o] = L[mask]
                res['grad_norm'][o] = gn[mask]
                res['steps'][o] = k
                res['rhs_evals'][o] = k + 1
                res['y_final'][o] = y[mask]
                res['outcome'][o] = 'diverged' if status == 'diverged' else np.where(cert[mask], 'global', 'unresolved')
        keep = ~(bad | stop | horizon)
        if not keep.any():
            break
        ids, y, mom_new, sec_new, d = ids[keep], y[keep], mom_new[keep], sec_new[keep], d[keep]
        cert, hit, decreasing, L_prev = cert[keep], hit[keep], decreasing[keep], L[keep]
        y = y - eta * d
        mom, sec = mom_new, sec_new
    return res


# ----------------------------------------------------------------------------------------------------------------
# statistics
def cp_two_sided(k, n, conf=0.95):
    if n == 0:
        return [None, None]
    a = 1 - conf
    lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return [lo, hi]


def cp_lower_one_sided(k, n, conf=0.95):
    return 0.0 if k == 0 else float(beta.ppf(1 - conf, k, n - k + 1))


def cp_upper_one_sided(k, n, conf=0.95):
    return 1.0 if k == n else float(beta.ppf(conf, k + 1, n - k))


def censored_quantiles(times, ps=(0.1, 0.5, 0.9)):
    """times: all non-diverged samples, +inf where censored. numpy 'linear' (type 7) quantile; None when the
    interpolation puts positive weight on a censored value. Also a distribution-free standard error per quantile
    from the order statistics n p -/+ 1.96 sqrt(n p (1-p)) (None when that band reaches a censored value)."""
    x = np.sort(np.asarray(times, dtype=float))
    n = len(x)
    out = {'count': int(np.sum(np.isfinite(x)))}
    se = {}
    for p in ps:
        key = f'p{int(round(p * 100))}'
        if n == 0:
            out[key] = None; se[key] = None; continue
        hpos = (n - 1) * p
        lo = int(math.floor(hpos)); frac = hpos - lo
        hi = min(lo + 1, n - 1)
        if not np.isfinite(x[lo]) or (frac > 0 and not np.isfinite(x[hi])):
            out[key] = None
        else:
            out[key] = float(x[lo] + frac * (x[hi] - x[lo])) if frac > 0 else float(x[lo])
        half = 1.96 * math.sqrt(n * p * (1 - p))
        jl = max(0, int(math.floor(n * p - half)))
        jh = min(n - 1, int(math.ceil(n * p + half)))
        se[key] = float((x[jh] - x[jl]) / (2 * 1.96)) if np.isfinite(x[jh]) and out[key] is not None else None
    out['se'] = se
    return out


def mask_label(code, dy):
    return '{' + ','.join(str(i) for i in range(dy) if code >> i & 1) + '}'


def itinerary_summary(prob, res, nd, top=10):
    """Sequence counts (labels joined by '>') over the non-diverged samples, the `top` most frequent with exact ci95,
    and per saddle (every label but the global one) the dwell time: entry of the next label minus entry, censored
    (+inf) when the sample was still there at the stop."""
    glob = (1 << prob.dy) - 1
    its = [res['itinerary'][k] for k in np.nonzero(nd)[0]]
    n = len(its)
    seqs = {}
    dwell = {}
    for it in its:
        key = '>'.join(mask_label(c, prob.dy) for c, _ in it)
        seqs[key] = seqs.get(key, 0) + 1
        for i, (c, t0) in enumerate(it):
            if c == glob:
                continue
            dwell.setdefault(c, []).append(it[i + 1][1] - t0 if i + 1 < len(it) else math.inf)
    ranked = sorted(seqs.items(), key=lambda kv: (-kv[1], kv[0]))
    sequences = [{'sequence': k, 'count': c, 'fraction': c / n, 'ci95': cp_two_sided(c, n)} for k, c in ranked[:top]]
    dw = {}
    for c in sorted(dwell):
        q = censored_quantiles(dwell[c])
        d = dwell[c]
        dw[mask_label(c, prob.dy)] = {'completed': int(np.sum(np.isfinite(d))), 'censored': int(np.sum(~np.isfinite(d))),
                                      'p10': q['p10'], 'p50': q['p50'], 'p90': q['p90'], 'se': q['se']}
    return {'count': n, 'sequences': sequences, 'other': n - sum(x['count'] for x in sequences), 'all': dict(ranked), 'dwell': dw}


def summarize(prob, res, index, params, n_total, t_max):
    status = res['status']
    outcome = res['outcome']
    nd = status != 'diverged'
    n = int(np.sum(nd))
    counts = {o: int(np.sum(outcome == o)) for o in ('global', 'saddle', 'unresolved', 'diverged')}
    outcomes = {o: {'count': c, 'fraction': c / n_total, 'ci95': cp_two_sided(c, n_total)} for o, c in counts.items()}
    ks, ku = counts['saddle'], counts['unresolved']
    saddle_mass = {'lower': ks / n if n else None, 'lower95': cp_lower_one_sided(ks, n) if n else None,
                   'upper': (ks + ku) / n if n else None, 'upper95': cp_upper_one_sided(ks + ku, n) if n else None}
    labels = {}
    yfin = res['y_final'][nd]
    if n:
        masks = prob.labels(yfin)
        strs = [label_string(m) for m in masks]
        for lab in sorted(set(strs), key=lambda s: (len(s), s)):
            c = strs.count(lab)
            m = masks[strs.index(lab)]
            labels[lab] = {'count': c, 'fraction': c / n_total, 'ci95': cp_two_sided(c, n_total),
                           'critical_value': prob.critical_value(m)}
    return {
        'index': index, 'params': params, 'samples': n_total,
        'status': {s: int(np.sum(status == s)) for s in ('converged', 'horizon', 'budget', 'diverged')},
        'singular_values': prob.s.tolist(), 'global_min': prob.L_min,
        'global_label': label_string(np.ones(prob.dy, dtype=bool)),
        'certificate': {'L2': prob.L2, 'delta': prob.delta, 'threshold': prob.L2 - prob.delta},
        'labels': labels,
        'global_fraction': labels.get(label_string(np.ones(prob.dy, dtype=bool)), {'count': 0})['count'] / n_total,
        'outcomes': outcomes,
        'saddle_mass': saddle_mass,
        't_global': censored_quantiles(res['t_global'][nd]),
        't_hit': censored_quantiles(res['t_hit'][nd]),
        'steps': {'mean': float(np.mean(res['steps'])), 'max': int(np.max(res['steps'])),
                  'rejected_mean': float(np.mean(res['rejected'])), 'rhs_evals_mean': float(np.mean(res['rhs_evals'])),
                  **({'jac_evals_mean': float(np.mean(res['jac_evals']))} if 'jac_evals' in res else {})},
        't_stop': {'min': float(np.min(res['t_stop'])), 'max': float(np.max(res['t_stop']))},
        **({'itineraries': itinerary_summary(prob, res, nd)} if 'itinerary' in res else {}),
    }


# ----------------------------------------------------------------------------------------------------------------
# campaign handling
DEFAULTS = {'dynamics': {'rtol': 1e-8, 'atol': 1e-10}, 'stop': {'grad_tol_rel': 1e-6, 'eps_hit': 1e-3, 'until': 'hit'},
            'init': {'suppress_modes': []}}


def set_dotted(d, key, value):
    parts = key.split('.')
    for p in parts[:-1]:
        d = d.setdefault(p, {})
    d[parts[-1]] = value


def points(campaign):
    sweep = campaign.get('sweep') or {}
    keys = list(sweep.keys())
    combos = list(itertools.product(*[sweep[k] for k in keys])) if keys else [()]
    for idx, combo in enumerate(combos):
        cfg = copy.deepcopy({k: v for k, v in campaign.items() if k != 'sweep'})
        for sect, dflt in DEFAULTS.items():
            for k, v in dflt.items():
                cfg.setdefault(sect, {}).setdefault(k, v)
        params = {}
        for k, v in zip(keys, combo):
            set_dotted(cfg, k, v)
            params[k] = v
        yield idx, params, cfg


def run_campaign(campaign, n_override=None, seed=None, log=print, want_samples=False, implicit=None, stiff_method='Radau'):
    seed = campaign['seed'] if seed is None else seed
    out = {'campaign': campaign.get('name'), 'implementation': 'tools/crosscheck/outcomes.py (numpy, independent)',
           'seed': seed, 'numpy': np.__version__, 'points': []}
    rows = []
    for idx, params, cfg in points(campaign):
        pr = cfg['problem']
        if pr.get('kind') != 'canonical':
            raise SystemExit('outcomes.py: only canonical problems are supported')
        dyn = cfg['dynamics']
        method = dyn.get('method', 'flow')
        if method != 'flow' and method not in DISCRETE:
            raise SystemExit(f'outcomes.py: dynamics.method must be "flow" or one of {DISCRETE}, not {method!r}')
        init = cfg['init']
        if init.get('kind', 'gaussian') != 'gaussian':
            raise SystemExit('outcomes.py: only init.kind = "gaussian" is supported')
        until = cfg['stop']['until']
        if until not in ('certified', 'hit', 'converged'):
            raise SystemExit(f'outcomes.py: stop.until must be certified|hit|converged, not {until!r}')
        prob = Canonical(pr['singular_values'], pr['input_dim'], cfg['network']['hidden'])
        n = int(n_override or cfg['samples'])
        sup = prob.suppressed_index(init.get('suppress_modes') or [])
        gtol = float(cfg['stop']['grad_tol_rel']) * prob.sigma_norm
        t0 = time.perf_counter()
        y0 = initial_weights(prob, n, float(init['scale']), seed, idx, sup)
        if method == 'flow':
            horizon = float(dyn['t_max']) if dyn.get('t_max') is not None else math.inf
            # as sweep (docs/campaign.md): without t_max a budget of max_steps accepted steps (default 100 000)
            max_steps = int(dyn['max_steps']) if dyn.get('max_steps') is not None else (None if math.isfinite(horizon) else 100_000)
            integ = implicit or dyn.get('integrator', 'auto')
            if integ not in ('auto', 'dp45', 'radau5'):
                raise SystemExit(f'outcomes.py: dynamics.integrator must be auto|dp45|radau5, not {integ!r}')
            thr_saddle = prob.manifold_threshold(init.get('suppress_modes') or [])
            itin = bool((cfg.get('analysis') or {}).get('itinerary', False))
            if integ == 'dp45':
                res = integrate_point(prob, y0, horizon, float(dyn['rtol']), float(dyn['atol']), gtol,
                                      float(cfg['stop']['eps_hit']), until, sup, itinerary=itin,
                                      thr_saddle=thr_saddle, max_steps=max_steps)
            else:   # auto and radau5: the independent implicit integration from t = 0
                res = integrate_point_implicit(prob, y0, horizon, float(dyn['rtol']), float(dyn['atol']), gtol,
                                               float(cfg['stop']['eps_hit']), until, sup, thr_saddle,
                                               max_steps=max_steps, itinerary=itin, method=stiff_method)
        else:
            if len(sup):
                raise SystemExit('outcomes.py: suppress_modes is supported for the flow only')
            horizon = float(dyn['max_iters'])
            res = descend_point(prob, y0, dyn, gtol, float(cfg['stop']['eps_hit']), until)
        wall = time.perf_counter() - t0
        s = summarize(prob, res, idx, params, n, horizon)
        # invariant drift at the stop (accuracy certificate of the integrator)
        D0 = prob.invariants(y0)
        D1 = prob.invariants(np.nan_to_num(res['y_final']))
        drift = np.zeros(n)
        for a, b in zip(D0, D1):
            drift = np.maximum(drift, np.sqrt(np.sum((b - a) ** 2, axis=(1, 2))) / (1 + np.sqrt(np.sum(a * a, axis=(1, 2)))))
        s['invariant_drift_max'] = float(np.max(drift[res['status'] != 'diverged'])) if np.any(res['status'] != 'diverged') else None
        s['wall_s'] = wall
        out['points'].append(s)
        log(f"point {idx} {params or ''}: n={n} wall {wall:.1f}s  " +
            '  '.join(f"{o} {v['count']} ({v['fraction']:.4f})" for o, v in s['outcomes'].items()) +
            f"  saddle_mass [{s['saddle_mass']['lower']:.4g}, {s['saddle_mass']['upper']:.4g}]" +
            "  labels " + ', '.join(f"{k}:{v['count']}" for k, v in s['labels'].items()) +
            f"  t_global {[s['t_global'][q] for q in ('p10', 'p50', 'p90')]} t_hit {[s['t_hit'][q] for q in ('p10', 'p50', 'p90')]}" +
            f"  mean steps {s['steps']['mean']:.0f}  drift {s['invariant_drift_max']:.2e}")
        if want_samples:
            masks = prob.labels(res['y_final'])
            for k in range(n):
                dv = res['status'][k] == 'diverged'
                fmt = lambda v: '' if not np.isfinite(v) else repr(float(v))
                rows.append([idx, k, res['status'][k], '' if dv else label_string(masks[k]), fmt(res['final_loss'][k]),
                             fmt(res['t_stop'][k]), fmt(res['t_hit'][k]), int(res['steps'][k]), int(res['rhs_evals'][k]),
                             fmt(res['grad_norm'][k]), fmt(drift[k]), res['outcome'][k], fmt(res['t_global'][k])])
    return out, rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('campaign')
    ap.add_argument('--samples', type=int, default=None, help='samples per point (default: the campaign\'s)')
    ap.add_argument('--seed', type=int, default=None, help='RNG seed (default: the campaign\'s seed)')
    ap.add_argument('--out', default=None, help='output JSON (default: CAMPAIGN with .peer.json)')
    ap.add_argument('--samples-csv', default=None, help='also write per-sample rows here')
    ap.add_argument('--quiet', action='store_true')
    ap.add_argument('--integrator', choices=('auto', 'dp45', 'radau5'), default=None,
                    help='override dynamics.integrator (auto and radau5 both run the implicit method from t = 0)')
    ap.add_argument('--stiff', choices=('Radau', 'BDF'), default='Radau', help='scipy stepper for auto/radau5 (default Radau)')
    a = ap.parse_args(argv)
    with open(a.campaign) as f:
        campaign = json.load(f)
    log = (lambda *x: None) if a.quiet else (lambda *x: print(*x, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    out, rows = run_campaign(campaign, a.samples, a.seed, log, want_samples=bool(a.samples_csv), implicit=a.integrator,
                             stiff_method=a.stiff)
    out['wall_s'] = time.perf_counter() - t0
    path = a.out or (a.campaign[:-5] if a.campaign.endswith('.json') else a.campaign) + '.peer.json'
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    if a.samples_csv:
        import csv
        with open(a.samples_csv, 'w', newline='') as f:
            w = csv.writer(f)
            w.writerow(['point', 'sample', 'status', 'label', 'final_loss', 't_stop', 't_hit', 'steps', 'rhs_evals',
                        'grad_norm', 'invariant_drift', 'outcome', 't_global'])
            w.writerows(rows)
    log(f'wrote {path} ({out["wall_s"]:.1f}s)')


if __name__ == '__main__':
    main()

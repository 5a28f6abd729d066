#!/usr/bin/python3
"""Quick self-checks of outcomes.py against the oracles of docs/math.md and docs/statistics.md (seconds): gradient vs central finite differences,
the H = 1 scalar logistic closed form, the balanced N-layer scalar chain, conservation of D_i, exact zeros on
the suppressed-mode manifold, the censored quantile / Clopper–Pearson helpers, and the implicit flow: the N = 4
chain's closed form across a 5e4 plateau and to t = 2e6, agreement with Dormand–Prince, step budgets without t_max,
the saddle certificate on the invariant manifold (L < L' - delta')."""
import os
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import math, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import outcomes as oc
from scipy.integrate import solve_ivp

fails = 0
def check(name, ok, detail=''):
    global fails
    print(('ok   ' if ok else 'FAIL ') + name + ('  ' + detail if detail else ''))
    fails += not ok

# 1. gradient vs central differences, H = 1..4, unequal widths
rng = np.random.default_rng(1)
for hidden in ([5], [4, 6], [3, 5, 4], [4, 4, 4, 4]):
    p = oc.Canonical([3, 1.5, 0.4], 4, hidden)
    y = rng.standard_normal((2, p.n)) * 0.7
    g = np.empty_like(y); p.loss_grad(y, g)
    fd = np.empty_like(y); e = 1e-6
    for j in range(p.n):
        yp = y.copy(); yp[:, j] += e; ym = y.copy(); ym[:, j] -= e
        fd[:, j] = (p.loss_grad(yp, np.empty_like(y)) - p.loss_grad(ym, np.empty_like(y))) / (2 * e)
    rel = np.abs(fd - g).max() / np.abs(g).max()
    check(f'gradient vs finite differences, hidden {hidden}', rel < 1e-6, f'rel err {rel:.1e}')

# 2. scalar logistic (d_x = d_1 = d_y = 1, H = 1): a(t) = s a0 e^{2st} / (s - a0 + a0 e^{2st})
p = oc.Canonical([2.0], 1, [1])
a0 = 0.01
y0 = np.full((1, 2), math.sqrt(a0))
T = 3.0
r = oc.integrate_point(p, y0, T, 1e-10, 1e-12, 0.0, 1e-30, 'hit', np.array([], dtype=np.int64))
a = r['y_final'][0, 0] * r['y_final'][0, 1]
exact = 2 * a0 * math.exp(4 * T) / (2 - a0 + a0 * math.exp(4 * T))
check('logistic closed form (H = 1)', abs(a - exact) / exact < 1e-7, f'{a:.12g} vs {exact:.12g}')
check('certified global at t = 0 when d_y = 1 (L(0) < L_2 - delta = 1/2 s^2 - delta)', r['t_global'][0] == 0.0 and r['outcome'][0] == 'global')
r = oc.integrate_point(p, y0, T, 1e-10, 1e-12, 0.0, 1e-3, 'hit', np.array([], dtype=np.int64))
check('until=hit stops at the hit', r['status'][0] == 'converged' and r['t_stop'][0] < T)
# hitting time: L = 1/2 (s - a)^2 <= eps  <=>  a >= s - sqrt(2 eps); invert the logistic
af = 2 - math.sqrt(2e-3)
th = math.log(af * (2 - a0) / (a0 * (2 - af))) / (2 * 2)
check('interpolated hitting time (H = 1)', abs(r['t_hit'][0] - th) < 2e-3, f'{r["t_hit"][0]:.6f} vs {th:.6f}')

# 3. balanced scalar chain of N = 4 layers: da/dt = N a^{2-2/N} (s - a)
N, s, a0, T = 4, 1.5, 0.05, 6.0
p = oc.Canonical([s], 1, [1] * (N - 1))
y0 = np.full((1, N), a0 ** (1 / N))
r = oc.integrate_point(p, y0, T, 1e-10, 1e-12, 0.0, 1e-30, 'hit', np.array([], dtype=np.int64))
a = np.prod(r['y_final'][0])
ref = solve_ivp(lambda t, a: N * a ** (2 - 2 / N) * (s - a), (0, T), [a0], method='DOP853', rtol=1e-12, atol=1e-14).y[0, -1]
check('balanced deep scalar chain (N = 4)', abs(a - ref) / ref < 1e-6, f'{a:.12g} vs {ref:.12g}')

# 4. invariants conserved, loss non-increasing, exact zeros on the suppressed manifold
p = oc.Canonical([3, 1.5, 0.4], 3, [3, 3])
sup = p.suppressed_index([1])
y0 = oc.initial_weights(p, 20, 0.3, 5, 0, sup)
r = oc.integrate_point(p, y0, 400.0, 1e-8, 1e-10, 1e-6 * p.sigma_norm, 1e-3, 'hit', sup)
D0, D1 = p.invariants(y0), p.invariants(r['y_final'])
drift = max(np.abs(b - a_).max() for a_, b in zip(D0, D1))
check('invariants conserved (rtol 1e-8)', drift < 1e-5, f'max drift {drift:.1e}')
check('suppressed entries stay exactly zero', np.all(r['y_final'][:, sup] == 0.0))
labs = {oc.label_string(m) for m in p.labels(r['y_final'])}
check('suppressed mode 1 -> saddle {0,2}', set(r['outcome']) == {'saddle'} and labs == {'{0,2}'}, f'{set(r["outcome"])} {labs}')
check('final loss at L_{0,2} = 1.125', np.allclose(r['final_loss'], 1.125, atol=1e-8))

# 5. statistics helpers
q = oc.censored_quantiles([1, 2, 3, 4, np.inf, np.inf, np.inf, np.inf, np.inf, np.inf])
check('censored quantiles', q['count'] == 4 and q['p10'] == 1.9 and q['p50'] is None and q['p90'] is None, str(q))
q = oc.censored_quantiles(list(range(1, 10)) + [np.inf])   # p90 at h = 8.1 involves the censored 10th
check('censored quantile straddling', q['p50'] == 5.5 and q['p90'] is None, str(q))
check('CP 0 of 1000', abs(oc.cp_two_sided(0, 1000)[1] - (1 - 0.025 ** (1 / 1000))) < 1e-12)
check('CP one-sided upper 0 of n', abs(oc.cp_upper_one_sided(0, 200) - (1 - 0.05 ** (1 / 200))) < 1e-12)
check('CP one-sided upper n of n', oc.cp_upper_one_sided(200, 200) == 1.0)
# 6. implicit (stiff) integration, runs without t_max, the manifold certificate
# balanced chain of N = 4 layers, s = 1: da/dt = 4 a^{3/2} (1 - a); with a = u^2,
# t(u) = 1/2 [-1/u + artanh(u)] between endpoints (docs/math.md's oracle in closed form).  A 5e4-long plateau.
tc = lambda u: 0.5 * (-1 / u + math.atanh(u))
u0, uf = 1e-5, 0.9
p = oc.Canonical([1.0], 1, [1, 1, 1])
y0 = np.full((1, 4), u0 ** 0.5)                     # a0 = u0^2, each w = a0^{1/4}
eps = 0.5 * (1 - uf ** 2) ** 2                      # L = 1/2 (1 - a)^2 <= eps  <=>  a >= uf^2
for meth in ('Radau', 'BDF'):
    r = oc.integrate_point_implicit(p, y0, math.inf, 1e-10, 1e-14, 0.0, eps, 'hit', np.array([], dtype=np.int64),
                                    p.manifold_threshold([]), method=meth)
    th = tc(uf) - tc(u0)
    check(f'N = 4 chain closed form, plateau 5e4, {meth} (t_hit from dense output)',
          r['status'][0] == 'converged' and abs(r['t_hit'][0] - th) / th < 1e-6,
          f"{r['t_hit'][0]:.10g} vs {th:.10g} in {r['steps'][0]} steps")
# the same chain to t = 2e6: a 5e5-long plateau, the escape, then 1.5e6 of stiff tail at the minimum a = 1
u0 = 1e-6
y0 = np.full((1, 4), u0 ** 0.5)
# (gtol < 0: the gradient test never holds, so the trajectory runs to the horizon)
r = oc.integrate_point_implicit(p, y0, 2e6, 1e-10, 1e-14, -1.0, eps, 'converged', np.array([], dtype=np.int64),
                                p.manifold_threshold([]))
th = tc(uf) - tc(u0)
aT = np.prod(r['y_final'][0])
check('N = 4 chain to t = 2e6: t_hit (closed form), a(T) = 1, few steps',
      r['status'][0] == 'horizon' and r['t_stop'][0] == 2e6 and abs(r['t_hit'][0] - th) / th < 1e-6
      and abs(aT - 1) < 1e-9 and r['steps'][0] < 3000, f"t_hit {r['t_hit'][0]:.10g} vs {th:.10g}, a(T) - 1 = {aT - 1:.1e}, {r['steps'][0]} steps")

# implicit against Dormand–Prince on a deep campaign point (same starts): outcomes and certified times agree
p = oc.Canonical([3, 2, 1, 0.5], 4, [4, 4])
y0 = oc.initial_weights(p, 6, 0.3, 11, 0, np.array([], dtype=np.int64))
none = np.array([], dtype=np.int64)
thr = p.manifold_threshold([])
re = oc.integrate_point(p, y0, math.inf, 1e-10, 1e-12, 0.0, 1e-3, 'certified', none, thr_saddle=thr, max_steps=10 ** 6)
ri = oc.integrate_point_implicit(p, y0, math.inf, 1e-10, 1e-12, 0.0, 1e-3, 'certified', none, thr)
rel = np.max(np.abs(re['t_global'] - ri['t_global']) / re['t_global'])
# (dp45 interpolates the crossing linearly between accepted steps: ~1e-4 relative at these step sizes)
check('implicit vs dp45: same outcomes, t_global to 1e-3 (H = 2, scale 0.3, no t_max)',
      list(re['outcome']) == list(ri['outcome']) == ['global'] * 6 and rel < 1e-3, f'max rel diff {rel:.1e}')

# step budget without t_max -> status budget, outcome unresolved
p = oc.Canonical([3, 2, 1, 0.5], 4, [4, 4, 4])
y0 = oc.initial_weights(p, 2, 0.01, 3, 0, none)
for name, r in (('implicit', oc.integrate_point_implicit(p, y0, math.inf, 1e-8, 1e-10, 0.0, 1e-3, 'certified', none, thr, max_steps=5)),
                ('dp45', oc.integrate_point(p, y0, math.inf, 1e-8, 1e-10, 0.0, 1e-3, 'certified', none, thr_saddle=thr, max_steps=5))):
    check(f'{name}: no t_max, max_steps 5 -> budget', list(r['status']) == ['budget'] * 2 and list(r['outcome']) == ['unresolved'] * 2
          and list(r['steps']) == [5, 5], f"{list(r['status'])} {list(r['steps'])}")

# manifold certificate: mode 1 of s = (3, 1.5, 0.4) suppressed, H = 2: the levels are L_{0,2} = 1.125 (lowest) and
# L' = 1.125 + 0.08 = 1.205; certified saddle once L < L' - delta, long before convergence, zeros exact
p = oc.Canonical([3, 1.5, 0.4], 3, [3, 3])
sup = p.suppressed_index([1])
thr = p.manifold_threshold([1])
check("manifold threshold L' - delta", abs(thr - (1.205 - 1e-6 * 0.08)) < 1e-12, f'{thr!r}')
check('every mode suppressed: saddle from t = 0', p.manifold_threshold([0, 1, 2]) == math.inf)
y0 = oc.initial_weights(p, 8, 0.3, 5, 0, sup)
for name, r in (('implicit', oc.integrate_point_implicit(p, y0, math.inf, 1e-8, 1e-10, 0.0, 1e-3, 'certified', sup, thr)),
                ('dp45', oc.integrate_point(p, y0, math.inf, 1e-8, 1e-10, 0.0, 1e-3, 'certified', sup, thr_saddle=thr, max_steps=10 ** 6))):
    check(f'{name}: suppressed mode 1 certified saddle at L < L\' - delta, zeros exact, never global',
          set(r['outcome']) == {'saddle'} and np.all(r['y_final'][:, sup] == 0.0) and np.all(r['final_loss'] < thr)
          and np.all(r['final_loss'] > 1.125) and np.all(np.isinf(r['t_global'])), f"t_saddle max {np.max(r['t_saddle']):.3g}")
sys.exit(1 if fails else 0)

#!/usr/bin/python3
"""Quick self-checks of outcomes.py against MATH.md's oracles (seconds): gradient vs central finite differences,
the H = 1 scalar logistic closed form, the balanced N-layer scalar chain, conservation of D_i, exact zeros on
the suppressed-mode manifold, and the censored quantile / Clopper–Pearson helpers."""
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
sys.exit(1 if fails else 0)

using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The flow's Jacobian J = −∇²L at one state, reduced once to tridiagonal form: ∇²L = Q T Qᵀ with Q orthogonal (the
/// Hessian is symmetric; Householder reduction, <see cref="SymmetricTridiagonalization"/>). Every linear system
/// an implicit Runge–Kutta method meets is then (a I + ∇²L) x = b for some scalar a (real or complex), solved as
/// x = Q (a I + T)⁻¹ Qᵀ b: two matrix–vector products and one tridiagonal solve (O(n)), whatever the step size. Changing
/// h therefore costs no new O(n³) factorisation, unlike an LU of (I/(γh) − J), which RADAU5 refactors at every change of
/// h (it keeps h, and so its LU factors, only while θ ≤ its thet and 1 ≤ h_new/h ≤ 1.2); and the reduction is 2.7–3.7×
/// cheaper at n = 80–96 than the full eigendecomposition this class replaced (its implicit QL iterations are not needed
/// to solve). The Hessian is exact (<see cref="DenseHessian"/>). A Jacobian is taken only when the simplified Newton
/// iteration stops contracting fast.
/// <para>
/// The tridiagonal solves are LDLᵀ without pivoting, which is stable here: Radau IIA's shifts are a = γ/h and
/// b + i c = (α + i β)/h with γ ≈ 3.64, α ≈ 2.68, β ≈ 3.05, and the step obeys h·|λ_min| ≤ 1
/// (<see cref="RadauIIA5.CurvatureStepBound"/>), so a I + T is positive definite and (b + i c) I + T is complex symmetric
/// with positive definite real and imaginary parts (growth factor at most 3: Higham, "Factorizing complex symmetric
/// matrices with positive definite real and imaginary parts", Math. Comp. 67, 1998). λ_min comes from T by bisection on
/// Sturm counts, from below up to rounding, so the bound holds however close to zero λ_min is. Plain IEEE arithmetic in a fixed order:
/// the same bits on every machine.
/// </para>
/// </summary>
public sealed class TridiagonalJacobian : IStageJacobian
{
    private readonly DenseHessian _hessian;
    private readonly double[] _dense;   // ∇²L, n × n (symmetric, so row- and column-major alike)
    private readonly double[] _q;       // Q row-major
    private readonly double[] _qt;      // Qᵀ row-major: row j is column j of Q
    private readonly double[] _diagonal, _offDiagonal;   // T: diagonal, and _offDiagonal[k] couples k − 1 and k (0 at k = 0)
    private readonly double[] _work, _blockQ, _blockDiagonal, _blockOffDiagonal;   // one diagonal block on the manifold
    private readonly SymmetricTridiagonalization _reduction;
    private readonly SymmetricTridiagonalization[]? _blockReductions;   // one per block of _split
    private readonly InvariantManifold? _manifold;
    private readonly int[][]? _split;   // on the manifold: its zero entries, then the rest (each reduced alone)
    // Twisted factors of a I + T (real) and of (b + i c) I + T, kept while the shifts repeat (every Newton iteration of a step).
    private readonly double[] _pivotInverse, _lower, _upper;
    private readonly double[] _pivotInverseRe, _pivotInverseIm, _lowerRe, _lowerIm, _upperRe, _upperIm;
    private double _realShift = double.NaN, _shiftRe = double.NaN, _shiftIm = double.NaN;

    /// <param name="manifold">
    /// The suppressed modes' invariant manifold, when trajectories start on it. There ∇²L is block-diagonal (the field is
    /// tangent to the manifold and the Hessian symmetric), and each block is reduced alone and T's coupling between the
    /// blocks is exactly zero, so that every solve keeps the manifold's entries exactly zero, as the explicit methods do:
    /// a dense basis would mix in rounding errors of 1e-17 that the unstable direction off the manifold then amplifies.
    /// </param>
    public TridiagonalJacobian(LinearNetworkProblem problem, InvariantManifold? manifold = null)
    {
        _manifold = manifold;
        _hessian = new DenseHessian(problem);
        int n = Dimension = problem.Shape.ParameterCount;
        _dense = new double[n * n];
        _qt = new double[n * n];
        _q = new double[n * n];
        _diagonal = new double[n];
        _offDiagonal = new double[n];
        _work = manifold is null ? [] : new double[n * n];
        _blockQ = manifold is null ? [] : new double[n * n];
        _reduction = new SymmetricTridiagonalization(n);
        _blockDiagonal = new double[n];
        _blockOffDiagonal = new double[n];
        _pivotInverse = new double[n];
        _lower = new double[n];
        _upper = new double[n];
        _pivotInverseRe = new double[n];
        _pivotInverseIm = new double[n];
        _lowerRe = new double[n];
        _lowerIm = new double[n];
        _upperRe = new double[n];
        _upperIm = new double[n];
        if (manifold is not null)
        {
            var zeros = manifold.ZeroEntries.Order().ToArray();
            _split = [zeros, Enumerable.Range(0, n).Except(zeros).ToArray()];
            _blockReductions = _split.Select(block => new SymmetricTridiagonalization(block.Length)).ToArray();
        }
    }

    public int Dimension { get; }

    /// <summary>The smallest eigenvalue of ∇²L (negative at a strict saddle: the escape's growth rate is its magnitude).</summary>
    public double MinEigenvalue { get; private set; }

    long IStageJacobian.Products => 0;

    /// <summary>Takes the Hessian at <paramref name="weights"/> and reduces it to tridiagonal form.</summary>
    public void Update(ReadOnlySpan<double> weights)
    {
        int n = Dimension;
        _hessian.Assemble(weights, _dense);
        _realShift = _shiftRe = _shiftIm = double.NaN;
        bool split = _manifold is not null && _manifold.Contains(new Kernels.LaneWeights(weights));
        if (!split)
        {
            _reduction.Reduce(_dense, _diagonal, _offDiagonal, _q);
        }
        else
        {
            Array.Clear(_q);
            int j = 0;
            for (int b = 0; b < _split!.Length; b++)
            {
                var block = _split[b];
                int m = block.Length;
                if (m == 0) continue;
                var a = _work.AsSpan(0, m * m);
                for (int r = 0; r < m; r++)
                    for (int c = 0; c < m; c++) a[r * m + c] = _dense[block[r] * n + block[c]];
                var reduction = _blockReductions![b];
                var qb = _blockQ.AsSpan(0, m * m);
                reduction.Reduce(a, _blockDiagonal, _blockOffDiagonal, qb);
                for (int k = 0; k < m; k++, j++)
                {
                    _diagonal[j] = _blockDiagonal[k];
                    _offDiagonal[j] = _blockOffDiagonal[k];   // 0 at k = 0: the blocks stay uncoupled
                    for (int i = 0; i < m; i++) _q[block[i] * n + j] = qb[i * m + k];
                }
            }
        }
        Transpose(_q, _qt, n);
        MinEigenvalue = n > 0 ? SmallestEigenvalue(_diagonal, _offDiagonal) : double.PositiveInfinity;
    }

    /// <summary>x ← (a I + ∇²L)⁻¹ x for real a (a I + T positive definite: the caller keeps a above −λ_min).</summary>
    public void SolveShifted(double a, Span<double> x, Span<double> scratch)
    {
        int n = Dimension;
        EigenbasisTransform.Apply(_q, n, x, scratch);
        SolveReal(a, scratch);
        EigenbasisTransform.Apply(_qt, n, scratch, x);
    }

    /// <summary>
    /// The stage systems of Radau IIA in one pass over Q: x₁ ← (a I + ∇²L)⁻¹ x₁ and
    /// (x₂ + i x₃) ← ((b + i c) I + ∇²L)⁻¹ (x₂ + i x₃) (c ≠ 0). The real solve is the same arithmetic, in the same order,
    /// as <see cref="SolveShifted"/>; fused so that each row of Q is read once for all three vectors, and so that the real
    /// and complex recurrences run side by side.
    /// </summary>
    public void SolveStages(double a, double b, double c, Span<double> x1, Span<double> x2, Span<double> x3,
        Span<double> t1, Span<double> t2, Span<double> t3)
    {
        int n = Dimension, t = n / 2;
        EigenbasisTransform.Apply(_q, n, x1, x2, x3, t1, t2, t3);
        FactorReal(a);
        FactorComplex(b, c);
        double[] lo = _lower, up = _upper, pinv = _pivotInverse;
        double[] lor = _lowerRe, loi = _lowerIm, upr = _upperRe, upi = _upperIm, pr = _pivotInverseRe, pi = _pivotInverseIm;
        // Elimination towards the twist from both ends.
        for (int j = 1; j < t || n - 1 - j > t; j++)
        {
            if (j < t)
            {
                t1[j] -= lo[j] * t1[j - 1];
                double ur = t2[j - 1], vi = t3[j - 1];
                t2[j] -= lor[j] * ur - loi[j] * vi;
                t3[j] -= lor[j] * vi + loi[j] * ur;
            }
            int k = n - 1 - j;
            if (k > t)
            {
                t1[k] -= up[k] * t1[k + 1];
                double ur = t2[k + 1], vi = t3[k + 1];
                t2[k] -= upr[k] * ur - upi[k] * vi;
                t3[k] -= upr[k] * vi + upi[k] * ur;
            }
        }
        {
            double r1 = t1[t], r2 = t2[t], r3 = t3[t];
            if (t > 0)
            {
                r1 -= lo[t] * t1[t - 1];
                double ur = t2[t - 1], vi = t3[t - 1];
                r2 -= lor[t] * ur - loi[t] * vi;
                r3 -= lor[t] * vi + loi[t] * ur;
            }
            if (t < n - 1)
            {
                r1 -= up[t] * t1[t + 1];
                double ur = t2[t + 1], vi = t3[t + 1];
                r2 -= upr[t] * ur - upi[t] * vi;
                r3 -= upr[t] * vi + upi[t] * ur;
            }
            t1[t] = r1 * pinv[t];
            t2[t] = pr[t] * r2 - pi[t] * r3;
            t3[t] = pr[t] * r3 + pi[t] * r2;
        }
        // Substitution outwards from the twist.
        for (int j = 1; t - j >= 0 || t + j < n; j++)
        {
            int k = t - j;
            if (k >= 0)
            {
                t1[k] = t1[k] * pinv[k] - lo[k + 1] * t1[k + 1];
                double ur = t2[k], vi = t3[k], xr = t2[k + 1], xi = t3[k + 1];
                t2[k] = (pr[k] * ur - pi[k] * vi) - (lor[k + 1] * xr - loi[k + 1] * xi);
                t3[k] = (pr[k] * vi + pi[k] * ur) - (lor[k + 1] * xi + loi[k + 1] * xr);
            }
            k = t + j;
            if (k < n)
            {
                t1[k] = t1[k] * pinv[k] - up[k - 1] * t1[k - 1];
                double ur = t2[k], vi = t3[k], xr = t2[k - 1], xi = t3[k - 1];
                t2[k] = (pr[k] * ur - pi[k] * vi) - (upr[k - 1] * xr - upi[k - 1] * xi);
                t3[k] = (pr[k] * vi + pi[k] * ur) - (upr[k - 1] * xi + upi[k - 1] * xr);
            }
        }
        EigenbasisTransform.Apply(_qt, n, t1, t2, t3, x1, x2, x3);
    }

    /// <summary>x ← (a I + T)⁻¹ x by the twisted factorisation (<see cref="FactorReal"/>).</summary>
    private void SolveReal(double a, Span<double> x)
    {
        int n = Dimension, t = n / 2;
        FactorReal(a);
        double[] lo = _lower, up = _upper, pinv = _pivotInverse;
        for (int j = 1; j < t || n - 1 - j > t; j++)
        {
            if (j < t) x[j] -= lo[j] * x[j - 1];
            int k = n - 1 - j;
            if (k > t) x[k] -= up[k] * x[k + 1];
        }
        double r = x[t];
        if (t > 0) r -= lo[t] * x[t - 1];
        if (t < n - 1) r -= up[t] * x[t + 1];
        x[t] = r * pinv[t];
        for (int j = 1; t - j >= 0 || t + j < n; j++)
        {
            int k = t - j;
            if (k >= 0) x[k] = x[k] * pinv[k] - lo[k + 1] * x[k + 1];
            k = t + j;
            if (k < n) x[k] = x[k] * pinv[k] - up[k - 1] * x[k - 1];
        }
    }

    /// <summary>
    /// a I + T factored from both ends towards the twist t = n/2 (a "twisted" factorisation, two independent chains of
    /// half the length): pivots p₀ = a + d₀, p_k = a + d_k − l_k e_k with l_k = e_k / p_{k−1} for k ≤ t − 1; from the
    /// bottom q_{n−1} = a + d_{n−1}, q_k = a + d_k − u_k e_{k+1} with u_k = e_{k+1} / q_{k+1} for k ≥ t + 1; and at the
    /// twist γ = a + d_t − l_t e_t − u_t e_{t+1}. Kept while a repeats (every Newton iteration of a step).
    /// </summary>
    private void FactorReal(double a)
    {
        if (a == _realShift) return;   // never true while the cache is empty (NaN)
        int n = Dimension, t = n / 2;
        double[] lo = _lower, up = _upper, pinv = _pivotInverse, d = _diagonal, e = _offDiagonal;
        if (t > 0) pinv[0] = 1 / (a + d[0]);
        if (n - 1 > t) pinv[n - 1] = 1 / (a + d[n - 1]);
        for (int j = 1; j < t || n - 1 - j > t; j++)
        {
            if (j < t)
            {
                lo[j] = e[j] * pinv[j - 1];
                pinv[j] = 1 / (a + d[j] - lo[j] * e[j]);
            }
            int k = n - 1 - j;
            if (k > t)
            {
                up[k] = e[k + 1] * pinv[k + 1];
                pinv[k] = 1 / (a + d[k] - up[k] * e[k + 1]);
            }
        }
        double g = a + d[t];
        if (t > 0) { lo[t] = e[t] * pinv[t - 1]; g -= lo[t] * e[t]; }
        if (t < n - 1) { up[t] = e[t + 1] * pinv[t + 1]; g -= up[t] * e[t + 1]; }
        pinv[t] = 1 / g;
        _realShift = a;
    }

    /// <summary>(b + i c) I + T factored as <see cref="FactorReal"/>, in complex arithmetic (kept while b and c repeat).</summary>
    private void FactorComplex(double b, double c)
    {
        if (b == _shiftRe && c == _shiftIm) return;
        int n = Dimension, t = n / 2;
        double[] lor = _lowerRe, loi = _lowerIm, upr = _upperRe, upi = _upperIm, pr = _pivotInverseRe, pi = _pivotInverseIm;
        double[] d = _diagonal, e = _offDiagonal;
        if (t > 0) (pr[0], pi[0]) = Inverse(b + d[0], c);
        if (n - 1 > t) (pr[n - 1], pi[n - 1]) = Inverse(b + d[n - 1], c);
        for (int j = 1; j < t || n - 1 - j > t; j++)
        {
            if (j < t)
            {
                double ej = e[j];
                lor[j] = ej * pr[j - 1];
                loi[j] = ej * pi[j - 1];
                (pr[j], pi[j]) = Inverse(b + d[j] - lor[j] * ej, c - loi[j] * ej);
            }
            int k = n - 1 - j;
            if (k > t)
            {
                double ek = e[k + 1];
                upr[k] = ek * pr[k + 1];
                upi[k] = ek * pi[k + 1];
                (pr[k], pi[k]) = Inverse(b + d[k] - upr[k] * ek, c - upi[k] * ek);
            }
        }
        double gr = b + d[t], gi = c;
        if (t > 0)
        {
            double et = e[t];
            lor[t] = et * pr[t - 1];
            loi[t] = et * pi[t - 1];
            gr -= lor[t] * et;
            gi -= loi[t] * et;
        }
        if (t < n - 1)
        {
            double et = e[t + 1];
            upr[t] = et * pr[t + 1];
            upi[t] = et * pi[t + 1];
            gr -= upr[t] * et;
            gi -= upi[t] * et;
        }
        (pr[t], pi[t]) = Inverse(gr, gi);
        _shiftRe = b;
        _shiftIm = c;
    }

    private static (double Re, double Im) Inverse(double re, double im)
    {
        double den = re * re + im * im;
        return (re / den, -im / den);
    }

    /// <summary>
    /// The smallest eigenvalue of the symmetric tridiagonal T, by bisection on Sturm counts (the number of negative pivots
    /// of T − x I is the number of eigenvalues below x) inside Gershgorin's interval, to 4ε of its larger end (about 51
    /// halvings); the lower end of the last interval, so that the step bound h·|λ_min| ≤ 1 built on it keeps a I + T
    /// positive definite however close to zero λ_min is (up to rounding: a fraction of ε‖T‖).
    /// </summary>
    internal static double SmallestEigenvalue(ReadOnlySpan<double> d, ReadOnlySpan<double> e)
    {
        int n = d.Length;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int k = 0; k < n; k++)
        {
            double radius = Math.Abs(e[k]) + (k + 1 < n ? Math.Abs(e[k + 1]) : 0);
            lo = Math.Min(lo, d[k] - radius);
            hi = Math.Max(hi, d[k] + radius);
        }
        if (!(lo <= hi) || double.IsInfinity(hi - lo)) return double.NaN;   // a non-finite Hessian
        double tolerance = 4 * 2.220446049250313e-16 * Math.Max(Math.Abs(lo), Math.Abs(hi));   // 4ε
        // A pivot smaller than pivmin in magnitude is replaced by −pivmin and counted as negative (LAPACK's dstebz), so
        // that an exact zero pivot neither divides by zero nor flips the count.
        double largest = 1;
        for (int k = 1; k < n; k++) largest = Math.Max(largest, e[k] * e[k]);
        double pivmin = 2.2250738585072014e-308 * largest;   // the smallest normal double, scaled
        while (hi - lo > tolerance)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;   // adjacent doubles
            double q = d[0] - mid;
            if (Math.Abs(q) < pivmin) q = -pivmin;
            bool below = q < 0;
            for (int k = 1; k < n && !below; k++)
            {
                q = d[k] - mid - e[k] * e[k] / q;
                if (Math.Abs(q) < pivmin) q = -pivmin;
                below = q < 0;
            }
            if (below) hi = mid; else lo = mid;
        }
        return lo;
    }

    private static void Transpose(ReadOnlySpan<double> from, Span<double> to, int n)
    {
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++) to[i * n + k] = from[k * n + i];
    }
}

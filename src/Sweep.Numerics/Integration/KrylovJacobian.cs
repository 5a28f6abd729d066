using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The flow's Jacobian J = −∇²L without a matrix, for networks too large for <see cref="TridiagonalJacobian"/>: exact
/// Hessian–vector products (<see cref="HessianVectorProduct"/>) frozen at one state, the stiff part of the spectrum
/// deflated, and GMRES for the rest.
/// <para>
/// Deflation. At each <see cref="Update"/> a Lanczos run of <see cref="LanczosSteps"/> steps (full reorthogonalisation,
/// a fixed start vector) from the frozen Hessian gives an orthonormal basis V of a Krylov space and the Ritz values Θ:
/// V Θ Vᵀ = P ∇²L P, the Hessian's Galerkin projection (P = V Vᵀ). The Hessian of a deep linear network has few large
/// eigenvalues (the learned modes' directions: the Gauss–Newton part has rank ≤ d_x·d_y) and many near zero, and Lanczos
/// finds the extreme ones first, so V holds the stiff subspace and the most negative curvature. Every shifted system
/// (σ I + ∇²L) x = r, σ = γ/h real or (α + iβ)/h complex, is preconditioned on the right by the exact inverse of
/// M_σ = σ I + V Θ Vᵀ: M_σ⁻¹ r = r/σ − V diag(θ/(σ(σ + θ))) Vᵀ r, two passes over V whatever σ, so a new step size
/// needs nothing new (as in the tridiagonal form). M_σ differs from the system by ∇²L − P∇²LP, whose eigenvalues are those
/// the Krylov space missed, small against σ once the step is stiff: the preconditioned operator is the identity plus a
/// small perturbation plus a few isolated outliers, which GMRES clears in a few iterations.
/// </para>
/// <para>
/// GMRES on both systems. The real system is symmetric, indefinite only where −σ is below λ_min (the step bound
/// h·|λ_min| ≤ 1 keeps σ ≥ γ|λ_min|); the complex one, complex symmetric, is solved in the real 2×2 block form
/// [[b + ∇²L, −c], [c, b + ∇²L]] (two products per iteration). One minimal-residual code with the (nonsymmetric-safe)
/// right preconditioner serves both; on the unpreconditioned real system it would be MINRES. Right preconditioning
/// leaves the residual that GMRES minimises the true one, measured in the Newton iteration's own weights (the error
/// scale atol + rtol·|y|): it stops once that residual is ≤ η times the right-hand side's, with η the Newton tolerance
/// (inexact Newton). A residual bound is not an error bound: an increment's solve error is then only ≤ η·κ·|Δ|, κ the
/// stage system's condition number, which is large on stiff steps (for the real system, unweighted, up to
/// (γ + hλ_max)/(γ − 1) under the step bound); no a-priori bound on it is claimed. The guard is Newton's observed
/// contraction, which an inexact solve enters: a slow iteration refreshes the Jacobian or shrinks the step. A solve that
/// does not reach η within <see cref="MaxIterations"/> returns its best iterate and is left to the same guard.
/// </para>
/// <para>
/// On an invariant manifold (suppressed modes) the Hessian is block-diagonal: each block gets its own Lanczos run
/// (products masked to the block), so every solve keeps the manifold's zero entries exactly zero, as in the tridiagonal form.
/// Plain IEEE arithmetic in a fixed order: the same bits whatever the lane width or machine. Buffers are allocated
/// once; a solve allocates nothing (an update allocates MathNet's small tridiagonal eigensolver).
/// </para>
/// </summary>
public sealed class KrylovJacobian : IStageJacobian
{
    /// <summary>Lanczos steps per update (per block on a manifold): the deflated subspace's dimension at most.</summary>
    public const int LanczosSteps = 48;

    /// <summary>
    /// A Ritz pair takes part in a solve with shift σ only while |θ| > this·|σ|: smaller ones move the preconditioned
    /// spectrum by less than this, which GMRES clears in an iteration or two, cheaper than two passes over their vectors.
    /// </summary>
    public const double DeflationCut = 0.05;

    /// <summary>GMRES iterations per solve at most (no restart).</summary>
    public const int MaxIterations = 60;

    private readonly HessianVectorProduct _hvp;
    private readonly int _n;
    private readonly double _eta;
    private readonly double[] _scal;     // the Newton iteration's error scale, owned by the integrator
    private readonly int[][] _whole;
    private readonly int[][]? _split;
    private readonly InvariantManifold? _manifold;
    private readonly double[] _start;    // the Lanczos start vector (fixed pseudo-random)
    private readonly bool[] _inBlock;

    // Deflation: _k orthonormal Ritz vectors (rows of _v) with Ritz values _theta.
    private readonly double[] _v, _theta, _coefRe, _coefIm, _ritz, _ritzTheta;   // _v, _theta: by |θ| descending
    private int _k;

    // Lanczos.
    private readonly double[] _basis, _alpha, _beta, _w;

    // GMRES on length n (real) or 2n (complex block form).
    private readonly double[] _arnoldi, _precond, _hess, _cs, _sn, _gv, _y, _az;   // _precond: row k = M⁻¹ D ṽ_k

    /// <param name="scal">The error scale of the Newton norm (read at each solve; the caller keeps it current).</param>
    /// <param name="tolerance">η: relative residual at which a solve stops (the Newton tolerance).</param>
    public KrylovJacobian(LinearNetworkProblem problem, double[] scal, double tolerance, InvariantManifold? manifold = null)
    {
        _hvp = new HessianVectorProduct(problem);
        _n = problem.Shape.ParameterCount;
        _scal = scal;
        _eta = tolerance;
        _manifold = manifold;
        int n = _n;
        _whole = [Enumerable.Range(0, n).ToArray()];
        if (manifold is not null)
        {
            var zeros = manifold.ZeroEntries.Order().ToArray();
            _split = [zeros, Enumerable.Range(0, n).Except(zeros).ToArray()];
        }
        _start = new double[n];
        var stream = new SampleStream(0x4B52594C, 0, 0);
        for (int i = 0; i < n; i++) _start[i] = stream.NextGaussian();
        _inBlock = new bool[n];
        int kMax = Math.Min(n, 2 * LanczosSteps);
        _v = new double[kMax * n];
        _theta = new double[kMax];
        _ritz = new double[kMax * n];
        _ritzTheta = new double[kMax];
        _coefRe = new double[kMax];
        _coefIm = new double[kMax];
        _basis = new double[LanczosSteps * n];
        _alpha = new double[LanczosSteps];
        _beta = new double[LanczosSteps];
        _w = new double[n];
        _arnoldi = new double[(MaxIterations + 1) * 2 * n];
        _precond = new double[MaxIterations * 2 * n];
        _hess = new double[(MaxIterations + 1) * MaxIterations];
        _cs = new double[MaxIterations];
        _sn = new double[MaxIterations];
        _gv = new double[MaxIterations + 1];
        _y = new double[MaxIterations];
        _az = new double[2 * n];
    }

    public int Dimension => _n;

    /// <summary>The smallest Ritz value at the last update: an upper bound of λ_min (Cauchy interlacing).</summary>
    public double MinEigenvalue { get; private set; }

    /// <summary>The largest Ritz value at the last update (a lower bound of λ_max).</summary>
    public double MaxEigenvalue { get; private set; }

    /// <summary>Dimension of the deflated subspace at the last update.</summary>
    public int Deflated => _k;

    /// <summary>Hessian–vector products taken so far (Lanczos and GMRES).</summary>
    public long Products { get; private set; }

    /// <summary>Solves that stopped at <see cref="MaxIterations"/> without reaching η (diagnostic).</summary>
    public long Unconverged { get; private set; }

    /// <summary>Freezes ∇²L at <paramref name="weights"/> and deflates its extreme eigenpairs (Lanczos).</summary>
    public void Update(ReadOnlySpan<double> weights)
    {
        _hvp.At(weights);
        bool split = _manifold is not null && _manifold.Contains(new Kernels.LaneWeights(weights));
        var blocks = split ? _split! : _whole;
        _k = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var block in blocks)
        {
            if (block.Length == 0) continue;
            Array.Clear(_inBlock);
            foreach (int i in block) _inBlock[i] = true;
            int steps = Lanczos(Math.Min(block.Length, LanczosSteps), split);
            if (steps == 0) continue;
            var t = Matrix<double>.Build.Dense(steps, steps);
            for (int j = 0; j < steps; j++)
            {
                t[j, j] = _alpha[j];
                if (j + 1 < steps) { t[j, j + 1] = _beta[j]; t[j + 1, j] = _beta[j]; }
            }
            var evd = t.Evd(Symmetricity.Symmetric);
            var y = evd.EigenVectors;
            for (int l = 0; l < steps; l++, _k++)
            {
                double theta = evd.EigenValues[l].Real;
                _ritzTheta[_k] = theta;
                min = Math.Min(min, theta);
                max = Math.Max(max, theta);
                var v = _ritz.AsSpan(_k * _n, _n);
                v.Clear();
                for (int j = 0; j < steps; j++) Axpy(y[j, l], _basis.AsSpan(j * _n, _n), v);
            }
        }
        // Largest |θ| first (ties by position: a fixed order), so that a solve uses a prefix.
        var order = new int[_k];
        for (int l = 0; l < _k; l++) order[l] = l;
        Array.Sort(order, (x, y) => Math.Abs(_ritzTheta[y]).CompareTo(Math.Abs(_ritzTheta[x])) is int c && c != 0 ? c : x.CompareTo(y));
        for (int l = 0; l < _k; l++)
        {
            _theta[l] = _ritzTheta[order[l]];
            _ritz.AsSpan(order[l] * _n, _n).CopyTo(_v.AsSpan(l * _n, _n));
        }
        MinEigenvalue = _k == 0 ? 0 : min;
        MaxEigenvalue = _k == 0 ? 0 : max;
    }

    /// <summary>Lanczos with full reorthogonalisation on the current block; returns the number of basis vectors.</summary>
    private int Lanczos(int steps, bool mask)
    {
        int n = _n;
        var q = _basis.AsSpan(0, n);
        for (int i = 0; i < n; i++) q[i] = _inBlock[i] ? _start[i] : 0;
        double norm = Math.Sqrt(Dot(q, q));
        if (norm == 0) return 0;
        Scale(1 / norm, q);
        double scale = 0;
        for (int j = 0; j < steps; j++)
        {
            q = _basis.AsSpan(j * n, n);
            Span<double> w = _w;
            _hvp.Multiply(q, w);
            Products++;
            if (mask) for (int i = 0; i < n; i++) if (!_inBlock[i]) w[i] = 0;
            double a = Dot(q, w);
            _alpha[j] = a;
            // Full reorthogonalisation, twice (classical Gram–Schmidt in a fixed order): no ghost Ritz values.
            for (int pass = 0; pass < 2; pass++)
                for (int l = 0; l <= j; l++)
                {
                    var b = _basis.AsSpan(l * n, n);
                    Axpy(-Dot(b, w), b, w);
                }
            double beta = Math.Sqrt(Dot(w, w));
            scale = Math.Max(scale, Math.Max(Math.Abs(a), beta));
            _beta[j] = beta;
            if (j + 1 == steps) return steps;
            if (!(beta > 1e-12 * scale)) return j + 1;   // an invariant subspace (or a zero Hessian)
            var next = _basis.AsSpan((j + 1) * n, n);
            for (int i = 0; i < n; i++) next[i] = w[i] / beta;
        }
        return steps;
    }

    /// <summary>x ← (a I + ∇²L)⁻¹ x (GMRES to relative residual η in the error scale).</summary>
    public void SolveShifted(double a, Span<double> x, Span<double> scratch) => Gmres(false, a, 0, x, default);

    /// <summary>x₁ ← (a I + ∇²L)⁻¹ x₁; (x₂ + i x₃) ← ((b + i c) I + ∇²L)⁻¹ (x₂ + i x₃) in the real block form.</summary>
    public void SolveStages(double a, double b, double c, Span<double> x1, Span<double> x2, Span<double> x3,
        Span<double> t1, Span<double> t2, Span<double> t3)
    {
        Gmres(false, a, 0, x1, default);
        Gmres(true, b, c, x2, x3);
    }

    /// <summary>
    /// Right-preconditioned GMRES on the diagonally scaled system (D⁻¹ A D) x̃ = D⁻¹ r, D = diag(scal), A = σ I + ∇²L with
    /// σ = b (+ i c): x̃ = M̃⁻¹ u, M̃⁻¹ = D⁻¹ M_σ⁻¹ D. Real: <paramref name="re"/> alone; complex: (re, im).
    /// </summary>
    private void Gmres(bool complex, double b, double c, Span<double> re, Span<double> im)
    {
        int n = _n, len = complex ? 2 * n : n;
        var scal = _scal;
        var v0 = _arnoldi.AsSpan(0, len);
        for (int i = 0; i < n; i++) v0[i] = re[i] / scal[i];
        if (complex) for (int i = 0; i < n; i++) v0[n + i] = im[i] / scal[i];
        double beta = Math.Sqrt(Dot(v0, v0));
        if (!(beta > 0) || !double.IsFinite(beta))
        {
            // Zero right-hand side: zero solution; not finite: leave it, the Newton iteration rejects the step.
            if (beta == 0) { re[..n].Clear(); if (complex) im[..n].Clear(); }
            return;
        }
        Scale(1 / beta, v0);
        Array.Clear(_gv);
        _gv[0] = beta;
        int m = MaxIterations, k = 0;
        bool done = false;
        var az = _az.AsSpan(0, len);
        while (k < m && !done)
        {
            var vk = _arnoldi.AsSpan(k * len, len);
            // z_k = M⁻¹ D ṽ_k (kept: the solution is Σ y_k z_k), w̃ = D⁻¹ A z_k.
            var z = _precond.AsSpan(k * len, len);
            for (int i = 0; i < len; i++) z[i] = vk[i] * scal[i < n ? i : i - n];
            Precondition(complex, b, c, z);
            Apply(complex, b, c, z, az);
            var w = _arnoldi.AsSpan((k + 1) * len, len);
            for (int i = 0; i < len; i++) w[i] = az[i] / scal[i < n ? i : i - n];
            // Modified Gram–Schmidt.
            for (int j = 0; j <= k; j++)
            {
                var vj = _arnoldi.AsSpan(j * len, len);
                double hjk = Dot(vj, w);
                _hess[j * m + k] = hjk;
                Axpy(-hjk, vj, w);
            }
            double hk = Math.Sqrt(Dot(w, w));
            if (hk > 0) Scale(1 / hk, w);
            // Earlier rotations, then a new one to annihilate h_{k+1,k}.
            for (int j = 0; j < k; j++)
            {
                double h0 = _hess[j * m + k], h1 = _hess[(j + 1) * m + k];
                _hess[j * m + k] = _cs[j] * h0 + _sn[j] * h1;
                _hess[(j + 1) * m + k] = -_sn[j] * h0 + _cs[j] * h1;
            }
            double hkk = _hess[k * m + k];
            double r = Math.Sqrt(hkk * hkk + hk * hk);
            if (!(r > 0) || !double.IsFinite(r)) break;
            _cs[k] = hkk / r;
            _sn[k] = hk / r;
            _hess[k * m + k] = r;
            _gv[k + 1] = -_sn[k] * _gv[k];
            _gv[k] = _cs[k] * _gv[k];
            k++;
            done = Math.Abs(_gv[k]) <= _eta * beta || hk == 0;
        }
        if (!done) Unconverged++;
        // y = R⁻¹ g; x = M⁻¹ D Σ y_j ṽ_j = Σ y_j z_j (M⁻¹ is linear: no further application).
        for (int j = k - 1; j >= 0; j--)
        {
            double s = _gv[j];
            for (int l = j + 1; l < k; l++) s -= _hess[j * m + l] * _y[l];
            _y[j] = s / _hess[j * m + j];
        }
        var x = az;
        x.Clear();
        for (int j = 0; j < k; j++) Axpy(_y[j], _precond.AsSpan(j * len, len), x);
        x[..n].CopyTo(re);
        if (complex) x.Slice(n, n).CopyTo(im);
    }

    /// <summary>az = (σ I + ∇²L) z: real, or the block form [[b + ∇²L, −c], [c, b + ∇²L]].</summary>
    private void Apply(bool complex, double b, double c, Span<double> z, Span<double> az)
    {
        int n = _n;
        _hvp.Multiply(z[..n], az[..n]);
        Products++;
        if (!complex)
        {
            for (int i = 0; i < n; i++) az[i] += b * z[i];
            return;
        }
        _hvp.Multiply(z.Slice(n, n), az.Slice(n, n));
        Products++;
        for (int i = 0; i < n; i++)
        {
            double zr = z[i], zi = z[n + i];
            az[i] += b * zr - c * zi;
            az[n + i] += c * zr + b * zi;
        }
    }

    /// <summary>z ← M_σ⁻¹ z = z/σ − V diag(θ/(σ(σ + θ))) Vᵀ z (σ = b real, or b + i c on the block form).</summary>
    private void Precondition(bool complex, double b, double c, Span<double> z)
    {
        int n = _n, k = 0;
        double cut = DeflationCut * Math.Sqrt(b * b + c * c);
        while (k < _k && Math.Abs(_theta[k]) > cut) k++;
        var re = z[..n];
        if (!complex)
        {
            for (int l = 0; l < k; l++) _coefRe[l] = Dot(_v.AsSpan(l * n, n), re);
            Scale(1 / b, re);
            for (int l = 0; l < k; l++)
            {
                double theta = _theta[l];
                Axpy(-theta / (b * (b + theta)) * _coefRe[l], _v.AsSpan(l * n, n), re);
            }
            return;
        }
        var im = z.Slice(n, n);
        for (int l = 0; l < k; l++)
        {
            var v = _v.AsSpan(l * n, n);
            _coefRe[l] = Dot(v, re);
            _coefIm[l] = Dot(v, im);
        }
        // z/σ = (b − i c)(u + i v)/(b² + c²).
        double den = b * b + c * c;
        for (int i = 0; i < n; i++)
        {
            double u = re[i], w = im[i];
            re[i] = (b * u + c * w) / den;
            im[i] = (b * w - c * u) / den;
        }
        for (int l = 0; l < k; l++)
        {
            // κ = −θ/(σ(σ + θ)), σ(σ + θ) = p + i q.
            double theta = _theta[l];
            double p = b * (b + theta) - c * c, q = c * (2 * b + theta);
            double pq = p * p + q * q;
            double kr = -theta * p / pq, ki = theta * q / pq;
            double cr = _coefRe[l], ci = _coefIm[l];
            var v = _v.AsSpan(l * n, n);
            Axpy(kr * cr - ki * ci, v, re);
            Axpy(kr * ci + ki * cr, v, im);
        }
    }

    /// <summary>
    /// Σ a_i b_i in four fixed partial sums (i mod 4, as Vector256 lanes: the same bits with or without AVX, since
    /// the width is fixed, not the machine's), combined as (s₀ + s₁) + (s₂ + s₃), then the tail in order.
    /// </summary>
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, i = 0;
        var acc = Vector256<double>.Zero;
        for (; i <= n - 4; i += 4) acc += Vector256.Create(a.Slice(i, 4)) * Vector256.Create(b.Slice(i, 4));
        double s = (acc.GetElement(0) + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3));
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    private static void Scale(double a, Span<double> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= a;
    }

    /// <summary>y += a·x element by element (a multiply, then an add: never fused).</summary>
    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, i = 0;
        var va = Vector256.Create(a);
        for (; i <= n - 4; i += 4) (Vector256.Create(y.Slice(i, 4)) + va * Vector256.Create(x.Slice(i, 4))).CopyTo(y.Slice(i, 4));
        for (; i < n; i++) y[i] += a * x[i];
    }
}

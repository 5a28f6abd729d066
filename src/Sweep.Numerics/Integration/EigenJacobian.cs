using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The flow's Jacobian J = −∇²L at one state, diagonalised once: ∇²L = Q Λ Qᵀ with Q orthogonal (the Hessian is
/// symmetric). Every linear system an implicit Runge–Kutta method meets is then (a I + ∇²L) x = b for some scalar a
/// (real or complex), solved as x = Q (a I + Λ)⁻¹ Qᵀ b: two matrix–vector products and n divisions, whatever the step
/// size. Changing h therefore costs no new factorisation, unlike an LU of (I/(γh) − J), which codes such as RADAU5
/// refactor whenever h changes by more than 20%. The Hessian is exact (<see cref="DenseHessian"/>: the forward-mode
/// derivative of the gradient's passes, column by column) and diagonalised by MathNet's symmetric eigensolver (Householder
/// tridiagonalisation and implicit QL, plain IEEE arithmetic, so the same bits on every machine). Off the hot path:
/// a Jacobian is taken only when the simplified Newton iteration stops contracting fast.
/// </summary>
public sealed class EigenJacobian : IStageJacobian
{
    private readonly DenseHessian _hessian;
    private readonly double[] _dense;   // ∇²L, n × n (symmetric, so row- and column-major alike)
    private readonly double[] _qt;      // row j is eigenvector j (Qᵀ, row-major)
    private readonly double[] _q;       // Q row-major: row i holds component i of every eigenvector
    private readonly double[] _lambda;  // eigenvalues of ∇²L (not of J)
    private readonly InvariantManifold? _manifold;
    private readonly int[][] _whole;    // every entry: one block
    private readonly int[][]? _split;   // on the manifold: its zero entries, then the rest (each diagonalised alone)

    /// <param name="manifold">
    /// The suppressed modes' invariant manifold, when trajectories start on it. There ∇²L is block-diagonal (the field is
    /// tangent to the manifold and the Hessian symmetric), and each block is diagonalised alone, so that every solve
    /// keeps the manifold's entries exactly zero, as the explicit methods do: a dense eigenbasis would mix in rounding
    /// errors of 1e-17 that the unstable direction off the manifold then amplifies.
    /// </param>
    public EigenJacobian(LinearNetworkProblem problem, InvariantManifold? manifold = null)
    {
        _manifold = manifold;
        _hessian = new DenseHessian(problem);
        Dimension = problem.Shape.ParameterCount;
        _dense = new double[Dimension * Dimension];
        _qt = new double[Dimension * Dimension];
        _q = new double[Dimension * Dimension];
        _lambda = new double[Dimension];
        _whole = [Enumerable.Range(0, Dimension).ToArray()];
        if (manifold is not null)
        {
            var zeros = manifold.ZeroEntries.Order().ToArray();
            _split = [zeros, Enumerable.Range(0, Dimension).Except(zeros).ToArray()];
        }
    }

    public int Dimension { get; }

    /// <summary>The eigenvalues of ∇²L at the last <see cref="Update"/>.</summary>
    public ReadOnlySpan<double> Eigenvalues => _lambda;

    /// <summary>The smallest eigenvalue of ∇²L (negative at a strict saddle: the escape's growth rate is its magnitude).</summary>
    public double MinEigenvalue { get; private set; }

    long IStageJacobian.Products => 0;

    /// <summary>Takes the Hessian at <paramref name="weights"/> and diagonalises it.</summary>
    public void Update(ReadOnlySpan<double> weights)
    {
        int n = Dimension;
        _hessian.Assemble(weights, _dense);
        bool split = _manifold is not null && _manifold.Contains(new Kernels.LaneWeights(weights));
        var blocks = split ? _split! : _whole;
        Array.Clear(_qt);
        Array.Clear(_q);
        double min = double.PositiveInfinity;
        int j = 0;
        foreach (var block in blocks)
        {
            int m = block.Length;
            if (m == 0) continue;
            var evd = Matrix<double>.Build.Dense(m, m, (r, c) => _dense[block[r] * n + block[c]]).Evd(Symmetricity.Symmetric);
            var vectors = evd.EigenVectors;
            for (int k = 0; k < m; k++, j++)
            {
                double l = evd.EigenValues[k].Real;
                _lambda[j] = l;
                min = Math.Min(min, l);
                for (int i = 0; i < m; i++) _qt[j * n + block[i]] = _q[block[i] * n + j] = vectors[i, k];
            }
        }
        MinEigenvalue = min;
    }

    /// <summary>x ← (a I + ∇²L)⁻¹ x for real a (a + λ_j ≠ 0 for every j: the caller keeps a away from −λ_min).</summary>
    public void SolveShifted(double a, Span<double> x, Span<double> scratch)
    {
        int n = Dimension;
        scratch[..n].Clear();
        for (int i = 0; i < n; i++) Axpy(x[i], _q.AsSpan(i * n, n), scratch);
        for (int j = 0; j < n; j++) scratch[j] /= a + _lambda[j];
        x[..n].Clear();
        for (int j = 0; j < n; j++) Axpy(scratch[j], _qt.AsSpan(j * n, n), x);
    }

    /// <summary>
    /// The stage systems of Radau IIA in one pass over the eigenvectors: x₁ ← (a I + ∇²L)⁻¹ x₁ and
    /// (x₂ + i x₃) ← ((b + i c) I + ∇²L)⁻¹ (x₂ + i x₃) (c ≠ 0: never singular), per eigenvalue
    /// (u + i v) = (p + i q)(d − i c)/(d² + c²), d = b + λ_j. The same arithmetic, in the same order, as three separate
    /// solves; fused so that each row of Q is read once for all three vectors.
    /// </summary>
    public void SolveStages(double a, double b, double c, Span<double> x1, Span<double> x2, Span<double> x3,
        Span<double> t1, Span<double> t2, Span<double> t3)
    {
        int n = Dimension;
        t1[..n].Clear(); t2[..n].Clear(); t3[..n].Clear();
        for (int i = 0; i < n; i++)
        {
            var row = _q.AsSpan(i * n, n);
            Axpy(x1[i], row, t1);
            Axpy(x2[i], row, t2);
            Axpy(x3[i], row, t3);
        }
        for (int j = 0; j < n; j++)
        {
            t1[j] /= a + _lambda[j];
            double d = b + _lambda[j], p = t2[j], q = t3[j];
            double den = d * d + c * c;
            t2[j] = (d * p + c * q) / den;
            t3[j] = (d * q - c * p) / den;
        }
        x1[..n].Clear(); x2[..n].Clear(); x3[..n].Clear();
        for (int j = 0; j < n; j++)
        {
            var row = _qt.AsSpan(j * n, n);
            Axpy(t1[j], row, x1);
            Axpy(t2[j], row, x2);
            Axpy(t3[j], row, x3);
        }
    }

    /// <summary>
    /// y += a·x element by element (a multiply, then an add: never fused), so the result is the same bits whatever the
    /// SIMD width the machine gives <see cref="System.Numerics.Vector{T}"/>: the vectors only run elements side by side.
    /// </summary>
    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int w = System.Numerics.Vector<double>.Count;
            var va = new System.Numerics.Vector<double>(a);
            for (; i <= n - w; i += w)
                (new System.Numerics.Vector<double>(y[i..]) + va * new System.Numerics.Vector<double>(x[i..])).CopyTo(y[i..]);
        }
        for (; i < n; i++) y[i] += a * x[i];
    }
}

using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The flow's Jacobian J = −∇²L at one state, diagonalised once: ∇²L = Q Λ Qᵀ with Q orthogonal (the Hessian is
/// symmetric). Every linear system an implicit Runge–Kutta method meets is then (a I + ∇²L) x = b for some scalar a
/// (real or complex), solved as x = Q (a I + Λ)⁻¹ Qᵀ b: two matrix–vector products and n divisions, whatever the step
/// size. Changing h therefore costs no new factorisation, unlike an LU of (I/(γh) − J), which codes such as RADAU5
/// refactor whenever h changes by more than 20%. The Hessian is exact (<see cref="DenseHessian"/>: the forward-mode
/// derivative of the gradient's passes, column by column) and diagonalised by <see cref="SymmetricEigensolver"/> (Householder
/// tridiagonalisation and implicit QL, plain IEEE arithmetic, so the same bits on every machine, and the same bits as
/// MathNet's managed eigensolver, which this class used before). A Jacobian is taken only when the simplified Newton
/// iteration stops contracting fast.
/// </summary>
public sealed class EigenJacobian : IStageJacobian
{
    private readonly DenseHessian _hessian;
    private readonly double[] _dense;   // ∇²L, n × n (symmetric, so row- and column-major alike)
    private readonly double[] _qt;      // row j is eigenvector j (Qᵀ, row-major)
    private readonly double[] _q;       // Q row-major: row i holds component i of every eigenvector
    private readonly double[] _lambda;  // eigenvalues of ∇²L (not of J)
    private readonly double[] _work, _values;   // one diagonal block and its eigenvalues
    private readonly SymmetricEigensolver _eigensolver;
    private readonly InvariantManifold? _manifold;
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
        // A diagonal block's work space is needed only on the manifold (one block is diagonalised in Qᵀ's own storage).
        _work = manifold is null ? [] : new double[Dimension * Dimension];
        _values = new double[Dimension];
        _eigensolver = new SymmetricEigensolver(Dimension);
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
        if (!split)
        {
            // One block, in place: the assembled Hessian is exactly symmetric, so it is its own column-major form, and row k
            // of the result is eigenvector k, which is Qᵀ's row k.
            _dense.AsSpan().CopyTo(_qt);
            _eigensolver.Decompose(_qt, n, _lambda);
            for (int k = 0; k < n; k++)
                for (int i = 0; i < n; i++) _q[i * n + k] = _qt[k * n + i];
            MinEigenvalue = n > 0 ? _lambda[0] : double.PositiveInfinity;
            return;
        }
        Array.Clear(_qt);
        Array.Clear(_q);
        double min = double.PositiveInfinity;
        int j = 0;
        foreach (var block in _split!)
        {
            int m = block.Length;
            if (m == 0) continue;
            // The block in column-major order (symmetric, so either), diagonalised in place: row k ends as eigenvector k.
            var a = _work.AsSpan(0, m * m);
            for (int c = 0; c < m; c++)
                for (int r = 0; r < m; r++) a[c * m + r] = _dense[block[r] * n + block[c]];
            _eigensolver.Decompose(a, m, _values);
            for (int k = 0; k < m; k++, j++)
            {
                double l = _values[k];
                _lambda[j] = l;
                min = Math.Min(min, l);
                for (int i = 0; i < m; i++) _qt[j * n + block[i]] = _q[block[i] * n + j] = a[k * m + i];
            }
        }
        MinEigenvalue = min;
    }

    /// <summary>x ← (a I + ∇²L)⁻¹ x for real a (a + λ_j ≠ 0 for every j: the caller keeps a away from −λ_min).</summary>
    public void SolveShifted(double a, Span<double> x, Span<double> scratch)
    {
        int n = Dimension;
        EigenbasisTransform.Apply(_q, n, x, scratch);
        for (int j = 0; j < n; j++) scratch[j] /= a + _lambda[j];
        EigenbasisTransform.Apply(_qt, n, scratch, x);
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
        EigenbasisTransform.Apply(_q, n, x1, x2, x3, t1, t2, t3);
        for (int j = 0; j < n; j++)
        {
            t1[j] /= a + _lambda[j];
            double d = b + _lambda[j], p = t2[j], q = t3[j];
            double den = d * d + c * c;
            t2[j] = (d * p + c * q) / den;
            t3[j] = (d * q - c * p) / den;
        }
        EigenbasisTransform.Apply(_qt, n, t1, t2, t3, x1, x2, x3);
    }
}

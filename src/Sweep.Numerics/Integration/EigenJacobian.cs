using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The flow's Jacobian J = −∇²L at one state, diagonalised once: ∇²L = Q Λ Qᵀ with Q orthogonal (the Hessian is
/// symmetric). Every linear system an implicit Runge–Kutta method meets is then (a I + ∇²L) x = b for some scalar a
/// (real or complex), solved as x = Q (a I + Λ)⁻¹ Qᵀ b: two matrix–vector products and n divisions, whatever the step
/// size. Changing h therefore costs no new factorisation, unlike an LU of (I/(γh) − J), which codes such as RADAU5
/// refactor whenever h changes by more than 20%. The Hessian is exact (forward-mode products of the gradient's passes,
/// <see cref="Hessian"/>), assembled densely and diagonalised by MathNet's symmetric eigensolver (Householder
/// tridiagonalisation and implicit QL, plain IEEE arithmetic, so the same bits on every machine). Off the hot path:
/// a Jacobian is taken only when the simplified Newton iteration stops contracting fast.
/// </summary>
public sealed class EigenJacobian
{
    private readonly Hessian _hessian;
    private readonly double[] _qt;      // row j is eigenvector j (Qᵀ, row-major)
    private readonly double[] _lambda;  // eigenvalues of ∇²L (not of J)

    public EigenJacobian(LinearNetworkProblem problem)
    {
        _hessian = new Hessian(problem);
        Dimension = problem.Shape.ParameterCount;
        _qt = new double[Dimension * Dimension];
        _lambda = new double[Dimension];
    }

    public int Dimension { get; }

    /// <summary>The eigenvalues of ∇²L at the last <see cref="Update"/>.</summary>
    public ReadOnlySpan<double> Eigenvalues => _lambda;

    /// <summary>The smallest eigenvalue of ∇²L (negative at a strict saddle: the escape's growth rate is its magnitude).</summary>
    public double MinEigenvalue { get; private set; }

    /// <summary>The largest eigenvalue of ∇²L: the stiffness an explicit method would have to resolve.</summary>
    public double MaxEigenvalue { get; private set; }

    /// <summary>Takes the Hessian at <paramref name="weights"/> and diagonalises it.</summary>
    public void Update(ReadOnlySpan<double> weights)
    {
        int n = Dimension;
        var evd = _hessian.At(weights).Dense().Evd(Symmetricity.Symmetric);
        var vectors = evd.EigenVectors;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int j = 0; j < n; j++)
        {
            double l = evd.EigenValues[j].Real;
            _lambda[j] = l;
            min = Math.Min(min, l);
            max = Math.Max(max, l);
            for (int i = 0; i < n; i++) _qt[j * n + i] = vectors[i, j];
        }
        MinEigenvalue = min;
        MaxEigenvalue = max;
    }

    /// <summary>x ← (a I + ∇²L)⁻¹ x for real a (a + λ_j ≠ 0 for every j: the caller keeps a away from −λ_min).</summary>
    public void SolveShifted(double a, Span<double> x, Span<double> scratch)
    {
        int n = Dimension;
        ToEigenbasis(x, scratch);
        for (int j = 0; j < n; j++) scratch[j] /= a + _lambda[j];
        FromEigenbasis(scratch, x);
    }

    /// <summary>
    /// (re + i·im) ← ((a + i b) I + ∇²L)⁻¹ (re + i·im) for real a, b with b ≠ 0 (never singular), per eigenvalue
    /// (u + i v) = (p + i q)(c − i b)/(c² + b²), c = a + λ_j.
    /// </summary>
    public void SolveShifted(double a, double b, Span<double> re, Span<double> im, Span<double> scratchRe, Span<double> scratchIm)
    {
        int n = Dimension;
        ToEigenbasis(re, scratchRe);
        ToEigenbasis(im, scratchIm);
        for (int j = 0; j < n; j++)
        {
            double c = a + _lambda[j], p = scratchRe[j], q = scratchIm[j];
            double den = c * c + b * b;
            scratchRe[j] = (c * p + b * q) / den;
            scratchIm[j] = (c * q - b * p) / den;
        }
        FromEigenbasis(scratchRe, re);
        FromEigenbasis(scratchIm, im);
    }

    /// <summary>y = Qᵀ x: y_j = Σ_i Q_ij x_i, a dot product per eigenvector (contiguous rows of Qᵀ), summed in index order.</summary>
    private void ToEigenbasis(ReadOnlySpan<double> x, Span<double> y)
    {
        int n = Dimension;
        ReadOnlySpan<double> qt = _qt;
        for (int j = 0; j < n; j++)
        {
            var row = qt.Slice(j * n, n);
            double s = 0;
            for (int i = 0; i < n; i++) s += row[i] * x[i];
            y[j] = s;
        }
    }

    /// <summary>x = Q y: x = Σ_j y_j q_j, the eigenvectors added in index order.</summary>
    private void FromEigenbasis(ReadOnlySpan<double> y, Span<double> x)
    {
        int n = Dimension;
        ReadOnlySpan<double> qt = _qt;
        x[..n].Clear();
        for (int j = 0; j < n; j++)
        {
            var row = qt.Slice(j * n, n);
            double c = y[j];
            for (int i = 0; i < n; i++) x[i] += c * row[i];
        }
    }
}

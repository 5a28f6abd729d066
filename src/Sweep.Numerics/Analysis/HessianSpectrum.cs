using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// What the Hessian says of a state (docs/math.md, Strict and non-strict saddles; τ in docs/outputs.md): its smallest and largest eigenvalue, the number
/// of eigenvalues below −τ and the nullity (eigenvalues with |λ| ≤ τ). The state is a strict saddle when λ_min < −τ,
/// i.e. <see cref="Negative"/> ≥ 1. Up to <see cref="DenseLimit"/> parameters the Hessian is assembled from exact
/// Hessian–vector products and diagonalised (MathNet, symmetric); beyond, <see cref="Lanczos"/> gives λ_min, λ_max and
/// the negative count, and <see cref="Null"/> is null (not computed).
/// </summary>
public sealed record HessianSpectrum(double Min, double Max, int Negative, int? Null, double Tolerance, bool Dense)
{
    /// <summary>Networks with at most this many parameters get the dense eigensolver.</summary>
    public const int DenseLimit = 600;

    /// <summary>τ = this × the problem's Hessian scale (<see cref="Scale"/>).</summary>
    public const double RelativeTolerance = 1e-3;

    public bool Strict => Negative > 0;

    /// <summary>
    /// The size of the Hessian at the global minimum: s_1^{2 − 2/N} λ_max(Cxx)^{1/N}, N = H + 1 layers. A balanced
    /// minimum has layers of size (s_1/√c)^{1/N} for Cxx = c I, and the Hessian's Gauss–Newton part, tr(Ṗ Cxx Ṗᵀ),
    /// is c (s_1/√c)^{2(N−1)/N}. It does not depend on the state, so a Hessian that is small because the state is near
    /// the origin is not called strict by a tolerance relative to itself.
    /// </summary>
    public static double Scale(LinearNetworkProblem problem)
    {
        int n = problem.Shape.Layers;
        double s1 = problem.Spectrum.SingularValues[0];
        double c = 1;
        if (!problem.IdentityCovariance)
        {
            int dx = problem.Shape.InputDim;
            var cxx = Matrix<double>.Build.Dense(dx, dx, (i, j) => problem.Cxx[i * dx + j]);
            c = cxx.Evd(Symmetricity.Symmetric).EigenValues.Max(v => v.Real);
        }
        return Math.Pow(s1, 2 - 2.0 / n) * Math.Pow(c, 1.0 / n);
    }

    public static double ToleranceFor(LinearNetworkProblem problem) => RelativeTolerance * Scale(problem);

    /// <summary>The spectrum of the Hessian operator <paramref name="h"/> with tolerance τ.</summary>
    public static HessianSpectrum Of(Hessian.Operator h, double tolerance, int denseLimit = DenseLimit)
    {
        int p = h.Dimension;
        if (p <= denseLimit)
        {
            var values = h.Dense().Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).ToArray();
            int negative = values.Count(v => v < -tolerance);
            int nullity = values.Count(v => Math.Abs(v) <= tolerance);
            return new HessianSpectrum(values.Min(), values.Max(), negative, nullity, tolerance, Dense: true);
        }
        var r = Lanczos.Extremes(p, h.Multiply, tolerance);
        return new HessianSpectrum(r.Min, r.Max, r.BelowThreshold, null, tolerance, Dense: false);
    }
}

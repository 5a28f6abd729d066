using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// The exponential rate that the invariants guarantee to the gradient flow on a pyramidal network (the paper's
/// Proposition 2, in the form proved in docs/tail-rate.md, <i>Proposition 2</i>): with d_1 ≥ d_2 ≥ … ≥ d_H ≥ d_y and
/// λ_k(·) the k-th largest eigenvalue,
/// <code>
///     ρ = 2 λ_min(Cxx) · λ_{d_y}(D_H) · Π_{j=1}^{H−1} λ_{d_{j+1}}(D_j),     each factor clipped at 0,
/// </code>
/// bounds the flow's loss gap for all t: d/dt ln(L − L_min) ≤ −ρ, so L(t) − L_min ≤ (L(0) − L_min) e^{−ρt}. The D_i are
/// conserved, so ρ read at t = 0 holds along the whole trajectory. ρ > 0 exactly when the hypotheses hold (D_H has at
/// least d_y positive eigenvalues and each D_j, j &lt; H, at least d_{j+1}); 0 is the vacuous bound.
/// </summary>
public static class Proposition2
{
    /// <summary>True when d_1 ≥ … ≥ d_H ≥ d_y (d_x is free): the shape the bound's chain needs (H ≥ 1).</summary>
    public static bool IsPyramidal(NetworkShape shape)
    {
        if (shape.Depth < 1) return false;
        for (int i = 1; i <= shape.Depth; i++)
            if (shape.Dim(i) < shape.Dim(i + 1)) return false;
        return true;
    }

    /// <summary>
    /// ρ for the invariants <paramref name="d"/> (all D_i concatenated, as <see cref="Invariants.Compute"/> returns
    /// them) and λ_min(Cxx) <paramref name="cxxMin"/>; NaN for a network that is not pyramidal (the bound says nothing).
    /// </summary>
    public static double Rate(NetworkShape shape, ReadOnlySpan<double> d, double cxxMin)
    {
        if (!IsPyramidal(shape)) return double.NaN;
        double product = 2 * Math.Max(cxxMin, 0);
        int offset = 0;
        for (int j = 1; j <= shape.Depth; j++)
        {
            int dj = shape.Dim(j);
            // D_H needs its d_y-th eigenvalue (W_{H+1} has d_y rows); D_j, j < H, its d_{j+1}-th (W_{j+1} must be onto).
            int k = shape.Dim(j + 1);
            product *= Math.Max(Invariants.Descending(d.Slice(offset, dj * dj), dj)[k - 1], 0);
            offset += dj * dj;
        }
        return product;
    }

    /// <summary>λ_min(Cxx): 1 when Cxx = I, else from the symmetric eigensolver (once per solver, off the hot path).</summary>
    public static double CovarianceMin(LinearNetworkProblem problem) =>
        problem.IdentityCovariance ? 1 : Invariants.Descending(problem.Cxx, problem.Shape.InputDim)[^1];
}

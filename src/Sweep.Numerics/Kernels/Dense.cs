namespace Sweep.Numerics.Kernels;

/// <summary>
/// Plain row-major helpers for one matrix (off the hot path: classification, invariants, norms). The products are the
/// one-lane kernels of <see cref="LaneDense{T}"/>, so there is one implementation of each.
/// </summary>
public static class Dense
{
    /// <summary>C (m×n) = A (m×k) · B (k×n).</summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n) =>
        LaneDense<ScalarLane>.Multiply(a, b, c, m, k, n);

    /// <summary>C (m×n) = Aᵀ · B with A stored k×m and B stored k×n.</summary>
    public static void MultiplyTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n) =>
        LaneDense<ScalarLane>.MultiplyTransposeA(a, b, c, m, k, n);

    public static double SquaredNorm(ReadOnlySpan<double> x) => LaneDense<ScalarLane>.SquaredNorm(x, x.Length)[0];

    public static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(SquaredNorm(x));

    public static bool AllFiniteAndBounded(ReadOnlySpan<double> x, double bound)
    {
        foreach (var v in x)
            if (!(Math.Abs(v) <= bound)) return false; // also false for NaN
        return true;
    }
}

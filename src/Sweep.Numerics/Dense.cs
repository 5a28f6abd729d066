using System.Runtime.CompilerServices;

namespace Sweep.Numerics;

/// <summary>
/// Row-major dense kernels over spans. Shapes are explicit; nothing allocates.
/// Loop orders keep the innermost loop contiguous in memory.
/// </summary>
public static class Dense
{
    /// <summary>C (m×n) = A (m×k) · B (k×n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        c = c[..(m * n)];
        c.Clear();
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                double aip = a[i * k + p];
                var bp = b.Slice(p * n, n);
                for (int j = 0; j < n; j++) ci[j] += aip * bp[j];
            }
        }
    }

    /// <summary>C (m×n) = Aᵀ · B with A stored k×m and B stored k×n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        c = c[..(m * n)];
        c.Clear();
        for (int p = 0; p < k; p++)
        {
            var ap = a.Slice(p * m, m);
            var bp = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                double v = ap[i];
                var ci = c.Slice(i * n, n);
                for (int j = 0; j < n; j++) ci[j] += v * bp[j];
            }
        }
    }

    /// <summary>C (m×n) = A · Bᵀ with A stored m×k and B stored n×k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            var ai = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                var bj = b.Slice(j * k, k);
                double s = 0;
                for (int p = 0; p < k; p++) s += ai[p] * bj[p];
                c[i * n + j] = s;
            }
        }
    }

    public static double SquaredNorm(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (var v in x) s += v * v;
        return s;
    }

    public static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(SquaredNorm(x));

    public static bool AllFiniteAndBounded(ReadOnlySpan<double> x, double bound)
    {
        foreach (var v in x)
            if (!(Math.Abs(v) <= bound)) return false; // also false for NaN
        return true;
    }
}

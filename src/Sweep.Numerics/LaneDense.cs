using System.Runtime.CompilerServices;

namespace Sweep.Numerics;

/// <summary>
/// Row-major dense products over lane buffers (see <see cref="ILane{TSelf}"/>). Every output element is accumulated
/// from zero over the inner index in ascending order, whatever the lane type: the arithmetic of a lane never depends
/// on the lane width. Columns are processed four at a time so that accumulators stay in registers.
/// </summary>
public static class LaneDense<T> where T : struct, ILane<T>
{
    /// <summary>C (m×n) = A (m×k) · B (k×n), all per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T aip = T.Load(a, i * k + p);
                    int row = p * n + j;
                    c0 += aip * T.Load(b, row);
                    c1 += aip * T.Load(b, row + 1);
                    c2 += aip * T.Load(b, row + 2);
                    c3 += aip * T.Load(b, row + 3);
                }
                int o = i * n + j;
                T.Store(c, o, c0); T.Store(c, o + 1, c1); T.Store(c, o + 2, c2); T.Store(c, o + 3, c3);
            }
            for (; j < n; j++)
            {
                T acc = T.Zero;
                for (int p = 0; p < k; p++) acc += T.Load(a, i * k + p) * T.Load(b, p * n + j);
                T.Store(c, i * n + j, acc);
            }
        }
    }

    /// <summary>C (m×n) = A (m×k, per lane) · B (k×n, one matrix shared by all lanes, plain row-major).</summary>
    public static void MultiplyShared(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T acc = T.Zero;
                for (int p = 0; p < k; p++) acc += T.Load(a, i * k + p) * T.Broadcast(b[p * n + j]);
                T.Store(c, i * n + j, acc);
            }
    }

    /// <summary>C (m×n) = Aᵀ · B with A stored k×m and B stored k×n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T api = T.Load(a, p * m + i);
                    int row = p * n + j;
                    c0 += api * T.Load(b, row);
                    c1 += api * T.Load(b, row + 1);
                    c2 += api * T.Load(b, row + 2);
                    c3 += api * T.Load(b, row + 3);
                }
                int o = i * n + j;
                T.Store(c, o, c0); T.Store(c, o + 1, c1); T.Store(c, o + 2, c2); T.Store(c, o + 3, c3);
            }
            for (; j < n; j++)
            {
                T acc = T.Zero;
                for (int p = 0; p < k; p++) acc += T.Load(a, p * m + i) * T.Load(b, p * n + j);
                T.Store(c, i * n + j, acc);
            }
        }
    }

    /// <summary>C (m×n) = A · Bᵀ with A stored m×k and B stored n×k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T aip = T.Load(a, i * k + p);
                    c0 += aip * T.Load(b, j * k + p);
                    c1 += aip * T.Load(b, (j + 1) * k + p);
                    c2 += aip * T.Load(b, (j + 2) * k + p);
                    c3 += aip * T.Load(b, (j + 3) * k + p);
                }
                int o = i * n + j;
                T.Store(c, o, c0); T.Store(c, o + 1, c1); T.Store(c, o + 2, c2); T.Store(c, o + 3, c3);
            }
            for (; j < n; j++)
            {
                T acc = T.Zero;
                for (int p = 0; p < k; p++) acc += T.Load(a, i * k + p) * T.Load(b, j * k + p);
                T.Store(c, i * n + j, acc);
            }
        }
    }

    /// <summary>Σ x² per lane, summed in element order.</summary>
    public static T SquaredNorm(ReadOnlySpan<double> x, int elements)
    {
        T s = T.Zero;
        for (int e = 0; e < elements; e++)
        {
            T v = T.Load(x, e);
            s += v * v;
        }
        return s;
    }
}

using System.Runtime.CompilerServices;

namespace Sweep.Numerics.Kernels;

/// <summary>
/// Row-major dense products over lane buffers (see <see cref="ILane{TSelf}"/>). Every output element is accumulated
/// from zero over the inner index in ascending order, whatever the lane type: the arithmetic of a lane never depends
/// on the lane width. Columns are processed four at a time so that accumulators stay in registers.
/// </summary>
public static class LaneDense<T> where T : struct, ILane<T>
{
    /// <summary>C (m×n) = A (m×k) · B (k×n), all per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n) =>
        Product(a, b, c, m, k, n, rowStride: k, innerStride: 1, bInner: n, bColumn: 1);

    /// <summary>C (m×n) = Aᵀ · B with A stored k×m and B stored k×n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n) =>
        Product(a, b, c, m, k, n, rowStride: 1, innerStride: m, bInner: n, bColumn: 1);

    /// <summary>C (m×n) = A · Bᵀ with A stored m×k and B stored n×k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n) =>
        Product(a, b, c, m, k, n, rowStride: k, innerStride: 1, bInner: 1, bColumn: k);

    /// <summary>
    /// C (m×n) = Â · B̂ with Â[i,p] = a[i·rowStride + p·innerStride] and B̂[p,j] = b[p·bInner + j·bColumn]: rows are taken
    /// four (then two) at a time and columns four at a time, so up to sixteen accumulators stay in registers and each
    /// load serves several products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Product(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, int rowStride, int innerStride, int bInner, int bColumn)
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            int a0 = i * rowStride, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride;
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero, c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
                T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero, c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    int row = p * bInner + j * bColumn, ap = p * innerStride;
                    T b0 = T.Load(b, row), b1 = T.Load(b, row + bColumn), b2 = T.Load(b, row + 2 * bColumn), b3 = T.Load(b, row + 3 * bColumn);
                    T x = T.Load(a, a0 + ap);
                    c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
                    x = T.Load(a, a1 + ap);
                    c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
                    x = T.Load(a, a2 + ap);
                    c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
                    x = T.Load(a, a3 + ap);
                    c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
                }
                int o = i * n + j;
                T.Store(c, o, c00); T.Store(c, o + 1, c01); T.Store(c, o + 2, c02); T.Store(c, o + 3, c03); o += n;
                T.Store(c, o, c10); T.Store(c, o + 1, c11); T.Store(c, o + 2, c12); T.Store(c, o + 3, c13); o += n;
                T.Store(c, o, c20); T.Store(c, o + 1, c21); T.Store(c, o + 2, c22); T.Store(c, o + 3, c23); o += n;
                T.Store(c, o, c30); T.Store(c, o + 1, c31); T.Store(c, o + 2, c32); T.Store(c, o + 3, c33);
            }
            for (; j < n; j++)
                for (int r = 0; r < 4; r++)
                {
                    T acc = T.Zero;
                    for (int p = 0; p < k; p++) acc += T.Load(a, a0 + r * rowStride + p * innerStride) * T.Load(b, p * bInner + j * bColumn);
                    T.Store(c, (i + r) * n + j, acc);
                }
        }
        for (; i + 2 <= m; i += 2)
        {
            int a0 = i * rowStride, a1 = (i + 1) * rowStride;
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero, c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T x0 = T.Load(a, a0 + p * innerStride), x1 = T.Load(a, a1 + p * innerStride);
                    int row = p * bInner + j * bColumn;
                    T b0 = T.Load(b, row), b1 = T.Load(b, row + bColumn), b2 = T.Load(b, row + 2 * bColumn), b3 = T.Load(b, row + 3 * bColumn);
                    c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
                    c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
                }
                int o0 = i * n + j, o1 = o0 + n;
                T.Store(c, o0, c00); T.Store(c, o0 + 1, c01); T.Store(c, o0 + 2, c02); T.Store(c, o0 + 3, c03);
                T.Store(c, o1, c10); T.Store(c, o1 + 1, c11); T.Store(c, o1 + 2, c12); T.Store(c, o1 + 3, c13);
            }
            for (; j < n; j++)
            {
                T acc0 = T.Zero, acc1 = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T bp = T.Load(b, p * bInner + j * bColumn);
                    acc0 += T.Load(a, a0 + p * innerStride) * bp;
                    acc1 += T.Load(a, a1 + p * innerStride) * bp;
                }
                T.Store(c, i * n + j, acc0);
                T.Store(c, (i + 1) * n + j, acc1);
            }
        }
        for (; i < m; i++)
        {
            int a0 = i * rowStride;
            for (int j = 0; j < n; j++)
            {
                T acc = T.Zero;
                for (int p = 0; p < k; p++) acc += T.Load(a, a0 + p * innerStride) * T.Load(b, p * bInner + j * bColumn);
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

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Sweep.Numerics.Kernels;

/// <summary>
/// Row-major dense products over lane buffers (see <see cref="ILane{TSelf}"/>). Every output element is accumulated
/// from zero over the inner index in ascending order by fused multiply-adds, whatever the lane type and block shape:
/// the arithmetic of a lane never depends on the lane width or the CPU's register count.
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
    /// 32 vector registers (AVX-512's encoding, also for 256-bit vectors; Arm's SIMD) hold a 4×4 output block: 16
    /// accumulators, 4 values of B̂ and 1 of Â. With 16 (AVX2) that block spills, so there it is 4×3: 12 + 3 + 1.
    /// A property of IsSupported checks, not a static readonly field: the JIT folds it to a constant even in the
    /// methods marked AggressiveOptimization (which skip tiering, so a static readonly stays a load and a branch), and
    /// drops the block the CPU does not use — on 16 registers its code had pushed the loop strides onto the stack.
    /// </summary>
    private static bool ThirtyTwoRegisters => Avx512F.IsSupported || AdvSimd.IsSupported;

    /// <summary>
    /// C (m×n) = Â · B̂ with Â[i,p] = a[i·rowStride + p·innerStride] and B̂[p,j] = b[p·bInner + j·bColumn]: rows are taken
    /// four (then two, then one) at a time and columns four or three (then one) at a time, so the accumulators stay in
    /// registers and each load serves several fused multiply-adds. The block shape never changes the arithmetic: every
    /// element is c = fma(â_ip, b̂_pj, c) from zero over ascending p.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Product(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, int rowStride, int innerStride, int bInner, int bColumn)
    {
        // Element offsets of the blocked loops, in doubles, walked by reference: index arithmetic per load (multiply,
        // shift, sign extension) otherwise outnumbered the multiply-adds on the 256-bit path.
        int w = T.Width;
        ref double ar = ref MemoryMarshal.GetReference(a), br = ref MemoryMarshal.GetReference(b);
        nint aRow = (nint)rowStride * w, aRow2 = 2 * aRow, aRow3 = 3 * aRow, aInner = (nint)innerStride * w;
        nint bCol = (nint)bColumn * w, bCol2 = 2 * bCol, bCol3 = 3 * bCol, bIn = (nint)bInner * w;
        // On 16 registers a narrow output (n ≤ 8, not a multiple of 3) would leave 4×3 blocks a one-column remainder
        // of poor parallelism: 2×4 blocks (8 + 4 + 1 registers) serve it better.
        bool fourRows = ThirtyTwoRegisters || n > 8;
        int i = 0;
        for (; fourRows && i + 4 <= m; i += 4)
        {
            int a0 = i * rowStride, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride;
            int j = 0;
            if (ThirtyTwoRegisters)
                for (; j + 4 <= n; j += 4)
                {
                    T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero, c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
                    T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero, c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
                    ref readonly double pa = ref Unsafe.Add(ref ar, i * aRow), pb = ref Unsafe.Add(ref br, j * bCol);
                    for (int p = 0; p < k; p++)
                    {
                        T b0 = T.Load(in pb), b1 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pb), bCol)), b2 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pb), bCol2)), b3 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pb), bCol3));
                        T x = T.Load(in pa);
                        T.MultiplyAddTo(ref c00, x, b0); T.MultiplyAddTo(ref c01, x, b1); T.MultiplyAddTo(ref c02, x, b2); T.MultiplyAddTo(ref c03, x, b3);
                        x = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pa), aRow));
                        T.MultiplyAddTo(ref c10, x, b0); T.MultiplyAddTo(ref c11, x, b1); T.MultiplyAddTo(ref c12, x, b2); T.MultiplyAddTo(ref c13, x, b3);
                        x = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pa), aRow2));
                        T.MultiplyAddTo(ref c20, x, b0); T.MultiplyAddTo(ref c21, x, b1); T.MultiplyAddTo(ref c22, x, b2); T.MultiplyAddTo(ref c23, x, b3);
                        x = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pa), aRow3));
                        T.MultiplyAddTo(ref c30, x, b0); T.MultiplyAddTo(ref c31, x, b1); T.MultiplyAddTo(ref c32, x, b2); T.MultiplyAddTo(ref c33, x, b3);
                        pa = ref Unsafe.Add(ref Unsafe.AsRef(in pa), aInner); pb = ref Unsafe.Add(ref Unsafe.AsRef(in pb), bIn);
                    }
                    int o = i * n + j;
                    T.Store(c, o, c00); T.Store(c, o + 1, c01); T.Store(c, o + 2, c02); T.Store(c, o + 3, c03); o += n;
                    T.Store(c, o, c10); T.Store(c, o + 1, c11); T.Store(c, o + 2, c12); T.Store(c, o + 3, c13); o += n;
                    T.Store(c, o, c20); T.Store(c, o + 1, c21); T.Store(c, o + 2, c22); T.Store(c, o + 3, c23); o += n;
                    T.Store(c, o, c30); T.Store(c, o + 1, c31); T.Store(c, o + 2, c32); T.Store(c, o + 3, c33);
                }
            // With 16 registers a one- or two-column remainder of the 4×3 blocks would go through the one-column loop,
            // whose 4 fmas per 5 loads took 14% of the products' time for 1/16 of their work on `medium` (n = 16): the last
            // 4 or 8 columns take 2×4 blocks instead.
            int n3 = ThirtyTwoRegisters ? n : (n % 3) switch { 1 when n >= 4 => n - 4, 2 when n >= 8 => n - 8, _ => n };
            for (; j + 3 <= n3; j += 3)
            {
                T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c10 = T.Zero, c11 = T.Zero, c12 = T.Zero;
                T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c30 = T.Zero, c31 = T.Zero, c32 = T.Zero;
                ref readonly double pa = ref Unsafe.Add(ref ar, i * aRow), pb = ref Unsafe.Add(ref br, j * bCol);
                for (int p = 0; p < k; p++)
                {
                    T b0 = T.Load(in pb), b1 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pb), bCol)), b2 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pb), bCol2));
                    T x = T.Load(in pa);
                    T.MultiplyAddTo(ref c00, x, b0); T.MultiplyAddTo(ref c01, x, b1); T.MultiplyAddTo(ref c02, x, b2);
                    x = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pa), aRow));
                    T.MultiplyAddTo(ref c10, x, b0); T.MultiplyAddTo(ref c11, x, b1); T.MultiplyAddTo(ref c12, x, b2);
                    x = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pa), aRow2));
                    T.MultiplyAddTo(ref c20, x, b0); T.MultiplyAddTo(ref c21, x, b1); T.MultiplyAddTo(ref c22, x, b2);
                    x = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pa), aRow3));
                    T.MultiplyAddTo(ref c30, x, b0); T.MultiplyAddTo(ref c31, x, b1); T.MultiplyAddTo(ref c32, x, b2);
                    pa = ref Unsafe.Add(ref Unsafe.AsRef(in pa), aInner); pb = ref Unsafe.Add(ref Unsafe.AsRef(in pb), bIn);
                }
                int o = i * n + j;
                T.Store(c, o, c00); T.Store(c, o + 1, c01); T.Store(c, o + 2, c02); o += n;
                T.Store(c, o, c10); T.Store(c, o + 1, c11); T.Store(c, o + 2, c12); o += n;
                T.Store(c, o, c20); T.Store(c, o + 1, c21); T.Store(c, o + 2, c22); o += n;
                T.Store(c, o, c30); T.Store(c, o + 1, c31); T.Store(c, o + 2, c32);
            }
            for (; !ThirtyTwoRegisters && j + 4 <= n; j += 4)
                for (int r = i; r < i + 4; r += 2)
                    Block2x4(ref Unsafe.Add(ref ar, r * aRow), ref Unsafe.Add(ref br, j * bCol), c, r * n + j, n, k, aRow, aInner, bCol, bCol2, bCol3, bIn);
            for (; j < n; j++)
            {
                T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    int ap = p * innerStride;
                    T bp = T.Load(b, p * bInner + j * bColumn);
                    T.MultiplyAddTo(ref c0, T.Load(a, a0 + ap), bp); T.MultiplyAddTo(ref c1, T.Load(a, a1 + ap), bp);
                    T.MultiplyAddTo(ref c2, T.Load(a, a2 + ap), bp); T.MultiplyAddTo(ref c3, T.Load(a, a3 + ap), bp);
                }
                int o = i * n + j;
                T.Store(c, o, c0); T.Store(c, o + n, c1); T.Store(c, o + 2 * n, c2); T.Store(c, o + 3 * n, c3);
            }
        }
        for (; i + 2 <= m; i += 2)
        {
            int a0 = i * rowStride, a1 = (i + 1) * rowStride;
            int j = 0;
            for (; j + 4 <= n; j += 4)
                Block2x4(ref Unsafe.Add(ref ar, i * aRow), ref Unsafe.Add(ref br, j * bCol), c, i * n + j, n, k, aRow, aInner, bCol, bCol2, bCol3, bIn);
            for (; j < n; j++)
            {
                T acc0 = T.Zero, acc1 = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T bp = T.Load(b, p * bInner + j * bColumn);
                    T.MultiplyAddTo(ref acc0, T.Load(a, a0 + p * innerStride), bp);
                    T.MultiplyAddTo(ref acc1, T.Load(a, a1 + p * innerStride), bp);
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
                for (int p = 0; p < k; p++) T.MultiplyAddTo(ref acc, T.Load(a, a0 + p * innerStride), T.Load(b, p * bInner + j * bColumn));
                T.Store(c, i * n + j, acc);
            }
        }
    }

    /// <summary>
    /// The 2×4 output block of <see cref="Product"/> whose rows start at <paramref name="pa"/> and columns at
    /// <paramref name="pb"/>, written at element <paramref name="o"/> of C (8 accumulators + 4 + 1 registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block2x4(ref readonly double pa, ref readonly double pb, Span<double> c, int o, int n, int k, nint aRow, nint aInner, nint bCol, nint bCol2, nint bCol3, nint bIn)
    {
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero, c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        for (int p = 0; p < k; p++)
        {
            T x0 = T.Load(in pa), x1 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pa), aRow));
            T b0 = T.Load(in pb), b1 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pb), bCol)), b2 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pb), bCol2)), b3 = T.Load(in Unsafe.Add(ref Unsafe.AsRef(in pb), bCol3));
            T.MultiplyAddTo(ref c00, x0, b0); T.MultiplyAddTo(ref c01, x0, b1); T.MultiplyAddTo(ref c02, x0, b2); T.MultiplyAddTo(ref c03, x0, b3);
            T.MultiplyAddTo(ref c10, x1, b0); T.MultiplyAddTo(ref c11, x1, b1); T.MultiplyAddTo(ref c12, x1, b2); T.MultiplyAddTo(ref c13, x1, b3);
            pa = ref Unsafe.Add(ref Unsafe.AsRef(in pa), aInner); pb = ref Unsafe.Add(ref Unsafe.AsRef(in pb), bIn);
        }
        int o1 = o + n;
        T.Store(c, o, c00); T.Store(c, o + 1, c01); T.Store(c, o + 2, c02); T.Store(c, o + 3, c03);
        T.Store(c, o1, c10); T.Store(c, o1 + 1, c11); T.Store(c, o1 + 2, c12); T.Store(c, o1 + 3, c13);
    }

    /// <summary>C (m×n) = A (m×k, per lane) · B (k×n, one matrix shared by all lanes, plain row-major).</summary>
    public static void MultiplyShared(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T acc = T.Zero;
                for (int p = 0; p < k; p++) T.MultiplyAddTo(ref acc, T.Load(a, i * k + p), T.Broadcast(b[p * n + j]));
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
            T.MultiplyAddTo(ref s, v, v);
        }
        return s;
    }
}

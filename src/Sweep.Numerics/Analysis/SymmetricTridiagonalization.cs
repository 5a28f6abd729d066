using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// A = Q T Qᵀ for a symmetric n × n matrix A: T tridiagonal, Q orthogonal, by n − 2 Householder reflections
/// (Golub and Van Loan, Matrix Computations, 8.3.1), with Q accumulated backwards. Every step is a symmetric
/// matrix–vector product, written as a sum of rows, and a rank-two update, both element by element in SIMD vectors: each
/// element is computed by the same multiplies and adds (never fused) in the same order whatever the vector width, and the
/// two inner products per reflection are scalar sums in ascending order, so the result is the same bits on every
/// machine. About 5/3 n³ multiply–adds (n³ for the reduction, 2/3 n³ for Q). Allocates nothing after construction.
/// </summary>
public sealed class SymmetricTridiagonalization
{
    private readonly int _n;
    private readonly double[] _a, _v, _p, _tau;   // the working copy, the Householder vectors (row k: reflection k), p, τ

    public SymmetricTridiagonalization(int n)
    {
        _n = n;
        _a = new double[n * n];
        _v = new double[n * n];
        _p = new double[n];
        _tau = new double[n];
    }

    /// <summary>
    /// Reduces the symmetric <paramref name="a"/> (n × n, row-major; only its symmetry is assumed, both triangles are
    /// read): on return <paramref name="diagonal"/> and <paramref name="offDiagonal"/> hold T (offDiagonal[k] couples
    /// k − 1 and k; offDiagonal[0] = 0) and <paramref name="q"/> holds Q row-major.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reduce(ReadOnlySpan<double> a, Span<double> diagonal, Span<double> offDiagonal, Span<double> q)
    {
        int n = _n;
        if (a.Length < n * n || q.Length < n * n || diagonal.Length < n || offDiagonal.Length < n)
            throw new ArgumentException($"spans too short for n = {n}");
        Span<double> w = _a, v = _v, p = _p, tau = _tau;
        a[..(n * n)].CopyTo(w);
        offDiagonal[..n].Clear();
        for (int k = 0; k + 2 < n; k++)
        {
            int m = n - k - 1;   // the trailing block A[k+1.., k+1..] and the column below the diagonal, x = A[k+1.., k]
            var x = w.Slice(k * n + k + 1, m);
            var vk = v.Slice(k * n + k + 1, m);
            double alpha = x[0], tail = 0;
            for (int i = 1; i < m; i++) tail += x[i] * x[i];
            diagonal[k] = w[k * n + k];
            if (tail == 0)
            {
                // Already reduced: no reflection (τ = 0).
                tau[k] = 0;
                offDiagonal[k + 1] = alpha;
                continue;
            }
            double beta = -Math.CopySign(Math.Sqrt(alpha * alpha + tail), alpha);
            double t = (beta - alpha) / beta, scale = 1 / (alpha - beta);
            tau[k] = t;
            offDiagonal[k + 1] = beta;
            vk[0] = 1;
            for (int i = 1; i < m; i++) vk[i] = x[i] * scale;
            // p = τ A₂₂ v, as τ Σ_j v_j A₂₂[j, ·] (rows of the symmetric block), element by element.
            var pk = p[..m];
            SumOfRows(w, (k + 1) * n + k + 1, n, m, vk, pk);
            for (int i = 0; i < m; i++) pk[i] *= t;
            // w = p − (τ/2)(pᵀv) v, in p's storage; then A₂₂ ← A₂₂ − v wᵀ − w vᵀ row by row.
            double pv = 0;
            for (int i = 0; i < m; i++) pv += pk[i] * vk[i];
            double half = -0.5 * t * pv;
            for (int i = 0; i < m; i++) pk[i] += half * vk[i];
            RankTwo(w, (k + 1) * n + k + 1, n, m, vk, pk);
        }
        if (n >= 2)
        {
            diagonal[n - 2] = w[(n - 2) * n + n - 2];
            offDiagonal[n - 1] = w[(n - 1) * n + n - 2];
        }
        if (n >= 1) diagonal[n - 1] = w[(n - 1) * n + n - 1];

        // Q = H₀ H₁ ⋯ H_{n−3}, from the right end: Q ← H_k Q on rows and columns k + 1.., as s = vᵀ Q₂₂ (a sum of rows),
        // then Q₂₂[i, ·] −= (τ v_i) s.
        q[..(n * n)].Clear();
        for (int i = 0; i < n; i++) q[i * n + i] = 1;
        for (int k = n - 3; k >= 0; k--)
        {
            double t = tau[k];
            if (t == 0) continue;
            int m = n - k - 1;
            var vk = v.Slice(k * n + k + 1, m);
            var s = p[..m];
            SumOfRows(q, (k + 1) * n + k + 1, n, m, vk, s);
            for (int i = 0; i < m; i++) vk[i] = -(t * vk[i]);   // v is not needed after this
            RankOne(q, (k + 1) * n + k + 1, n, m, vk, s);
        }
    }

    // Rows per pass of a kernel: the kernels sweep 16 columns down all their rows, so a block of rows should stay in the
    // cache across the column sweeps (≈ 256 KiB); up to 181 parameters the whole block is one pass. Blocking rows
    // changes no bits: each sum still runs over ascending rows.
    private static int RowsPerPass(int m) => Math.Max(16, 32_768 / Math.Max(m, 1));

    private static void SumOfRows(ReadOnlySpan<double> matrix, int offset, int stride, int m, ReadOnlySpan<double> c, Span<double> s)
    {
        int rows = RowsPerPass(m);
        for (int r0 = 0; r0 < m; r0 += rows) SumOfRows(matrix, offset, stride, m, r0, Math.Min(m, r0 + rows), c, s);
    }

    private static void RankTwo(Span<double> matrix, int offset, int stride, int m, ReadOnlySpan<double> v, ReadOnlySpan<double> w)
    {
        int rows = RowsPerPass(m);
        for (int r0 = 0; r0 < m; r0 += rows) RankTwo(matrix, offset, stride, m, r0, Math.Min(m, r0 + rows), v, w);
    }

    private static void RankOne(Span<double> matrix, int offset, int stride, int m, ReadOnlySpan<double> u, ReadOnlySpan<double> s)
    {
        int rows = RowsPerPass(m);
        for (int r0 = 0; r0 < m; r0 += rows) RankOne(matrix, offset, stride, m, r0, Math.Min(m, r0 + rows), u, s);
    }

    /// <summary>
    /// s[c] = Σ_i c_i·B[i, c] over rows r0 ≤ i < r1 of the m × m block B (continuing s's sums when r0 > 0) of <paramref name="matrix"/> at <paramref name="offset"/> (row stride
    /// <paramref name="stride"/>), each element summed in ascending i in a register; 16 columns side by side.
    /// </summary>
    private static void SumOfRows(ReadOnlySpan<double> matrix, int offset, int stride, int m, int r0, int r1, ReadOnlySpan<double> c, Span<double> s)
    {
        int col = 0;
        int w = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            ref double origin = ref MemoryMarshal.GetReference(matrix);
            for (; col + 4 * w <= m; col += 4 * w)
            {
                Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
                if (r0 > 0) (a0, a1, a2, a3) = (new Vector<double>(s[col..]), new Vector<double>(s[(col + w)..]), new Vector<double>(s[(col + 2 * w)..]), new Vector<double>(s[(col + 3 * w)..]));
                for (int i = r0; i < r1; i++)
                {
                    ref double row = ref Unsafe.Add(ref origin, offset + i * stride + col);
                    var ci = new Vector<double>(c[i]);
                    a0 += Vector.LoadUnsafe(ref row) * ci;
                    a1 += Vector.LoadUnsafe(ref row, (nuint)w) * ci;
                    a2 += Vector.LoadUnsafe(ref row, (nuint)(2 * w)) * ci;
                    a3 += Vector.LoadUnsafe(ref row, (nuint)(3 * w)) * ci;
                }
                a0.CopyTo(s[col..]);
                a1.CopyTo(s[(col + w)..]);
                a2.CopyTo(s[(col + 2 * w)..]);
                a3.CopyTo(s[(col + 3 * w)..]);
            }
            for (; col + w <= m; col += w)
            {
                Vector<double> a0 = r0 > 0 ? new Vector<double>(s[col..]) : default;
                for (int i = r0; i < r1; i++) a0 += new Vector<double>(matrix.Slice(offset + i * stride + col, w)) * new Vector<double>(c[i]);
                a0.CopyTo(s[col..]);
            }
        }
        for (; col < m; col++)
        {
            double sum = r0 > 0 ? s[col] : 0;
            for (int i = r0; i < r1; i++) sum += matrix[offset + i * stride + col] * c[i];
            s[col] = sum;
        }
    }

    /// <summary>
    /// B[i, c] −= w_c·v_i + v_c·w_i over rows r0 ≤ i < r1 of the m × m block B (the symmetric rank-two update), element by element; 16 columns
    /// at a time with their w and v in registers.
    /// </summary>
    private static void RankTwo(Span<double> matrix, int offset, int stride, int m, int r0, int r1, ReadOnlySpan<double> v, ReadOnlySpan<double> w)
    {
        int col = 0, n = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            ref double origin = ref MemoryMarshal.GetReference(matrix);
            for (; col + 4 * n <= m; col += 4 * n)
            {
                var (w0, w1, w2, w3) = (new Vector<double>(w[col..]), new Vector<double>(w[(col + n)..]), new Vector<double>(w[(col + 2 * n)..]), new Vector<double>(w[(col + 3 * n)..]));
                var (v0, v1, v2, v3) = (new Vector<double>(v[col..]), new Vector<double>(v[(col + n)..]), new Vector<double>(v[(col + 2 * n)..]), new Vector<double>(v[(col + 3 * n)..]));
                for (int i = r0; i < r1; i++)
                {
                    ref double row = ref Unsafe.Add(ref origin, offset + i * stride + col);
                    Vector<double> a = new(v[i]), b = new(w[i]);
                    (Vector.LoadUnsafe(ref row) - (w0 * a + v0 * b)).StoreUnsafe(ref row);
                    (Vector.LoadUnsafe(ref row, (nuint)n) - (w1 * a + v1 * b)).StoreUnsafe(ref row, (nuint)n);
                    (Vector.LoadUnsafe(ref row, (nuint)(2 * n)) - (w2 * a + v2 * b)).StoreUnsafe(ref row, (nuint)(2 * n));
                    (Vector.LoadUnsafe(ref row, (nuint)(3 * n)) - (w3 * a + v3 * b)).StoreUnsafe(ref row, (nuint)(3 * n));
                }
            }
            for (; col + n <= m; col += n)
            {
                var (w0, v0) = (new Vector<double>(w[col..]), new Vector<double>(v[col..]));
                for (int i = r0; i < r1; i++)
                {
                    ref double row = ref Unsafe.Add(ref origin, offset + i * stride + col);
                    (Vector.LoadUnsafe(ref row) - (w0 * new Vector<double>(v[i]) + v0 * new Vector<double>(w[i]))).StoreUnsafe(ref row);
                }
            }
        }
        for (; col < m; col++)
            for (int i = r0; i < r1; i++) matrix[offset + i * stride + col] -= w[col] * v[i] + v[col] * w[i];
    }

    /// <summary>B[i, c] += u_i·s_c over rows r0 ≤ i < r1 of the m × m block B, element by element; 16 columns at a time with their s in registers.</summary>
    private static void RankOne(Span<double> matrix, int offset, int stride, int m, int r0, int r1, ReadOnlySpan<double> u, ReadOnlySpan<double> s)
    {
        int col = 0, n = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            ref double origin = ref MemoryMarshal.GetReference(matrix);
            for (; col + 4 * n <= m; col += 4 * n)
            {
                var (s0, s1, s2, s3) = (new Vector<double>(s[col..]), new Vector<double>(s[(col + n)..]), new Vector<double>(s[(col + 2 * n)..]), new Vector<double>(s[(col + 3 * n)..]));
                for (int i = r0; i < r1; i++)
                {
                    ref double row = ref Unsafe.Add(ref origin, offset + i * stride + col);
                    Vector<double> a = new(u[i]);
                    (Vector.LoadUnsafe(ref row) + s0 * a).StoreUnsafe(ref row);
                    (Vector.LoadUnsafe(ref row, (nuint)n) + s1 * a).StoreUnsafe(ref row, (nuint)n);
                    (Vector.LoadUnsafe(ref row, (nuint)(2 * n)) + s2 * a).StoreUnsafe(ref row, (nuint)(2 * n));
                    (Vector.LoadUnsafe(ref row, (nuint)(3 * n)) + s3 * a).StoreUnsafe(ref row, (nuint)(3 * n));
                }
            }
            for (; col + n <= m; col += n)
            {
                var s0 = new Vector<double>(s[col..]);
                for (int i = r0; i < r1; i++)
                {
                    ref double row = ref Unsafe.Add(ref origin, offset + i * stride + col);
                    (Vector.LoadUnsafe(ref row) + s0 * new Vector<double>(u[i])).StoreUnsafe(ref row);
                }
            }
        }
        for (; col < m; col++)
            for (int i = r0; i < r1; i++) matrix[offset + i * stride + col] += s[col] * u[i];
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// All eigenvalues and eigenvectors of a symmetric n × n matrix by the Wilkinson–Reinsch algorithm: Householder
/// reduction to tridiagonal form with the transformations accumulated (EISPACK's tred2), then the implicit QL method
/// (tql2), eigenvalues sorted ascending. MathNet's managed <c>Evd(Symmetricity.Symmetric)</c> transcribes the same two
/// routines; this one performs every floating-point operation in the same order, so it gives the same bits
/// (tested on random, degenerate and Hessian matrices), but it is several times faster at the sizes Radau IIA meets: the
/// element-wise updates (the rank-two update, the accumulation and the Givens rotations of tql2, which dominate) run
/// in SIMD vectors, each element computed by the same multiplies and adds (never fused), and the independent inner
/// products of the accumulation run side by side instead of one after another. Allocates nothing after construction.
/// </summary>
public sealed class SymmetricEigensolver
{
    private readonly double[] _d, _e;

    public SymmetricEigensolver(int maxOrder)
    {
        _d = new double[maxOrder];
        _e = new double[maxOrder];
    }

    /// <summary>
    /// Diagonalises the symmetric matrix held in <paramref name="a"/> (n × n; column- and row-major alike). On return
    /// <paramref name="a"/> row k holds the eigenvector of <paramref name="eigenvalues"/>[k], ascending.
    /// </summary>
    public void Decompose(Span<double> a, int n, Span<double> eigenvalues)
    {
        if (n == 0) return;
        Span<double> d = _d.AsSpan(0, n), e = _e.AsSpan(0, n);
        e.Clear();
        for (int i = 0; i < n; i++) d[i] = a[i * n + n - 1];
        Tridiagonalize(a, d, e, n);
        Diagonalize(a, d, e, n);
        d.CopyTo(eigenvalues);
    }

    /// <summary>EISPACK tred2: Householder reduction to tridiagonal form (diagonal d, subdiagonal e[1..]), transformations in a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tridiagonalize(Span<double> a, Span<double> d, Span<double> e, int n)
    {
        for (int i = n - 1; i > 0; i--)
        {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.Abs(d[k]);
            if (scale == 0.0)
            {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++)
                {
                    d[j] = a[j * n + i - 1];
                    a[j * n + i] = 0.0;
                    a[i * n + j] = 0.0;
                }
            }
            else
            {
                for (int k = 0; k < i; k++)
                {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.Sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                e[..i].Clear();
                // e ← A d over the leading i × i block, of which the upper triangle (a[j·n + k], k ≥ j) is current.
                // e[k] (k > j) takes a[j, k]·d[j] in ascending j, the order of the one-loop form; e[j]'s own sum
                // starts from that accumulated value and then runs along row j: so first all accumulations, then the
                // row sums, which no longer depend on each other.
                for (int j = 0; j < i; j++)
                {
                    double fj = d[j];
                    a[i * n + j] = fj;
                    AddScaled(a.Slice(j * n + j + 1, i - j - 1), fj, e.Slice(j + 1, i - j - 1));
                }
                RowSums(a, d, e, n, i);
                f = 0.0;
                for (int j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++)
                {
                    RankTwo(a.Slice(j * n + j, i - j), d[j], e[j], e.Slice(j, i - j), d.Slice(j, i - j));
                    d[j] = a[j * n + i - 1];
                    a[j * n + i] = 0.0;
                }
            }
            d[i] = h;
        }

        // Accumulate the transformations.
        for (int i = 0; i < n - 1; i++)
        {
            a[i * n + n - 1] = a[i * n + i];
            a[i * n + i] = 1.0;
            double h = d[i + 1];
            if (h != 0.0)
            {
                var v = a.Slice((i + 1) * n, i + 1);
                for (int k = 0; k <= i; k++) d[k] = v[k] / h;
                // g_j = v · row j for every j ≤ i reads rows that the updates below have not touched yet: computed first,
                // four at a time, each summed from zero in ascending k as before.
                int j = 0;
                for (; j + 4 <= i + 1; j += 4)
                {
                    var r0 = a.Slice(j * n, i + 1); var r1 = a.Slice((j + 1) * n, i + 1);
                    var r2 = a.Slice((j + 2) * n, i + 1); var r3 = a.Slice((j + 3) * n, i + 1);
                    double g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0;
                    for (int k = 0; k <= i; k++)
                    {
                        double vk = v[k];
                        g0 += vk * r0[k]; g1 += vk * r1[k]; g2 += vk * r2[k]; g3 += vk * r3[k];
                    }
                    SubtractScaled(d[..(i + 1)], g0, r0); SubtractScaled(d[..(i + 1)], g1, r1);
                    SubtractScaled(d[..(i + 1)], g2, r2); SubtractScaled(d[..(i + 1)], g3, r3);
                }
                for (; j <= i; j++)
                {
                    var r = a.Slice(j * n, i + 1);
                    double g = 0.0;
                    for (int k = 0; k <= i; k++) g += v[k] * r[k];
                    SubtractScaled(d[..(i + 1)], g, r);
                }
            }
            a.Slice((i + 1) * n, i + 1).Clear();
        }
        for (int j = 0; j < n; j++)
        {
            d[j] = a[j * n + n - 1];
            a[j * n + n - 1] = 0.0;
        }
        a[n * n - 1] = 1.0;
        e[0] = 0.0;
    }

    /// <summary>e[j] ← (e[j] + a[j, j]·d[j]) + Σ_{k=j+1}^{i−1} a[j, k]·d[k] in ascending k, four rows side by side.</summary>
    private static void RowSums(Span<double> a, ReadOnlySpan<double> d, Span<double> e, int n, int i)
    {
        int j = 0;
        for (; j + 4 <= i; j += 4)
        {
            double g0 = e[j] + a[j * n + j] * d[j];
            double g1 = e[j + 1] + a[(j + 1) * n + j + 1] * d[j + 1];
            double g2 = e[j + 2] + a[(j + 2) * n + j + 2] * d[j + 2];
            double g3 = e[j + 3] + a[(j + 3) * n + j + 3] * d[j + 3];
            int b0 = j * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
            // Rows j+1..j+3 start later; their first terms are added before the common stretch.
            g0 += a[b0 + j + 1] * d[j + 1]; g0 += a[b0 + j + 2] * d[j + 2]; g0 += a[b0 + j + 3] * d[j + 3];
            g1 += a[b1 + j + 2] * d[j + 2]; g1 += a[b1 + j + 3] * d[j + 3];
            g2 += a[b2 + j + 3] * d[j + 3];
            for (int k = j + 4; k < i; k++)
            {
                double dk = d[k];
                g0 += a[b0 + k] * dk; g1 += a[b1 + k] * dk; g2 += a[b2 + k] * dk; g3 += a[b3 + k] * dk;
            }
            e[j] = g0; e[j + 1] = g1; e[j + 2] = g2; e[j + 3] = g3;
        }
        for (; j < i; j++)
        {
            double g = e[j] + a[j * n + j] * d[j];
            for (int k = j + 1; k < i; k++) g += a[j * n + k] * d[k];
            e[j] = g;
        }
    }

    /// <summary>EISPACK tql2: the implicit QL method on the tridiagonal (d, e), rotating the rows of a; then sorted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Diagonalize(Span<double> a, Span<double> d, Span<double> e, int n)
    {
        const int maxIterations = 1000;
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0.0;
        double f = 0.0, tst1 = 0.0, eps = Precision.DoublePrecision;
        for (int l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n)
            {
                if (Math.Abs(e[m]) <= eps * tst1) break;
                m++;
            }
            if (m > l)
            {
                int iteration = 0;
                do
                {
                    iteration++;
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = SpecialFunctions.Hypotenuse(p, 1.0);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1.0, c2 = c, c3 = c, el1 = e[l + 1], s = 0.0, s2 = 0.0;
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = SpecialFunctions.Hypotenuse(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        Rotate(a.Slice(i * n, n), a.Slice((i + 1) * n, n), c, s);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                    if (iteration >= maxIterations) throw new NonConvergenceException();
                } while (Math.Abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0.0;
        }
        for (int i = 0; i < n - 1; i++)
        {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++)
                if (d[j] < p) { k = j; p = d[j]; }
            if (k != i)
            {
                d[k] = d[i];
                d[i] = p;
                for (int j = 0; j < n; j++) (a[i * n + j], a[k * n + j]) = (a[k * n + j], a[i * n + j]);
            }
        }
    }

    /// <summary>(x, y) ← (c·x − s·y, s·x + c·y) element by element.</summary>
    private static void Rotate(Span<double> x, Span<double> y, double c, double s)
    {
        int n = x.Length, k = 0;
        ref double xr = ref MemoryMarshal.GetReference(x), yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var vc = Vector512.Create(c); var vs = Vector512.Create(s);
            for (; k + 8 <= n; k += 8)
            {
                var xi = Vector512.LoadUnsafe(ref xr, (nuint)k); var h = Vector512.LoadUnsafe(ref yr, (nuint)k);
                (vs * xi + vc * h).StoreUnsafe(ref yr, (nuint)k);
                (vc * xi - vs * h).StoreUnsafe(ref xr, (nuint)k);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vc = Vector256.Create(c); var vs = Vector256.Create(s);
            for (; k + 4 <= n; k += 4)
            {
                var xi = Vector256.LoadUnsafe(ref xr, (nuint)k); var h = Vector256.LoadUnsafe(ref yr, (nuint)k);
                (vs * xi + vc * h).StoreUnsafe(ref yr, (nuint)k);
                (vc * xi - vs * h).StoreUnsafe(ref xr, (nuint)k);
            }
        }
        for (; k < n; k++)
        {
            double h = y[k], xi = x[k];
            y[k] = s * xi + c * h;
            x[k] = c * xi - s * h;
        }
    }

    /// <summary>y ← y + x·a element by element.</summary>
    private static void AddScaled(ReadOnlySpan<double> x, double a, Span<double> y)
    {
        int n = x.Length, k = 0;
        ref double xr = ref MemoryMarshal.GetReference(x), yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
            for (var va = Vector512.Create(a); k + 8 <= n; k += 8)
                (Vector512.LoadUnsafe(ref yr, (nuint)k) + Vector512.LoadUnsafe(ref xr, (nuint)k) * va).StoreUnsafe(ref yr, (nuint)k);
        if (Vector256.IsHardwareAccelerated)
            for (var va = Vector256.Create(a); k + 4 <= n; k += 4)
                (Vector256.LoadUnsafe(ref yr, (nuint)k) + Vector256.LoadUnsafe(ref xr, (nuint)k) * va).StoreUnsafe(ref yr, (nuint)k);
        for (; k < n; k++) y[k] += x[k] * a;
    }

    /// <summary>y ← y − b·x element by element.</summary>
    private static void SubtractScaled(ReadOnlySpan<double> x, double b, Span<double> y)
    {
        int n = x.Length, k = 0;
        ref double xr = ref MemoryMarshal.GetReference(x), yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
            for (var vb = Vector512.Create(b); k + 8 <= n; k += 8)
                (Vector512.LoadUnsafe(ref yr, (nuint)k) - vb * Vector512.LoadUnsafe(ref xr, (nuint)k)).StoreUnsafe(ref yr, (nuint)k);
        if (Vector256.IsHardwareAccelerated)
            for (var vb = Vector256.Create(b); k + 4 <= n; k += 4)
                (Vector256.LoadUnsafe(ref yr, (nuint)k) - vb * Vector256.LoadUnsafe(ref xr, (nuint)k)).StoreUnsafe(ref yr, (nuint)k);
        for (; k < n; k++) y[k] -= b * x[k];
    }

    /// <summary>a[k] ← a[k] − (f·e[k] + g·d[k]) element by element.</summary>
    private static void RankTwo(Span<double> a, double f, double g, ReadOnlySpan<double> e, ReadOnlySpan<double> d)
    {
        int n = a.Length, k = 0;
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double er = ref MemoryMarshal.GetReference(e), dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated)
        {
            var vf = Vector512.Create(f); var vg = Vector512.Create(g);
            for (; k + 8 <= n; k += 8)
                (Vector512.LoadUnsafe(ref ar, (nuint)k) - (vf * Vector512.LoadUnsafe(ref er, (nuint)k) + vg * Vector512.LoadUnsafe(ref dr, (nuint)k))).StoreUnsafe(ref ar, (nuint)k);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vf = Vector256.Create(f); var vg = Vector256.Create(g);
            for (; k + 4 <= n; k += 4)
                (Vector256.LoadUnsafe(ref ar, (nuint)k) - (vf * Vector256.LoadUnsafe(ref er, (nuint)k) + vg * Vector256.LoadUnsafe(ref dr, (nuint)k))).StoreUnsafe(ref ar, (nuint)k);
        }
        for (; k < n; k++) a[k] -= f * e[k] + g * d[k];
    }
}

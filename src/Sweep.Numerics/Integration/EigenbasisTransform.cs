using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sweep.Numerics.Integration;

/// <summary>
/// t = Mᵀ x for a row-major n × n matrix M and up to three vectors x at once: t[j] = Σ_i x[i]·M[i, j], summed from zero
/// over ascending i, each term a multiply and then an add (never fused). That order is the one of the row-by-row
/// form t += x[i]·M[i, ·], so the result is the same bits; here a block of t stays in registers while the rows stream
/// past, and each element of M is loaded once for all three vectors. The SIMD width only runs elements side by side,
/// so the bits are the same at every width.
/// </summary>
internal static class EigenbasisTransform
{
    /// <summary>t_k = Mᵀ x_k for k = 1, 2, 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(double[] m, int n, ReadOnlySpan<double> x1, ReadOnlySpan<double> x2, ReadOnlySpan<double> x3,
        Span<double> t1, Span<double> t2, Span<double> t3)
    {
        // The loops below load and store without bounds checks: check every length once.
        Check(m, n, x1, t1); Check(m, n, x2, t2); Check(m, n, x3, t3);
        ref double mr = ref MemoryMarshal.GetArrayDataReference(m);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Two blocks of eight columns at once: six independent sums keep both floating-point pipes busy.
            for (; j + 16 <= n; j += 16)
            {
                Vector512<double> a1 = Vector512<double>.Zero, a2 = a1, a3 = a1, b1 = a1, b2 = a1, b3 = a1;
                for (int i = 0; i < n; i++)
                {
                    var row = Vector512.LoadUnsafe(ref mr, (nuint)(i * n + j));
                    var next = Vector512.LoadUnsafe(ref mr, (nuint)(i * n + j + 8));
                    var v1 = Vector512.Create(x1[i]); var v2 = Vector512.Create(x2[i]); var v3 = Vector512.Create(x3[i]);
                    a1 += v1 * row; a2 += v2 * row; a3 += v3 * row;
                    b1 += v1 * next; b2 += v2 * next; b3 += v3 * next;
                }
                a1.StoreUnsafe(ref MemoryMarshal.GetReference(t1), (nuint)j);
                a2.StoreUnsafe(ref MemoryMarshal.GetReference(t2), (nuint)j);
                a3.StoreUnsafe(ref MemoryMarshal.GetReference(t3), (nuint)j);
                b1.StoreUnsafe(ref MemoryMarshal.GetReference(t1), (nuint)(j + 8));
                b2.StoreUnsafe(ref MemoryMarshal.GetReference(t2), (nuint)(j + 8));
                b3.StoreUnsafe(ref MemoryMarshal.GetReference(t3), (nuint)(j + 8));
            }
            for (; j + 8 <= n; j += 8)
            {
                Vector512<double> a1 = Vector512<double>.Zero, a2 = a1, a3 = a1;
                for (int i = 0; i < n; i++)
                {
                    var row = Vector512.LoadUnsafe(ref mr, (nuint)(i * n + j));
                    a1 += Vector512.Create(x1[i]) * row;
                    a2 += Vector512.Create(x2[i]) * row;
                    a3 += Vector512.Create(x3[i]) * row;
                }
                a1.StoreUnsafe(ref MemoryMarshal.GetReference(t1), (nuint)j);
                a2.StoreUnsafe(ref MemoryMarshal.GetReference(t2), (nuint)j);
                a3.StoreUnsafe(ref MemoryMarshal.GetReference(t3), (nuint)j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= n; j += 8)
            {
                Vector256<double> a1 = Vector256<double>.Zero, a2 = a1, a3 = a1, b1 = a1, b2 = a1, b3 = a1;
                for (int i = 0; i < n; i++)
                {
                    var row = Vector256.LoadUnsafe(ref mr, (nuint)(i * n + j));
                    var next = Vector256.LoadUnsafe(ref mr, (nuint)(i * n + j + 4));
                    var v1 = Vector256.Create(x1[i]); var v2 = Vector256.Create(x2[i]); var v3 = Vector256.Create(x3[i]);
                    a1 += v1 * row; a2 += v2 * row; a3 += v3 * row;
                    b1 += v1 * next; b2 += v2 * next; b3 += v3 * next;
                }
                a1.StoreUnsafe(ref MemoryMarshal.GetReference(t1), (nuint)j);
                a2.StoreUnsafe(ref MemoryMarshal.GetReference(t2), (nuint)j);
                a3.StoreUnsafe(ref MemoryMarshal.GetReference(t3), (nuint)j);
                b1.StoreUnsafe(ref MemoryMarshal.GetReference(t1), (nuint)(j + 4));
                b2.StoreUnsafe(ref MemoryMarshal.GetReference(t2), (nuint)(j + 4));
                b3.StoreUnsafe(ref MemoryMarshal.GetReference(t3), (nuint)(j + 4));
            }
            for (; j + 4 <= n; j += 4)
            {
                Vector256<double> a1 = Vector256<double>.Zero, a2 = a1, a3 = a1;
                for (int i = 0; i < n; i++)
                {
                    var row = Vector256.LoadUnsafe(ref mr, (nuint)(i * n + j));
                    a1 += Vector256.Create(x1[i]) * row;
                    a2 += Vector256.Create(x2[i]) * row;
                    a3 += Vector256.Create(x3[i]) * row;
                }
                a1.StoreUnsafe(ref MemoryMarshal.GetReference(t1), (nuint)j);
                a2.StoreUnsafe(ref MemoryMarshal.GetReference(t2), (nuint)j);
                a3.StoreUnsafe(ref MemoryMarshal.GetReference(t3), (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            double a1 = 0, a2 = 0, a3 = 0;
            for (int i = 0; i < n; i++)
            {
                double row = Unsafe.Add(ref mr, i * n + j);
                a1 += x1[i] * row;
                a2 += x2[i] * row;
                a3 += x3[i] * row;
            }
            t1[j] = a1; t2[j] = a2; t3[j] = a3;
        }
    }

    /// <summary>t = Mᵀ x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(double[] m, int n, ReadOnlySpan<double> x, Span<double> t)
    {
        Check(m, n, x, t);
        ref double mr = ref MemoryMarshal.GetArrayDataReference(m);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + 16 <= n; j += 16)
            {
                Vector512<double> a = Vector512<double>.Zero, b = a;
                for (int i = 0; i < n; i++)
                {
                    var xi = Vector512.Create(x[i]);
                    a += xi * Vector512.LoadUnsafe(ref mr, (nuint)(i * n + j));
                    b += xi * Vector512.LoadUnsafe(ref mr, (nuint)(i * n + j + 8));
                }
                a.StoreUnsafe(ref MemoryMarshal.GetReference(t), (nuint)j);
                b.StoreUnsafe(ref MemoryMarshal.GetReference(t), (nuint)(j + 8));
            }
        if (Vector256.IsHardwareAccelerated)
            for (; j + 4 <= n; j += 4)
            {
                Vector256<double> a = Vector256<double>.Zero;
                for (int i = 0; i < n; i++) a += Vector256.Create(x[i]) * Vector256.LoadUnsafe(ref mr, (nuint)(i * n + j));
                a.StoreUnsafe(ref MemoryMarshal.GetReference(t), (nuint)j);
            }
        for (; j < n; j++)
        {
            double a = 0;
            for (int i = 0; i < n; i++) a += x[i] * Unsafe.Add(ref mr, i * n + j);
            t[j] = a;
        }
    }

    private static void Check(double[] m, int n, ReadOnlySpan<double> x, Span<double> t)
    {
        if (n < 0 || m.Length < n * n || x.Length < n || t.Length < n)
            throw new ArgumentException($"eigenbasis transform of order {n}: matrix {m.Length}, vector {x.Length}, result {t.Length} elements");
    }
}

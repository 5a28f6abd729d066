using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The O(n) loops of <see cref="RadauIIA5"/>'s step, element by element in SIMD vectors. Each element goes through the
/// same IEEE operations in the same order as the one-element form (products and sums separate, never fused), so every
/// result is the same bits at 512 bits, 256 bits and without SIMD; the two scaled norms keep their ascending scalar sum
/// over the vectorised squares. Each loop runs the widest vectors the machine has, then the rest one element at a time.
/// </summary>
internal static class RadauElementwise
{
    // A lane type's Load/Store address element e of a lane-interleaved buffer (offset e·Width); these loops read
    // consecutive elements of plain vectors instead, so they address the element itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T At<T>(ReadOnlySpan<double> x, int i) where T : struct, ILane<T> => T.Load(in x[i]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<T>(Span<double> x, int i, T value) where T : struct, ILane<T> => T.Store(x[i..], 0, value);

    // A vector load or store checks only its first element's index: every span a loop reads or writes is checked here to
    // hold the loop's n elements, so that none reads or writes past its end.
    private static void AtLeast(int n, params ReadOnlySpan<int> lengths)
    {
        foreach (int length in lengths)
            if (length < n) throw new ArgumentException($"a buffer of {length} elements where {n} are needed");
    }

    /// <summary>One of the method's 3×3 transformation matrices (RADAU5's T or T⁻¹), row by row.</summary>
    public readonly record struct Transform(double A11, double A12, double A13, double A21, double A22, double A23, double A31, double A32, double A33);

    /// <summary>
    /// The Newton iteration's starting values: the previous step's collocation polynomial (k1, k2, k3) at the nodes
    /// scaled by h/h_old (<paramref name="c1q"/>, <paramref name="c2q"/>, <paramref name="c3q"/>; <paramref name="a1"/> =
    /// c1q − (c2 − 1) and so on, the per-node factors), into z, and T⁻¹z into f.
    /// </summary>
    public static void Extrapolate(in Nodes q, in Transform ti, ReadOnlySpan<double> k1, ReadOnlySpan<double> k2, ReadOnlySpan<double> k3,
        Span<double> z1, Span<double> z2, Span<double> z3, Span<double> f1, Span<double> f2, Span<double> f3)
    {
        int n = z1.Length;
        AtLeast(n, k1.Length, k2.Length, k3.Length, z2.Length, z3.Length, f1.Length, f2.Length, f3.Length);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = Extrapolate<Vector512Lane>(i, q, ti, k1, k2, k3, z1, z2, z3, f1, f2, f3);
        else if (Vector256.IsHardwareAccelerated) i = Extrapolate<Vector256Lane>(i, q, ti, k1, k2, k3, z1, z2, z3, f1, f2, f3);
        Extrapolate<ScalarLane>(i, q, ti, k1, k2, k3, z1, z2, z3, f1, f2, f3);
    }

    /// <summary>The scaled nodes of <see cref="Extrapolate"/> and their two factors each: c·q, c·q − (C2 − 1), c·q − (C1 − 1).</summary>
    public readonly record struct Nodes(double C1q, double A1, double B1, double C2q, double A2, double B2, double C3q, double A3, double B3);

    private static int Extrapolate<T>(int i, in Nodes q, in Transform ti, ReadOnlySpan<double> k1, ReadOnlySpan<double> k2, ReadOnlySpan<double> k3,
        Span<double> z1, Span<double> z2, Span<double> z3, Span<double> f1, Span<double> f2, Span<double> f3) where T : struct, ILane<T>
    {
        T c1q = T.Broadcast(q.C1q), a1 = T.Broadcast(q.A1), b1 = T.Broadcast(q.B1);
        T c2q = T.Broadcast(q.C2q), a2 = T.Broadcast(q.A2), b2 = T.Broadcast(q.B2);
        T c3q = T.Broadcast(q.C3q), a3 = T.Broadcast(q.A3), b3 = T.Broadcast(q.B3);
        T t11 = T.Broadcast(ti.A11), t12 = T.Broadcast(ti.A12), t13 = T.Broadcast(ti.A13);
        T t21 = T.Broadcast(ti.A21), t22 = T.Broadcast(ti.A22), t23 = T.Broadcast(ti.A23);
        T t31 = T.Broadcast(ti.A31), t32 = T.Broadcast(ti.A32), t33 = T.Broadcast(ti.A33);
        for (int n = z1.Length; i + T.Width <= n; i += T.Width)
        {
            T ak1 = At<T>(k1, i), ak2 = At<T>(k2, i), ak3 = At<T>(k3, i);
            T x1 = c1q * (ak1 + a1 * (ak2 + b1 * ak3));
            T x2 = c2q * (ak1 + a2 * (ak2 + b2 * ak3));
            T x3 = c3q * (ak1 + a3 * (ak2 + b3 * ak3));
            Put(z1, i, x1); Put(z2, i, x2); Put(z3, i, x3);
            Put(f1, i, t11 * x1 + t12 * x2 + t13 * x3);
            Put(f2, i, t21 * x1 + t22 * x2 + t23 * x3);
            Put(f3, i, t31 * x1 + t32 * x2 + t33 * x3);
        }
        return i;
    }

    /// <summary>
    /// The transformed stage systems' right-hand sides: z ← T⁻¹z − (γ/h) f1 for the real one, and the complex pair
    /// with (α, β)/h (z holds the stage gradients on entry).
    /// </summary>
    public static void NewtonResidual(double fac1, double alphn, double betan, in Transform ti,
        Span<double> z1, Span<double> z2, Span<double> z3, ReadOnlySpan<double> f1, ReadOnlySpan<double> f2, ReadOnlySpan<double> f3)
    {
        int n = z1.Length;
        AtLeast(n, z2.Length, z3.Length, f1.Length, f2.Length, f3.Length);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = NewtonResidual<Vector512Lane>(i, fac1, alphn, betan, ti, z1, z2, z3, f1, f2, f3);
        else if (Vector256.IsHardwareAccelerated) i = NewtonResidual<Vector256Lane>(i, fac1, alphn, betan, ti, z1, z2, z3, f1, f2, f3);
        NewtonResidual<ScalarLane>(i, fac1, alphn, betan, ti, z1, z2, z3, f1, f2, f3);
    }

    private static int NewtonResidual<T>(int i, double fac1, double alphn, double betan, in Transform ti,
        Span<double> z1, Span<double> z2, Span<double> z3, ReadOnlySpan<double> f1, ReadOnlySpan<double> f2, ReadOnlySpan<double> f3) where T : struct, ILane<T>
    {
        T g = T.Broadcast(fac1), al = T.Broadcast(alphn), be = T.Broadcast(betan);
        T t11 = T.Broadcast(ti.A11), t12 = T.Broadcast(ti.A12), t13 = T.Broadcast(ti.A13);
        T t21 = T.Broadcast(ti.A21), t22 = T.Broadcast(ti.A22), t23 = T.Broadcast(ti.A23);
        T t31 = T.Broadcast(ti.A31), t32 = T.Broadcast(ti.A32), t33 = T.Broadcast(ti.A33);
        for (int n = z1.Length; i + T.Width <= n; i += T.Width)
        {
            T a1 = At<T>(z1, i), a2 = At<T>(z2, i), a3 = At<T>(z3, i);
            T x1 = At<T>(f1, i), x2 = At<T>(f2, i), x3 = At<T>(f3, i);
            Put(z1, i, t11 * a1 + t12 * a2 + t13 * a3 - x1 * g);
            Put(z2, i, t21 * a1 + t22 * a2 + t23 * a3 - x2 * al + x3 * be);
            Put(z3, i, t31 * a1 + t32 * a2 + t33 * a3 - x3 * al - x2 * be);
        }
        return i;
    }

    /// <summary>Σ_i ((z1_i/s_i)² + (z2_i/s_i)²) + (z3_i/s_i)², summed in ascending i; <paramref name="squares"/> is scratch.</summary>
    public static double ScaledSquares(ReadOnlySpan<double> z1, ReadOnlySpan<double> z2, ReadOnlySpan<double> z3, ReadOnlySpan<double> scal, Span<double> squares)
    {
        int n = z1.Length;
        AtLeast(n, z2.Length, z3.Length, scal.Length, squares.Length);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = ScaledSquares<Vector512Lane>(i, z1, z2, z3, scal, squares);
        else if (Vector256.IsHardwareAccelerated) i = ScaledSquares<Vector256Lane>(i, z1, z2, z3, scal, squares);
        ScaledSquares<ScalarLane>(i, z1, z2, z3, scal, squares);
        return AscendingSum(squares[..n]);
    }

    private static int ScaledSquares<T>(int i, ReadOnlySpan<double> z1, ReadOnlySpan<double> z2, ReadOnlySpan<double> z3, ReadOnlySpan<double> scal,
        Span<double> squares) where T : struct, ILane<T>
    {
        for (int n = z1.Length; i + T.Width <= n; i += T.Width)
        {
            T d = At<T>(scal, i);
            T a = At<T>(z1, i) / d, b = At<T>(z2, i) / d, c = At<T>(z3, i) / d;
            Put(squares, i, a * a + b * b + c * c);
        }
        return i;
    }

    /// <summary>Σ_i (x_i/s_i)² in ascending i; <paramref name="squares"/> is scratch.</summary>
    public static double ScaledSquares(ReadOnlySpan<double> x, ReadOnlySpan<double> scal, Span<double> squares)
    {
        AtLeast(x.Length, scal.Length, squares.Length);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = ScaledSquares<Vector512Lane>(i, x, scal, squares);
        else if (Vector256.IsHardwareAccelerated) i = ScaledSquares<Vector256Lane>(i, x, scal, squares);
        ScaledSquares<ScalarLane>(i, x, scal, squares);
        return AscendingSum(squares[..x.Length]);
    }

    private static int ScaledSquares<T>(int i, ReadOnlySpan<double> x, ReadOnlySpan<double> scal, Span<double> squares) where T : struct, ILane<T>
    {
        for (int n = x.Length; i + T.Width <= n; i += T.Width)
        {
            T r = At<T>(x, i) / At<T>(scal, i);
            Put(squares, i, r * r);
        }
        return i;
    }

    private static double AscendingSum(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x) s += v;
        return s;
    }

    /// <summary>f ← f + Δz (the transformed iterate, Δz in z on entry), and z ← T f (the stage increments).</summary>
    public static void Accumulate(in Transform t, Span<double> z1, Span<double> z2, Span<double> z3, Span<double> f1, Span<double> f2, Span<double> f3)
    {
        int n = z1.Length;
        AtLeast(n, z2.Length, z3.Length, f1.Length, f2.Length, f3.Length);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = Accumulate<Vector512Lane>(i, t, z1, z2, z3, f1, f2, f3);
        else if (Vector256.IsHardwareAccelerated) i = Accumulate<Vector256Lane>(i, t, z1, z2, z3, f1, f2, f3);
        Accumulate<ScalarLane>(i, t, z1, z2, z3, f1, f2, f3);
    }

    // T's last row is (T31, 1, 0): RADAU5 writes z3 = T31·a + b, which is what this computes.
    private static int Accumulate<T>(int i, in Transform t, Span<double> z1, Span<double> z2, Span<double> z3,
        Span<double> f1, Span<double> f2, Span<double> f3) where T : struct, ILane<T>
    {
        T t11 = T.Broadcast(t.A11), t12 = T.Broadcast(t.A12), t13 = T.Broadcast(t.A13);
        T t21 = T.Broadcast(t.A21), t22 = T.Broadcast(t.A22), t23 = T.Broadcast(t.A23), t31 = T.Broadcast(t.A31);
        for (int n = z1.Length; i + T.Width <= n; i += T.Width)
        {
            T a = At<T>(f1, i) + At<T>(z1, i), b = At<T>(f2, i) + At<T>(z2, i), c = At<T>(f3, i) + At<T>(z3, i);
            Put(f1, i, a); Put(f2, i, b); Put(f3, i, c);
            Put(z1, i, t11 * a + t12 * b + t13 * c);
            Put(z2, i, t21 * a + t22 * b + t23 * c);
            Put(z3, i, t31 * a + b);
        }
        return i;
    }

    /// <summary>Divisors and node of <see cref="Accept"/>: C2 − 1, C1 − C2, C1, C2, C1 − 1.</summary>
    public readonly record struct Collocation(double C2M1, double C1MC2, double C1, double C2, double C1M1);

    /// <summary>An accepted step: y ← y + z3, and the collocation polynomial's coefficients (k1, k2, k3) for the next start.</summary>
    public static void Accept(in Collocation c, Span<double> y, ReadOnlySpan<double> z1, ReadOnlySpan<double> z2, ReadOnlySpan<double> z3,
        Span<double> k1, Span<double> k2, Span<double> k3)
    {
        int n = y.Length;
        AtLeast(n, z1.Length, z2.Length, z3.Length, k1.Length, k2.Length, k3.Length);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = Accept<Vector512Lane>(i, c, y, z1, z2, z3, k1, k2, k3);
        else if (Vector256.IsHardwareAccelerated) i = Accept<Vector256Lane>(i, c, y, z1, z2, z3, k1, k2, k3);
        Accept<ScalarLane>(i, c, y, z1, z2, z3, k1, k2, k3);
    }

    private static int Accept<T>(int i, in Collocation c, Span<double> y, ReadOnlySpan<double> z1, ReadOnlySpan<double> z2, ReadOnlySpan<double> z3,
        Span<double> k1, Span<double> k2, Span<double> k3) where T : struct, ILane<T>
    {
        T c2m1 = T.Broadcast(c.C2M1), c1mc2 = T.Broadcast(c.C1MC2), c1 = T.Broadcast(c.C1), c2 = T.Broadcast(c.C2), c1m1 = T.Broadcast(c.C1M1);
        for (int n = y.Length; i + T.Width <= n; i += T.Width)
        {
            T a1 = At<T>(z1, i), a2 = At<T>(z2, i), a3 = At<T>(z3, i);
            Put(y, i, At<T>(y, i) + a3);
            T cont1 = (a2 - a3) / c2m1;
            T ak = (a1 - a2) / c1mc2;
            T acont3 = (ak - a1 / c1) / c2;
            T cont2 = (ak - cont1) / c1m1;
            Put(k1, i, cont1);
            Put(k2, i, cont2);
            Put(k3, i, cont2 - acont3);
        }
        return i;
    }

    /// <summary>scal ← atol + rtol·|y|.</summary>
    public static void Scale(double atol, double rtol, ReadOnlySpan<double> y, Span<double> scal)
    {
        AtLeast(y.Length, scal.Length);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = Scale<Vector512Lane>(i, atol, rtol, y, scal);
        else if (Vector256.IsHardwareAccelerated) i = Scale<Vector256Lane>(i, atol, rtol, y, scal);
        Scale<ScalarLane>(i, atol, rtol, y, scal);
    }

    private static int Scale<T>(int i, double atol, double rtol, ReadOnlySpan<double> y, Span<double> scal) where T : struct, ILane<T>
    {
        T a = T.Broadcast(atol), r = T.Broadcast(rtol);
        for (int n = y.Length; i + T.Width <= n; i += T.Width) Put(scal, i, a + r * T.Abs(At<T>(y, i)));
        return i;
    }

    /// <summary>The error estimate's right-hand side: e ← (d1/h) z1 + (d2/h) z2 + (d3/h) z3, and <paramref name="sum"/> ← e + f(y0).</summary>
    public static void ErrorRhs(double hee1, double hee2, double hee3, ReadOnlySpan<double> z1, ReadOnlySpan<double> z2, ReadOnlySpan<double> z3,
        ReadOnlySpan<double> f0, Span<double> e, Span<double> sum)
    {
        int n = z1.Length;
        AtLeast(n, z2.Length, z3.Length, f0.Length, e.Length, sum.Length);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = ErrorRhs<Vector512Lane>(i, hee1, hee2, hee3, z1, z2, z3, f0, e, sum);
        else if (Vector256.IsHardwareAccelerated) i = ErrorRhs<Vector256Lane>(i, hee1, hee2, hee3, z1, z2, z3, f0, e, sum);
        ErrorRhs<ScalarLane>(i, hee1, hee2, hee3, z1, z2, z3, f0, e, sum);
    }

    private static int ErrorRhs<T>(int i, double hee1, double hee2, double hee3, ReadOnlySpan<double> z1, ReadOnlySpan<double> z2, ReadOnlySpan<double> z3,
        ReadOnlySpan<double> f0, Span<double> e, Span<double> sum) where T : struct, ILane<T>
    {
        T h1 = T.Broadcast(hee1), h2 = T.Broadcast(hee2), h3 = T.Broadcast(hee3);
        for (int n = z1.Length; i + T.Width <= n; i += T.Width)
        {
            T x = h1 * At<T>(z1, i) + h2 * At<T>(z2, i) + h3 * At<T>(z3, i);
            Put(e, i, x);
            Put(sum, i, x + At<T>(f0, i));
        }
        return i;
    }
}

namespace Sweep.Numerics.Kernels;

/// <summary>
/// Elementary functions written in plain IEEE-754 double arithmetic (+, −, ×, ÷ and bit manipulation, all correctly
/// rounded on every platform, and never contracted into fused multiply-adds by the .NET JIT), for the computations that
/// decide a sample's trajectory. <see cref="Math.Log(double)"/> and <see cref="Math.Pow"/> call the platform's C
/// library, whose last bit differs between libm versions and CPUs; a one-ulp difference in a Gaussian draw changes a
/// trajectory, its hitting time and occasionally its label, so a campaign would not be reproducible across machines.
/// These functions return the same bits everywhere.
/// </summary>
public static class IeeeMath
{
    // fdlibm's e_log.c (Sun Microsystems, 1993; the reference of Java's StrictMath.log): the minimax polynomial of
    // R(z) ≈ (log(1+f) − f + f²/2)/s, s = f/(2+f), z = s², on [0, 0.1716²]; error below 1 ulp.
    private const double Ln2Hi = 6.93147180369123816490e-01;  // 0x3FE62E42FEE00000: k·Ln2Hi is exact for |k| < 2^11
    private const double Ln2Lo = 1.90821492927058770002e-10;  // 0x3DEA39EF35793C76
    private const double Two54 = 1.80143985094819840000e+16;
    private const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
        Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01, Lg7 = 1.479819860511658591e-01;

    /// <summary>
    /// The natural logarithm, within 1 ulp (fdlibm's algorithm): x = 2^k·(1+f) with √2/2 ≤ 1+f &lt; √2, then
    /// log(x) = k·ln2 + f − f²/2 + s·(f²/2 + R(s²)) with s = f/(2+f) and ln2 split in two so that k·ln2 carries no
    /// rounding. log(0) = −∞, log(negative) = NaN, log(+∞) = +∞.
    /// </summary>
    public static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int hx = (int)(bits >> 32);
        uint lx = (uint)bits;
        int k = 0;
        if (hx < 0x00100000)
        {
            if (((hx & 0x7fffffff) | (int)lx) == 0) return double.NegativeInfinity;
            if (hx < 0) return double.NaN;
            k -= 54;
            x *= Two54;   // subnormal: scale up
            bits = BitConverter.DoubleToInt64Bits(x);
            hx = (int)(bits >> 32);
        }
        if (hx >= 0x7ff00000) return x + x;
        k += (hx >> 20) - 1023;
        hx &= 0x000fffff;
        int i = (hx + 0x95f64) & 0x100000;
        // x or x/2, normalised into [√2/2, √2)
        x = BitConverter.Int64BitsToDouble(((long)(hx | (i ^ 0x3ff00000)) << 32) | (uint)BitConverter.DoubleToInt64Bits(x));
        k += i >> 20;
        double f = x - 1.0;
        double dk;
        if ((0x000fffff & (2 + hx)) < 3)
        {
            // |f| < 2^-20
            if (f == 0)
            {
                if (k == 0) return 0;
                dk = k;
                return dk * Ln2Hi + dk * Ln2Lo;
            }
            double r0 = f * f * (0.5 - 0.33333333333333333 * f);
            if (k == 0) return f - r0;
            dk = k;
            return dk * Ln2Hi - ((r0 - dk * Ln2Lo) - f);
        }
        double s = f / (2.0 + f);
        dk = k;
        double z = s * s;
        int a = hx - 0x6147a;
        double w = z * z;
        int b = 0x6b851 - hx;
        double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
        double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
        a |= b;
        double r = t2 + t1;
        if (a > 0)
        {
            double hfsq = 0.5 * f * f;
            if (k == 0) return f - (hfsq - s * (hfsq + r));
            return dk * Ln2Hi - ((hfsq - (s * (hfsq + r) + dk * Ln2Lo)) - f);
        }
        if (k == 0) return f - s * (f - r);
        return dk * Ln2Hi - ((s * (f - r) - dk * Ln2Lo) - f);
    }

    /// <summary>
    /// x^{1/5} for x ≥ 0, within 2 ulp: x = 2^{5q}·a with a ∈ [1, 32) (exact), then Newton's iteration
    /// y ← y − (y⁵ − a)/(5y⁴) from y = 2 ≥ a^{1/5}, which decreases monotonically onto the root (y⁵ is convex), a fixed
    /// number of times, and the result scaled back by 2^q (exact). 0 ↦ 0, +∞ ↦ +∞, negative or NaN ↦ NaN.
    /// </summary>
    public static double FifthRoot(double x)
    {
        if (!(x > 0)) return x == 0 ? 0 : double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)(bits >> 52) - 1023;
        if (e == -1023)
        {
            // subnormal: scale up by 2^60 (a multiple of 5 keeps the bookkeeping exact)
            bits = BitConverter.DoubleToInt64Bits(x * 1152921504606846976.0);
            e = (int)(bits >> 52) - 1023 - 60;
        }
        int q = (int)Math.Floor(e / 5.0);
        int r = e - 5 * q;                                     // 0..4
        double a = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | ((long)(1023 + r) << 52));
        double y = 2;
        for (int i = 0; i < 9; i++)
        {
            double y2 = y * y;
            y -= (y2 * y2 * y - a) / (5 * (y2 * y2));
        }
        return y * BitConverter.Int64BitsToDouble((long)(1023 + q) << 52);
    }

    /// <summary>
    /// x^{1/k} for x ≥ 0 and k ≥ 1, to within a few ulp, by the method of <see cref="FifthRoot"/>: x = 2^{kq}·a with
    /// a ∈ [1, 2^k) (exact), Newton's iteration on y^k = a from y = 2 ≥ a^{1/k} (monotone onto the root, y^k is convex)
    /// a fixed number of times, scaled back by 2^q. Off the hot path (step-size factors after a rejection, tolerances
    /// once per trajectory), so it favours a fixed iteration count over speed. 0 ↦ 0, +∞ ↦ +∞, negative or NaN ↦ NaN.
    /// </summary>
    public static double Root(double x, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "the root's order must be at least 1");
        if (k == 1 || double.IsPositiveInfinity(x)) return x;
        if (!(x > 0)) return x == 0 ? 0 : double.NaN;
        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)(bits >> 52) - 1023;
        if (e == -1023)
        {
            bits = BitConverter.DoubleToInt64Bits(x * 18014398509481984.0);   // subnormal: scale up by 2^54
            e = (int)(bits >> 52) - 1023 - 54;
        }
        int q = (int)Math.Floor(e / (double)k);
        int r = e - k * q;                                      // 0..k−1
        double a = BitConverter.Int64BitsToDouble(bits & 0x000FFFFFFFFFFFFFL | 0x3FF0000000000000L);
        for (int i = 0; i < r; i++) a *= 2;                    // exact: a ∈ [1, 2^k)
        double y = 2;
        for (int it = 0; it < 80; it++)
        {
            double p = 1;
            for (int j = 0; j < k - 1; j++) p *= y;            // y^{k−1}
            double next = y - (p * y - a) / (k * p);
            if (!(next < y)) break;                            // the monotone iteration has stopped moving
            y = next;
        }
        double scale = 1;
        int qa = Math.Abs(q);
        double step = q >= 0 ? 2 : 0.5;
        for (int i = 0; i < qa; i++) scale *= step;             // 2^q by exact doublings (|q| ≤ 1075/k)
        return y * scale;
    }
}

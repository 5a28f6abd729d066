using MathNet.Numerics.Distributions;
using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

public class ClopperPearsonTests
{
    // ---- Independent truth: the binomial tail by direct summation in log space, inverted by bisection ----

    /// <summary>ln C(n, j) by a product over j factors (j small): no log-gamma, no cancellation.</summary>
    private static double LogChoose(long n, long j)
    {
        double s = 0;
        for (long i = 0; i < j; i++) s += Math.Log((double)(n - i) / (i + 1));
        return s;
    }

    /// <summary>P(X ≤ k) for X ~ Bin(n, p), q = 1 − p, by summing the k + 1 terms (k small), each in log space.</summary>
    private static double CdfBySum(long k, long n, double p, double q)
    {
        Assert.True(k <= 2000, "the direct sum is for short tails");
        // Logs of both from whichever of p, q is small, so that 1 − p never rounds away the small one.
        double lp = p < 0.5 ? Math.Log(p) : Log1p(-q), lq = q < 0.5 ? Math.Log(q) : Log1p(-p), sum = 0;
        if (k <= 20)
        {
            for (long j = 0; j <= k; j++) sum += Math.Exp(LogChoose(n, j) + j * lp + (n - j) * lq);
            return sum;
        }
        double log = n * lq;                          // ln P(X = 0), then the ratio of successive terms
        for (long j = 0; j <= k; j++)
        {
            sum += Math.Exp(log);
            log += Math.Log((double)(n - j) / (j + 1)) + lp - lq;
        }
        return sum;
    }

    /// <summary>ln(1 + x) accurate for tiny x (its own series, not the implementation's helper).</summary>
    private static double Log1p(double x)
    {
        if (Math.Abs(x) >= 0.01) return Math.Log(1 + x);   // rounding of 1 + x: at most 1.1e-14 relative to x here
        double sum = 0, power = 1;
        for (int i = 1; i <= 9; i++) { power *= x; sum += (i % 2 == 1 ? power : -power) / i; }
        return sum;                                           // truncation below x^10/10 ≤ 1e-18 relative
    }

    /// <summary>
    /// The p in (0, 1) where an increasing function of p crosses zero, found by 300 geometric bisections of the
    /// smaller of p and 1 − p (so the answer has full relative precision on the side that matters).
    /// </summary>
    private static double Solve(Func<double, double, double> increasing)
    {
        // Which half? At p = q = ½ the sign tells.
        bool small = increasing(0.5, 0.5) > 0;
        double lo = 1e-300, hi = 0.5;
        for (int i = 0; i < 300; i++)
        {
            double mid = Math.Sqrt(lo * hi);
            if (mid <= lo || mid >= hi) break;
            // small: u = p; otherwise u = 1 − p, and the function decreases in u.
            double v = small ? increasing(mid, 1 - mid) : -increasing(1 - mid, mid);
            if (v > 0) hi = mid; else lo = mid;
        }
        double u = Math.Sqrt(lo * hi);
        return small ? u : 1 - u;
    }

    /// <summary>p with P(X ≤ k | p) = alpha (upper bound); for k near n via X ≤ k ⇔ n − X ≥ n − k.</summary>
    private static double TrueUpper(long k, long n, double alpha) =>
        k <= 2000
            ? Solve((p, q) => alpha - CdfBySum(k, n, p, q))
            : Solve((p, q) => alpha - (1 - CdfBySum(n - k - 1, n, q, p)));

    /// <summary>p with P(X ≥ k | p) = alpha (lower bound).</summary>
    private static double TrueLower(long k, long n, double alpha) =>
        k <= 2001
            ? Solve((p, q) => (1 - CdfBySum(k - 1, n, p, q)) - alpha)
            : Solve((p, q) => CdfBySum(n - k, n, q, p) - alpha);

    /// <summary>Relative agreement on the smaller of x and 1 − x, down to the resolution of a double near 1.</summary>
    private static void AssertClose(double expected, double actual, double relative)
    {
        double tol = relative * Math.Min(expected, 1 - expected) + 4e-16;
        Assert.True(Math.Abs(actual - expected) <= tol, $"expected {expected:R}, got {actual:R} (diff {Math.Abs(actual - expected):E2}, tol {tol:E2})");
    }

    public static TheoryData<long, long> Cases()
    {
        var data = new TheoryData<long, long>();
        foreach (long n in new long[] { 10, 100, 1000, 1_000_000 })
            foreach (long k in new long[] { 0, 1, 3, n - 1, n })
                data.Add(k, n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_sided_bounds_solve_the_binomial_tail_equations(long k, long n)
    {
        double upper = ClopperPearson.Upper95(k, n), lower = ClopperPearson.Lower95(k, n);
        if (k == n) Assert.Equal(1.0, upper);
        else AssertClose(TrueUpper(k, n, 0.05), upper, 1e-10);
        if (k == 0) Assert.Equal(0.0, lower);
        else AssertClose(TrueLower(k, n, 0.05), lower, 1e-10);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Two_sided_interval_puts_two_and_a_half_percent_in_each_tail(long k, long n)
    {
        var (low, high) = ClopperPearson.Interval95(k, n);
        if (k == 0) Assert.Equal(0.0, low);
        else AssertClose(TrueLower(k, n, 0.025), low, 1e-10);
        if (k == n) Assert.Equal(1.0, high);
        else AssertClose(TrueUpper(k, n, 0.025), high, 1e-10);
    }

    /// <summary>1 − 0.05^{1/n} = −expm1(ln 0.05 / n), by its series where 1 − Pow would cancel.</summary>
    private static double RuleOfThree(long n, double alpha)
    {
        double c = Math.Log(alpha) / n;
        return Math.Abs(c) < 1e-3 ? -(c + c * c / 2 + c * c * c / 6 + c * c * c * c / 24 + c * c * c * c * c / 120) : 1 - Math.Pow(alpha, 1.0 / n);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(1000)]
    [InlineData(1_000_000)]
    [InlineData(100_000_000)]
    [InlineData(10_000_000_000)]
    public void Closed_forms_at_zero_and_all(long n)
    {
        AssertClose(RuleOfThree(n, 0.05), ClopperPearson.Upper95(0, n), 1e-14);
        AssertClose(RuleOfThree(n, 0.025), ClopperPearson.Interval95(0, n).High, 1e-14);
        AssertClose(Math.Exp(Math.Log(0.05) / n), ClopperPearson.Lower95(n, n), 1e-12);
        AssertClose(Math.Exp(Math.Log(0.025) / n), ClopperPearson.Interval95(n, n).Low, 1e-12);
        Assert.Equal(0.0, ClopperPearson.Lower95(0, n));
        Assert.Equal(1.0, ClopperPearson.Upper95(n, n));
        // The defining property of the rule of three: (1 − p)^n = 0.05.
        Assert.Equal(Math.Log(0.05), n * Log1p(-ClopperPearson.Upper95(0, n)), 10);
    }

    [Theory]
    // Published values (e.g. the Clopper–Pearson tables; R binom.test): 0 of 10 one-sided 0.2589, two-sided [0, 0.3085];
    // 1 of 10 [0.00253, 0.4450]; 5 of 10 [0.1871, 0.8129]; 0 of 1000 one-sided 0.002991 (here to 6 decimals, as R prints them).
    [InlineData(0, 10, 0.0, 0.308497)]
    [InlineData(1, 10, 0.002529, 0.445016)]
    [InlineData(5, 10, 0.187086, 0.812914)]
    [InlineData(9, 10, 0.554984, 0.997471)]
    public void Two_sided_intervals_match_published_values(long k, long n, double low, double high)
    {
        var (l, h) = ClopperPearson.Interval95(k, n);
        Assert.Equal(low, l, 1e-6);
        Assert.Equal(high, h, 1e-6);
    }

    [Fact]
    public void One_sided_bounds_match_published_values()
    {
        Assert.Equal(0.2589, ClopperPearson.Upper95(0, 10), 4);
        Assert.Equal(0.002991, ClopperPearson.Upper95(0, 1000), 6);
        Assert.Equal(0.3942, ClopperPearson.Upper95(1, 10), 4);
        Assert.Equal(0.005116, ClopperPearson.Lower95(1, 10), 6);
    }

    [Theory]
    // Rare labels in large campaigns, where the tails matter (short tail sums as truth); 250 and 1000 go through the
    // continued fraction, the others through the implementation's own short sums.
    [InlineData(1, 10_000_000)]
    [InlineData(3, 10_000_000)]
    [InlineData(1, 100_000_000)]
    [InlineData(2, 100_000_000)]
    [InlineData(10, 100_000_000)]
    [InlineData(20, 100_000_000)]
    [InlineData(250, 100_000_000)]
    [InlineData(1000, 100_000_000)]
    [InlineData(1000, 1_000_000_000)]
    [InlineData(100_000_000 - 3, 100_000_000)]
    public void Rare_counts_in_huge_campaigns_are_exact(long k, long n)
    {
        AssertClose(TrueUpper(k, n, 0.05), ClopperPearson.Upper95(k, n), 1e-9);
        AssertClose(TrueLower(k, n, 0.05), ClopperPearson.Lower95(k, n), 1e-9);
    }

    [Fact]
    public void Bounds_are_ordered_nest_the_estimate_and_move_the_right_way()
    {
        foreach (long n in new long[] { 1, 2, 7, 50, 1000, 123_457 })
        {
            double prevUpper = 0, prevLower = -1;
            foreach (long k in Enumerable.Range(0, (int)Math.Min(n, 60) + 1).Select(i => (long)i).Append(n / 2).Append(n - 1).Append(n).Where(k => k >= 0 && k <= n).Distinct().Order())
            {
                var (low, high) = ClopperPearson.Interval95(k, n);
                double lower = ClopperPearson.Lower95(k, n), upper = ClopperPearson.Upper95(k, n), mle = (double)k / n;
                Assert.True(0 <= low && low <= lower && lower <= mle && mle <= upper && upper <= high && high <= 1,
                    $"k={k} n={n}: {low} {lower} {mle} {upper} {high}");
                if (k > 0 && k < n) Assert.True(low < mle && mle < high);
                Assert.True(upper > prevUpper && lower > prevLower, $"not increasing in k at k={k} n={n}");
                (prevUpper, prevLower) = (upper, lower);
            }
        }
        // More trials with the same count: both bounds fall.
        Assert.True(ClopperPearson.Upper95(3, 1000) < ClopperPearson.Upper95(3, 100));
        Assert.True(ClopperPearson.Lower95(3, 1000) < ClopperPearson.Lower95(3, 100));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(0, 0)]
    [InlineData(0, -5)]
    [InlineData(long.MinValue, 10)]
    public void Counts_outside_the_range_throw(long k, long n)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.Interval95(k, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.Upper95(k, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.Lower95(k, n));
    }

    [Fact]
    public void Bad_confidence_levels_throw()
    {
        foreach (var alpha in new[] { 0.0, 1.0, -0.1, double.NaN })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.Upper(1, 10, alpha));
            Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.Interval(1, 10, alpha));
        }
    }

    [Fact]
    public void The_regularized_incomplete_beta_is_the_binomial_tail()
    {
        // I_p(a, b) = P(X ≥ a | n = a + b − 1, p), compared with the direct sum on the short side.
        foreach (var (a, b, p) in new (long, long, double)[] { (1, 10, 0.1), (3, 8, 0.2), (3, 998, 0.001), (2, 999_999, 3e-6), (999, 2, 0.999) })
        {
            long n = a + b - 1;
            double expected = a <= 21 ? 1 - CdfBySum(a - 1, n, p, 1 - p) : CdfBySum(n - a, n, 1 - p, p);
            Assert.Equal(expected, ClopperPearson.BetaRegularized(a, b, p), 1e-13);
        }
        Assert.Equal(0.0, ClopperPearson.BetaRegularized(4, 5, 0));
        Assert.Equal(1.0, ClopperPearson.BetaRegularized(4, 5, 1));
    }

    [Fact]
    public void Same_input_gives_the_same_bits()
    {
        for (long k = 0; k <= 20; k++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(ClopperPearson.Upper95(k, 12_345)), BitConverter.DoubleToInt64Bits(ClopperPearson.Upper95(k, 12_345)));
    }

    // ---- Coverage: the exact probability, over k ~ Bin(n, p), that the interval for k holds p ----

    private static double Coverage(long n, double p, Func<long, (double Low, double High)> interval)
    {
        var binomial = new Binomial(p, (int)n);
        double mean = n * p, sd = Math.Sqrt(n * p * (1 - p));
        long from = Math.Max(0, (long)(mean - 15 * sd - 20)), to = Math.Min(n, (long)(mean + 15 * sd + 20));
        double covered = 0;
        for (long k = from; k <= to; k++)
        {
            var (low, high) = interval(k);
            if (low <= p && p <= high) covered += binomial.Probability((int)k);
        }
        return covered;
    }

    [Theory]
    [InlineData(1000, 1.7e-4)]   // docs/statistics.md, Why not Wilson: where it is at its worst
    [InlineData(1000, 1.75e-4)]
    [InlineData(1000, 0.05)]
    [InlineData(100, 0.01)]
    [InlineData(20, 0.5)]
    [InlineData(1_000_000, 1e-6)]
    [InlineData(1_000_000, 3.2e-6)]
    [InlineData(100_000_000, 1.7e-7)]
    public void Clopper_pearson_covers_at_least_95_percent(long n, double p)
    {
        double twoSided = Coverage(n, p, k => ClopperPearson.Interval95(k, n));
        double upper = Coverage(n, p, k => (0, ClopperPearson.Upper95(k, n)));
        double lower = Coverage(n, p, k => (ClopperPearson.Lower95(k, n), 1));
        Assert.True(twoSided >= 0.95, $"two-sided coverage {twoSided}");
        Assert.True(upper >= 0.95, $"upper coverage {upper}");
        Assert.True(lower >= 0.95, $"lower coverage {lower}");
    }

    [Fact]
    public void Clopper_pearson_covers_everywhere_on_a_fine_grid()
    {
        foreach (long n in new long[] { 10, 200 })
        {
            var intervals = Enumerable.Range(0, (int)n + 1).Select(k => ClopperPearson.Interval95(k, n)).ToArray();
            for (int i = 1; i < 2000; i++)
            {
                double p = Math.Pow(10, -6 + 6.0 * i / 2000) * 0.5;     // 5e-7 .. 0.5, log-spaced
                double c = Coverage(n, p, k => intervals[k]);
                Assert.True(c >= 0.95, $"n={n} p={p}: coverage {c}");
            }
        }
    }

    [Fact]
    public void Wilson_under_covers_the_rare_label_that_clopper_pearson_covers()
    {
        // n = 1000, p = 1.7e-4: Wilson's interval for k = 1 already excludes p (its lower end is 1.765e-4), so only
        // k = 0 covers: (1 − p)^1000 ≈ 84.4%. Clopper–Pearson also covers k = 1: about 98.7%.
        double wilson = Coverage(1000, 1.7e-4, k => Proportions.Wilson(k, 1000));
        double exact = Coverage(1000, 1.7e-4, k => ClopperPearson.Interval95(k, 1000));
        Assert.InRange(wilson, 0.84, 0.85);
        Assert.True(wilson < 0.95);
        Assert.True(exact >= 0.95);
        Assert.InRange(exact, 0.98, 0.99);
    }

    [Fact]
    public void MathNet_beta_inverse_is_not_accurate_enough_in_the_far_tail()
    {
        // Why ClopperPearson does not call Beta.InvCDF: for 1 of 1e8 the lower bound is 1 − 0.95^{1e-8} (closed form,
        // a = 1), and MathNet 5.0.0 is off by about 2e-5 relative there (measured: 1.3e-7 for Lower95(3, 1e6),
        // 5e-7 for Lower95(3, 1e7)), while this implementation agrees to 1e-14.
        const long n = 100_000_000;
        double c = Math.Log(0.95) / n;
        double truth = -(c + c * c / 2);                // −expm1(c), |c| ≈ 5e-10: the next term is 1e-28 relative
        double mathNet = Beta.InvCDF(1, n, 0.05);
        Assert.True(Math.Abs(mathNet - truth) / truth > 1e-6, $"MathNet became accurate: {mathNet:R} vs {truth:R}");
        Assert.Equal(truth, ClopperPearson.Lower95(1, n), truth * 1e-14);
    }
}

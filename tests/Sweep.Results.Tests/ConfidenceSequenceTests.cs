using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

public sealed class ConfidenceSequenceTests
{
    /// <summary>
    /// Coverage under repeated looks: many Bernoulli streams at a fixed p, the sequence checked after every single draw.
    /// Ville's inequality promises that at most 5% of streams ever exclude p; the test allows the simulation's noise
    /// (3 standard errors). The exclusion test is the definition, log M_n(p) ≥ log 20, with log M updated by the mixture's
    /// predictive probabilities. To stay cheap the streams are drawn as geometric runs of failures between successes:
    /// along a run the increment log((b + n − k)/(a + b + n)) − log(1 − p) only grows with n, so log M is largest at the
    /// run's ends, and checking there (after each success and at the end) is checking after every draw.
    /// </summary>
    [Theory]
    [InlineData(0.5, 1000, 2000)]
    [InlineData(0.05, 2000, 10_000)]
    [InlineData(0.002, 2000, 100_000)]
    [InlineData(1e-5, 2000, 1_000_000)]
    public void Streams_exclude_the_true_p_at_some_look_in_at_most_5_percent(double p, int streams, long draws)
    {
        var rng = new Random(16);
        double a = ConfidenceSequence.PriorA, b = ConfidenceSequence.PriorB, boundary = ConfidenceSequence.Boundary;
        double logP = Math.Log(p), logQ = Math.Log(1 - p);
        int excluded = 0;
        for (int s = 0; s < streams; s++)
        {
            double logM = 0;
            long k = 0, n = 0;
            while (true)
            {
                long gap = (long)Math.Floor(Math.Log(1 - rng.NextDouble()) / logQ);     // failures before the next success
                long end = Math.Min(draws, n + gap);
                // The run of failures n .. end − 1: Π (b + m − k)/(a + b + m) against (1 − p)^(end − n).
                logM += LogGamma(b + end - k) - LogGamma(b + n - k) - (LogGamma(a + b + end) - LogGamma(a + b + n)) - (end - n) * logQ;
                n = end;
                if (logM >= boundary) { excluded++; break; }
                if (n == draws) break;
                logM += Math.Log((a + k) / (a + b + n)) - logP;
                k++;
                n++;
                if (logM >= boundary) { excluded++; break; }
                if (n == draws) break;
            }
        }
        double rate = (double)excluded / streams;
        Assert.True(rate <= 0.05 + 3 * Math.Sqrt(0.05 * 0.95 / streams), $"p = {p}: {excluded} of {streams} streams excluded p at some look ({rate:P2})");
    }

    /// <summary>
    /// ln Γ(x) for x ≥ 1 by Stirling's series after shifting x above 15 (error below 1e-13; MathNet's is several times
    /// slower, and the simulation calls this millions of times).
    /// </summary>
    private static double LogGamma(double x)
    {
        double shift = 0;
        while (x < 15) { shift -= Math.Log(x); x += 1; }
        double r = 1 / x, r2 = r * r;
        return shift + (x - 0.5) * Math.Log(x) - x + 0.91893853320467274 + r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
    }

    [Fact]
    public void Stirling_log_gamma_matches_mathnet()
    {
        foreach (double x in new[] { 1, 1.1, 2.5, 14.9, 15, 100.1, 1e6 + 0.1 })
            Assert.Equal(MathNet.Numerics.SpecialFunctions.GammaLn(x), LogGamma(x), 1e-9 * Math.Max(1, Math.Abs(LogGamma(x))));
    }

    /// <summary>
    /// What the sequence is for: the fixed-n exact bound checked at every look is not a 95% bound any more. 2000 streams at
    /// p = 0.01, Clopper–Pearson's two-sided interval looked at after every 50 draws up to 5000: far more than 5% of the
    /// streams exclude p at some look.
    /// </summary>
    [Fact]
    public void Clopper_pearson_checked_at_every_look_excludes_p_far_more_often()
    {
        var rng = new Random(7);
        const double p = 0.01;
        // Per look n, the counts k whose interval holds p form a range [first, last]: found once by bisection on k.
        var holds = new (long First, long Last)[5000 / 50 + 1];
        for (int look = 1; look < holds.Length; look++)
        {
            long n = look * 50L, mode = (long)(p * n);
            bool Covers(long k) { var (lo, hi) = ClopperPearson.Interval95(k, n); return lo <= p && p <= hi; }
            long lo0 = 0, hi0 = mode;                 // first k that covers
            while (lo0 < hi0) { long m = (lo0 + hi0) / 2; if (Covers(m)) hi0 = m; else lo0 = m + 1; }
            long lo1 = mode, hi1 = n;                 // last k that covers
            while (lo1 < hi1) { long m = (lo1 + hi1 + 1) / 2; if (Covers(m)) lo1 = m; else hi1 = m - 1; }
            holds[look] = (lo0, lo1);
        }
        int excluded = 0;
        for (int s = 0; s < 2000; s++)
        {
            long k = 0;
            for (int n = 1; n <= 5000; n++)
            {
                if (rng.NextDouble() < p) k++;
                if (n % 50 != 0) continue;
                var (first, last) = holds[n / 50];
                if (k < first || k > last) { excluded++; break; }
            }
        }
        Assert.True(excluded > 0.08 * 2000, $"{excluded} of 2000 streams");
    }

    /// <summary>The incremental update of the coverage test and the closed form of <see cref="ConfidenceSequence.LogMixtureRatio"/> agree.</summary>
    [Fact]
    public void Closed_form_mixture_ratio_equals_the_product_of_predictive_probabilities()
    {
        double a = ConfidenceSequence.PriorA, b = ConfidenceSequence.PriorB, p = 0.03;
        var rng = new Random(5);
        double logM = 0;
        long k = 0;
        for (int n = 0; n < 5000; n++)
        {
            bool x = rng.NextDouble() < 0.05;
            logM += Math.Log(x ? (a + k) / (a + b + n) : (b + n - k) / (a + b + n)) - Math.Log(x ? p : 1 - p);
            if (x) k++;
            if (n % 997 == 0 || n == 4999) Assert.Equal(logM, ConfidenceSequence.LogMixtureRatio(k, n + 1, p), 1e-8);
        }
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(0, 300_000)]
    [InlineData(3, 1000)]
    [InlineData(500, 1000)]
    [InlineData(999, 1000)]
    [InlineData(1000, 1000)]
    [InlineData(17, 1_000_000)]
    public void Interval_ends_are_where_the_mixture_ratio_reaches_20(long k, long n)
    {
        var (low, high) = ConfidenceSequence.Interval95(k, n);
        double phat = (double)k / n;
        Assert.InRange(phat, low, high);
        Assert.True(ConfidenceSequence.LogMixtureRatio(k, n, phat) < ConfidenceSequence.Boundary);
        if (k == 0) Assert.Equal(0, low);
        else
        {
            Assert.Equal(ConfidenceSequence.Boundary, ConfidenceSequence.LogMixtureRatio(k, n, low), 1e-6);
            Assert.True(ConfidenceSequence.LogMixtureRatio(k, n, low * 0.999) > ConfidenceSequence.Boundary);
        }
        if (k == n) Assert.Equal(1, high);
        else
        {
            Assert.Equal(ConfidenceSequence.Boundary, ConfidenceSequence.LogMixtureRatio(k, n, high), 1e-6);
            Assert.True(ConfidenceSequence.LogMixtureRatio(k, n, high + (1 - high) * 1e-3) > ConfidenceSequence.Boundary);
        }
    }

    /// <summary>
    /// The price of looking whenever one likes: wider than the fixed-n exact interval, by a bounded factor where it matters
    /// (none seen: ≈ 4.3/n against Clopper–Pearson's 3.0/n at 3·10^5).
    /// </summary>
    [Fact]
    public void Sequence_is_wider_than_clopper_pearson_by_a_modest_factor_for_rare_shares()
    {
        foreach (long n in new long[] { 1000, 300_000, 1_000_000 })
        {
            double cs = ConfidenceSequence.Interval95(0, n).High, cp = ClopperPearson.Upper95(0, n);
            Assert.InRange(cs / cp, 1.0, 1.6);
        }
        Assert.InRange(ConfidenceSequence.Interval95(0, 300_000).High * 300_000, 4.2, 4.4);
        var (lo, hi) = ConfidenceSequence.Interval95(500, 1000);
        var cp95 = ClopperPearson.Interval95(500, 1000);
        Assert.True(lo < cp95.Low && hi > cp95.High);
    }
}

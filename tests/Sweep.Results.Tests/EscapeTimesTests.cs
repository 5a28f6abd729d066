using Sweep.Numerics.Integration;
using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

/// <summary>docs/laws.md: survival curves, Hill tail exponents, median intervals and the power-law fit, each against an independent computation.</summary>
public class EscapeTimesTests
{
    private static EventTime Obs(double t) => new(t, false);

    /// <summary>P(X ≥ k) for X ~ Bin(n, p), summed term by term (independent of ClopperPearson's tail code).</summary>
    private static double UpperTail(int k, int n, double p)
    {
        double s = 0;
        for (int j = k; j <= n; j++) s += Math.Exp(LogChoose(n, j) + j * Math.Log(p) + (n - j) * Math.Log(1 - p));
        return s;
    }

    private static double LogChoose(int n, int k)
    {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.Log(n - k + i) - Math.Log(i);
        return s;
    }

    [Fact]
    public void Survival_counts_the_samples_still_waiting_and_its_bands_are_the_exact_binomial_ends()
    {
        var times = new[] { Obs(3), Obs(1), Obs(2), Obs(2), Obs(double.PositiveInfinity), Obs(5), Obs(4), Obs(7), Obs(6), Obs(9) };
        var (steps, until) = SurvivalCurve.Compute(times);
        Assert.Equal(double.PositiveInfinity, until);
        Assert.Equal(new double[] { 0, 1, 2, 3, 4, 5, 6, 7, 9 }, steps.Select(s => s.Time));
        Assert.Equal(new long[] { 10, 9, 7, 6, 5, 4, 3, 2, 1 }, steps.Select(s => s.Survivors));   // the saddle (+∞) never leaves
        foreach (var s in steps.Where(s => s.Survivors is > 0 and < 10))
        {
            int k = (int)s.Survivors;
            Assert.Equal(0.025, UpperTail(k, 10, s.Low), 9);          // P(X ≥ k | low) = 2.5%
            Assert.Equal(0.025, 1 - UpperTail(k + 1, 10, s.High), 9); // P(X ≤ k | high) = 2.5%
        }
        Assert.Equal(Math.Pow(0.025, 0.1), steps[0].Low, 12);
    }

    [Fact]
    public void Survival_stops_at_the_earliest_censoring()
    {
        var times = new[] { Obs(1), Obs(2), new EventTime(2.5, true), Obs(3), new EventTime(10, true) };
        var (steps, until) = SurvivalCurve.Compute(times);
        Assert.Equal(2.5, until);
        Assert.Equal(new double[] { 0, 1, 2 }, steps.Select(s => s.Time));
        Assert.Equal(3, steps[^1].Survivors);
    }

    [Fact]
    public void Hill_matches_a_hand_computation_and_chi_square_table_quantiles()
    {
        // n = 60, so k = 6: the 7th largest is 1, the top six e^1..e^6: Σ ln(X/1) = 21, α̂ = 6/21.
        var times = Enumerable.Repeat(0.5, 53).Append(1.0).Concat(Enumerable.Range(1, 6).Select(i => Math.Exp(i))).Select(Obs).ToArray();
        var h = HillEstimator.Compute(times)!;
        Assert.Equal(6, h.K);
        Assert.Equal(6.0 / 21, h.Alpha, 12);
        // Gamma(6, 1) quantiles are χ²₁₂ / 2: 4.40379 / 2 and 23.3367 / 2 (tables).
        Assert.Equal(4.40379 / 2 / 21, h.Low, 5);
        Assert.Equal(23.3367 / 2 / 21, h.High, 4);
        Assert.Null(HillEstimator.Compute(times.Append(new EventTime(1e9, true)).ToArray()));
    }

    [Fact]
    public void Hill_interval_holds_the_index_of_a_pareto_sample()
    {
        var rng = new Random(7);
        var times = Enumerable.Range(0, 2000).Select(_ => Obs(Math.Pow(1 - rng.NextDouble(), -1 / 0.8))).ToArray();  // P(T > t) = t^−0.8
        var h = HillEstimator.Compute(times)!;
        Assert.Equal(200, h.K);
        Assert.InRange(0.8, h.Low, h.High);
        Assert.InRange(h.Alpha, 0.6, 1.0);
    }

    [Fact]
    public void Median_interval_ranks_match_the_binomial_table_and_respect_censoring()
    {
        // From a direct sum of C(n, j) / 2^n (Python's math.comb): n = 6 → (1, 6), 50 → (18, 33), 200 → (86, 115).
        Assert.Equal((1L, 6L), MedianInterval.Ranks(6));
        Assert.Equal((18L, 33L), MedianInterval.Ranks(50));
        Assert.Equal((86L, 115L), MedianInterval.Ranks(200));
        Assert.Equal((0L, 6L), MedianInterval.Ranks(5));
        var times = Enumerable.Range(1, 50).Select(i => Obs(i)).ToList();
        var m = MedianInterval.Compute(times)!;
        Assert.Equal(25.5, m.Median);
        Assert.Equal(18, m.Low);
        Assert.Equal(33, m.High);
        times[49] = new EventTime(40, true);       // censored above X₍33₎: still known
        Assert.Equal(33, MedianInterval.Compute(times)!.High);
        times[49] = new EventTime(30, true);       // censored below X₍33₎: unknown
        Assert.Null(MedianInterval.Compute(times));
    }

    [Fact]
    public void Weighted_fit_matches_hand_computations()
    {
        var exact = PowerLawFit.Weighted([0, 1, 2, 3], [2, -1, -4, -7], [1, 4, 1, 2])!;
        Assert.Equal(-3, exact.Slope, 12);
        Assert.Equal(2, exact.Intercept, 12);
        Assert.Equal(0, exact.ChiSquare, 12);
        // x = 0, 1, 2; y = 0, 1, 3; unit weights: slope 3/2, intercept −1/6, χ² = 1/6 < dof = 1, se = √(1/Sxx) = √½.
        var f = PowerLawFit.Weighted([0, 1, 2], [0, 1, 3], [1, 1, 1])!;
        Assert.Equal(1.5, f.Slope, 12);
        Assert.Equal(-1.0 / 6, f.Intercept, 12);
        Assert.Equal(1.0 / 6, f.ChiSquare, 12);
        Assert.Equal(Math.Sqrt(0.5), f.SlopeSe, 12);
        // Scaled ×10 (χ² = 100/6 > 1): the interval widens by √(χ²/dof).
        var g = PowerLawFit.Weighted([0, 1, 2], [0, 10, 30], [1, 1, 1])!;
        Assert.Equal(Math.Sqrt(0.5) * Math.Sqrt(100.0 / 6), g.SlopeSe, 10);
        Assert.Equal(15 - 1.96 * g.SlopeSe, g.SlopeLow, 10);
    }

    [Fact]
    public void First_escape_reads_the_itinerary()
    {
        Assert.Equal(41.2, EventTime.FirstEscape("{}@0 {0}@41.2 {0,1}@120.5"));
        Assert.Equal(0, EventTime.FirstEscape("{1}@0 {0,1}@3"));
        Assert.Null(EventTime.FirstEscape("{}@0"));
        var r = new SampleRecord { Itinerary = "{}@0", StopTime = 99, Outcome = Outcome.Unresolved, GlobalTime = double.NaN };
        Assert.Equal(new EventTime(99, true), EventTime.FirstEscape(r));
        Assert.Equal(new EventTime(99, true), EventTime.Global(r));
        Assert.Null(EventTime.FirstEscape(new SampleRecord()));
        Assert.Equal(new EventTime(5, false), EventTime.Global(new SampleRecord { Outcome = Outcome.Global, GlobalTime = 5 }));
    }
}

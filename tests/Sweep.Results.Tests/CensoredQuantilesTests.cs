using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

public class CensoredQuantilesTests
{
    private static readonly double[] Ps = [0, 0.001, 0.01, 0.1, 0.25, 0.333, 0.5, 0.6, 0.75, 0.9, 0.99, 0.999, 1];

    /// <summary>
    /// The reference: Hyndman–Fan type 7 over all n values sorted ascending with the censored ones as +∞;
    /// null when the interpolation touches +∞ (numpy would give inf or nan) and for n = 0.
    /// </summary>
    private static double? Type7(IReadOnlyList<double> observed, long censored, double p) => Type7(WithCensored(observed, censored), p);

    private static double[] WithCensored(IReadOnlyList<double> observed, long censored) =>
        observed.Order().Concat(Enumerable.Repeat(double.PositiveInfinity, (int)censored)).ToArray();

    private static double? Type7(double[] all, double p)
    {
        if (all.Length == 0) return null;
        double h = p * (all.Length - 1);
        int lo = (int)Math.Floor(h);
        double g = h - lo;
        double value = g == 0 ? all[lo] : all[lo] + g * (all[lo + 1] - all[lo]);
        return double.IsFinite(value) ? value : null;
    }

    private static CensoredQuantiles Build(IEnumerable<double> observed, long censored, double scale = 1000, int capacity = CensoredQuantiles.DefaultExactCapacity)
    {
        var q = new CensoredQuantiles(scale, capacity);
        foreach (var t in observed) q.Add(t);
        q.AddCensored(censored);
        return q;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(5, 0)]
    [InlineData(17, 0)]
    [InlineData(100, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(10, 7)]
    [InlineData(60, 40)]
    [InlineData(101, 3)]
    [InlineData(0, 5)]
    public void Exact_quantiles_equal_type_7_with_censored_samples_at_infinity(int observed, int censored)
    {
        var rng = new Random(observed * 31 + censored);
        var times = Enumerable.Range(0, observed).Select(_ => Math.Round(rng.NextDouble() * 100, rng.Next(4))).ToList();   // some ties
        var q = Build(times, censored);
        Assert.True(q.IsExact);
        Assert.Equal((observed, observed + censored), (q.Observed, q.Total));
        foreach (var p in Ps.Concat(Enumerable.Range(0, 101).Select(i => i / 100.0)))
        {
            double? expected = Type7(times, censored, p), actual = q.Quantile(p);
            Assert.Equal(expected.HasValue, actual.HasValue);
            if (expected is double e) Assert.Equal(BitConverter.DoubleToInt64Bits(e), BitConverter.DoubleToInt64Bits(actual!.Value));
        }
    }

    [Fact]
    public void Without_censoring_it_is_the_existing_numpy_quantile_bit_for_bit()
    {
        var rng = new Random(3);
        var times = Enumerable.Range(0, 999).Select(_ => rng.NextDouble() * 50).ToList();
        var q = Build(times, 0);
        var sorted = times.Order().ToList();
        foreach (var p in Ps)
            Assert.Equal(Proportions.Quantile(sorted, p), q.Quantile(p));
    }

    [Fact]
    public void Sixty_percent_hit_has_a_median_but_no_ninetieth_percentile()
    {
        var q = new CensoredQuantiles(scale: 500);
        for (int i = 0; i < 600; i++) q.Add(1 + i * 0.5);
        q.AddCensored(400);
        Assert.Equal(1000, q.Total);
        Assert.Equal(600, q.Observed);
        Assert.Equal(1 + 99.9 * 0.5, q.Quantile(0.1)!.Value, 12);     // h = 99.9
        Assert.Equal(1 + 499.5 * 0.5, q.Quantile(0.5)!.Value, 12);    // h = 499.5
        Assert.Null(q.Quantile(0.9));                                   // h = 899.1: censored
        Assert.Null(q.Quantile(0.6));                                   // h = 599.4 needs the 601st: censored
        Assert.Equal(1 + 598.9005 * 0.5, q.Quantile(0.5995)!.Value, 12); // h = 598.9005: the last two observed
    }

    [Fact]
    public void No_sample_or_only_censored_samples_give_no_quantile()
    {
        var empty = new CensoredQuantiles(10);
        Assert.Equal(0, empty.Total);
        foreach (var p in Ps) Assert.Null(empty.Quantile(p));
        var censored = new CensoredQuantiles(10);
        censored.AddCensored();
        censored.AddCensored(41);
        Assert.Equal((0L, 42L), (censored.Observed, censored.Total));
        foreach (var p in Ps) Assert.Null(censored.Quantile(p));
    }

    [Fact]
    public void Bad_input_throws()
    {
        var q = new CensoredQuantiles(10);
        foreach (var t in new[] { -1e-300, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            Assert.Throws<ArgumentOutOfRangeException>(() => q.Add(t));
        foreach (var p in new[] { -0.01, 1.01, double.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => q.Quantile(p));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.AddCensored(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CensoredQuantiles(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CensoredQuantiles(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CensoredQuantiles(1, exactCapacity: 0));
        Assert.Throws<ArgumentException>(() => q.Merge(new CensoredQuantiles(11)));
        Assert.Equal(0, q.Total);
    }

    private static long[] Bits(CensoredQuantiles q) =>
        Ps.Concat(Enumerable.Range(1, 199).Select(i => i / 200.0)).Select(p => q.Quantile(p) is double v ? BitConverter.DoubleToInt64Bits(v) : long.MinValue).ToArray();

    [Theory]
    [InlineData(500, 1000)]         // exact
    [InlineData(2500, 1000)]        // exact parts, merged into a histogram
    [InlineData(50_000, 1000)]      // histogram
    public void The_order_of_adding_and_merging_does_not_change_a_bit(int count, int capacity)
    {
        var rng = new Random(11);
        var times = Enumerable.Range(0, count).Select(_ => rng.NextDouble() < 0.01 ? 0.0 : Math.Exp(rng.NextDouble() * 8)).ToList();
        times.Add(-0.0);
        long censored = count / 3;
        var reference = Bits(Build(times, censored, 3000, capacity));
        for (int round = 0; round < 3; round++)
        {
            var shuffled = times.OrderBy(_ => rng.Next()).ToList();
            Assert.Equal(reference, Bits(Build(shuffled, censored, 3000, capacity)));
            // Split among "workers" and merged in some order.
            int workers = 2 + round * 3;
            var parts = Enumerable.Range(0, workers).Select(w => Build(shuffled.Where((_, i) => i % workers == w), w == 0 ? censored : 0, 3000, capacity)).ToList();
            var merged = new CensoredQuantiles(3000, capacity);
            foreach (var part in parts.OrderBy(_ => rng.Next())) merged.Merge(part);
            Assert.Equal(reference, Bits(merged));
            Assert.Equal(count + 1 + censored, merged.Total);
        }
    }

    [Fact]
    public void It_switches_to_the_histogram_after_the_exact_capacity()
    {
        var q = new CensoredQuantiles(100, exactCapacity: 10);
        for (int i = 1; i <= 10; i++) q.Add(i);
        Assert.True(q.IsExact);
        Assert.Equal(10, q.StoredCount);
        Assert.Equal(5.5, q.Quantile(0.5));
        q.Add(11);
        Assert.False(q.IsExact);
        Assert.Equal(11, q.StoredCount);                 // 11 distinct bins
        Assert.Equal(6, q.Quantile(0.5)!.Value, 6e-3);   // within 1e-3 relative
    }

    [Fact]
    public void Beyond_the_exact_capacity_quantiles_are_within_the_stated_relative_error()
    {
        // 200 000 log-normal times (median 100, σ = 1.5) with a horizon of 5000: those beyond it are censored.
        var rng = new Random(2024);
        const double horizon = 5000;
        var all = Enumerable.Range(0, 200_000).Select(_ =>
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            return 100 * Math.Exp(1.5 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }).ToList();
        var observed = all.Where(t => t <= horizon).ToList();
        long censored = all.Count - observed.Count;
        Assert.InRange(censored, 500, 10_000);                 // P(T > 5000) ≈ 0.5%
        var q = Build(observed, censored, horizon);
        Assert.False(q.IsExact);
        var sorted = WithCensored(observed, censored);
        double worst = 0;
        foreach (var p in Enumerable.Range(0, 1001).Select(i => i / 1000.0))
        {
            double? expected = Type7(sorted, p), actual = q.Quantile(p);
            Assert.Equal(expected.HasValue, actual.HasValue);
            if (expected is double e)
                worst = Math.Max(worst, Math.Abs(actual!.Value - e) / e);
        }
        Assert.True(worst <= CensoredQuantiles.RelativeBinWidth * (1 + 1e-9), $"worst relative error {worst}");
        Assert.True(worst > 0);            // the histogram is really in use
    }

    [Fact]
    public void Zeros_tiny_times_and_times_past_the_horizon_have_their_own_bins()
    {
        // Nine times, so that p = i/8 hits order statistic i exactly.
        var q = new CensoredQuantiles(1, exactCapacity: 4);
        foreach (var t in new[] { 3.0, 0.0, 0.5, 0.0, 1e-15, 0.25, 0.0, 3e-15, 2.0 }) q.Add(t);
        Assert.False(q.IsExact);
        Assert.Equal(0.0, q.Quantile(0));
        Assert.Equal(0.0, q.Quantile(2.0 / 8));                             // third order statistic: exact zero
        Assert.InRange(q.Quantile(3.0 / 8)!.Value, 1e-15, 3e-15);           // the (0, 1e-12 scale) bin: between its extremes
        Assert.Equal(0.25, q.Quantile(5.0 / 8)!.Value, 0.25e-3);
        Assert.Equal(0.5, q.Quantile(6.0 / 8)!.Value, 0.5e-3);
        Assert.InRange(q.Quantile(7.0 / 8)!.Value, 2.0, 3.0);               // beyond the horizon: between the extremes seen
        Assert.InRange(q.Quantile(1)!.Value, 2.0, 3.0);
    }

    [Fact]
    public void Memory_does_not_grow_with_the_number_of_samples()
    {
        var q = new CensoredQuantiles(scale: 1e4);
        var rng = new Random(9);
        double Next() => Math.Exp(rng.NextDouble() * 20 - 10);                 // 4.5e-5 .. 2.2e4: 9 decades
        for (int i = 0; i < 1_000_000; i++) q.Add(Next());
        int bins = q.StoredCount;
        Assert.False(q.IsExact);
        Assert.True(bins <= q.LogBins + 3);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000_000; i++) q.Add(Next());
        q.AddCensored(100_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2_000_000, q.Observed);
        Assert.Equal(102_000_000, q.Total);
        Assert.True(q.StoredCount <= q.LogBins + 3, $"{q.StoredCount} stored");
        Assert.True(q.StoredCount - bins < 10, $"{q.StoredCount - bins} new bins");   // the first million covered the range
        Assert.True(allocated < 1_000_000, $"{allocated} bytes allocated for 1e6 adds");  // 8 MB if the times were kept
        Assert.Equal(27_645, q.LogBins);
    }
}

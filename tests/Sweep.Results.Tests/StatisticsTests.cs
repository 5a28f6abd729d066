using Sweep.Results.Statistics;
using Sweep.Results;

namespace Sweep.Results.Tests;

public class StatisticsTests
{
    [Theory]
    // Reference values evaluated separately (5 digits); the contract example 188/1000 → [0.165, 0.213].
    [InlineData(188, 1000, 0.16499, 0.21339)]
    [InlineData(0, 10, 0.0, 0.27753)]
    [InlineData(10, 10, 0.72247, 1.0)]
    [InlineData(5, 20, 0.11186, 0.46870)]
    public void Wilson_interval_matches_reference_values(long k, long n, double low, double high)
    {
        var (l, h) = Proportions.Wilson(k, n);
        Assert.Equal(low, l, 4);
        Assert.Equal(high, h, 4);
    }

    [Theory]
    [InlineData(3, 40)]
    [InlineData(17, 60)]
    [InlineData(999, 1000)]
    public void Wilson_bounds_solve_the_score_equation(long k, long n)
    {
        // The Wilson interval is the set of p with |p̂ − p| ≤ z √(p(1−p)/n): both ends satisfy it with equality.
        var (low, high) = Proportions.Wilson(k, n);
        double ph = (double)k / n, z = Proportions.Z95;
        foreach (var b in new[] { low, high })
            Assert.Equal((ph - b) * (ph - b), z * z * b * (1 - b) / n, 12);
    }

    [Fact]
    public void Upper_bound_with_none_observed_is_the_clopper_pearson_rule_of_three()
    {
        Assert.Equal(1 - Math.Pow(0.05, 1.0 / 1000), Proportions.Upper95(0, 1000), 12);
        Assert.InRange(Proportions.Upper95(0, 1000), 0.0029, 0.0031);
        // Exact check: (1 − p)^n = 0.05 at the bound.
        double p = Proportions.Upper95(0, 37);
        Assert.Equal(0.05, Math.Pow(1 - p, 37), 12);
    }

    [Fact]
    public void Upper_bound_with_some_observed_is_the_one_sided_wilson_bound()
    {
        // The contract's example: 188 of 1000 → 0.209.
        Assert.Equal(0.2092, Proportions.Upper95(188, 1000), 3);
    }

    [Fact]
    public void Quantiles_interpolate_linearly_like_numpy()
    {
        double[] x = [1, 2, 3, 4, 10];
        Assert.Equal(1.4, Proportions.Quantile(x, 0.1), 12);
        Assert.Equal(3, Proportions.Quantile(x, 0.5), 12);
        Assert.Equal(7.6, Proportions.Quantile(x, 0.9), 12);
        Assert.Equal(5, Proportions.Quantile([5.0], 0.9));
    }

    private static SampleRecord R(long i, int status, string label, double hit = double.NaN) =>
        new() { Point = 0, Sample = i, Status = (Sweep.Numerics.Integration.SampleStatus)(status), Label = label, FinalLoss = 0, CriticalValue = label == "{0,1}" ? 0 : 0.5, StopTime = 1, HitTime = hit, Steps = 1, RhsEvaluations = 1, GradientNorm = 0, InvariantDrift = 0 };

    [Fact]
    public void Point_statistics_count_labels_statuses_and_hits_and_ignore_duplicates()
    {
        var s = new PointStatistics(0, "{0,1}");
        Assert.True(s.Add(R(0, 0, "{0,1}", 3)));
        Assert.True(s.Add(R(1, 0, "{0,1}", 1)));
        Assert.True(s.Add(R(2, 1, "{0}")));
        Assert.True(s.Add(R(3, 2, "")));
        Assert.False(s.Add(R(1, 0, "{0,1}", 1)));
        var sum = s.Summarize();
        Assert.Equal(4, sum.Samples);
        Assert.Equal((2, 1, 1), (sum.Converged, sum.Horizon, sum.Diverged));
        Assert.Equal(["{0}", "{0,1}"], sum.Labels.Select(l => l.Label));
        Assert.Equal(2.0 / 4, sum.GlobalFraction!.Value, 12);       // of all samples
        Assert.Equal(2.0 / 4, sum.Labels[1].Fraction, 12);
        Assert.Equal(Proportions.Wilson(2, 4), sum.Labels[1].Ci95);
        Assert.Equal(1.0 / 3, sum.SaddleMass!.Estimate, 12);         // of the non-diverged samples
        Assert.Equal(2, sum.HitTimes.Count);
        Assert.Equal(2, sum.HitTimes.P50);
    }

    [Fact]
    public void Out_of_order_results_give_the_same_summary()
    {
        var records = Enumerable.Range(0, 50).Select(i => R(i, (byte)(i % 7 == 0 ? 1 : 0), i % 5 == 0 ? "{0}" : "{0,1}", i % 5 == 0 ? double.NaN : i)).ToList();
        var a = new PointStatistics(0, "{0,1}");
        foreach (var r in records) a.Add(r);
        var b = new PointStatistics(0, "{0,1}");
        foreach (var r in records.AsEnumerable().Reverse().Concat(records.Take(10))) b.Add(r);
        var (sa, sb) = (a.Summarize(), b.Summarize());
        Assert.Equal(sa.Labels, sb.Labels);
        Assert.Equal(sa.HitTimes, sb.HitTimes);
        Assert.Equal(sa.SaddleMass, sb.SaddleMass);
    }

    [Fact]
    public void Statistics_kept_as_samples_arrive_match_a_recount_and_live_summaries_skip_only_the_quantiles()
    {
        var rng = new Random(5);
        var samples = Enumerable.Range(0, 500).Select(i => new Sweep.Results.SampleRecord() { Point = 0, Sample = i, Status = (Sweep.Numerics.Integration.SampleStatus)(i % 7 == 0 ? 2 : i % 5 == 0 ? 1 : 0), Label = i % 7 == 0 ? "" : i % 3 == 0 ? "{0}" : "{0,1}", FinalLoss = 0, CriticalValue = i % 3 == 0 ? 0.5 : 0, StopTime = 10, HitTime = i % 4 == 0 ? double.NaN : rng.NextDouble() * 100, Steps = 10, RhsEvaluations = 60, GradientNorm = 1e-7, InvariantDrift = 1e-9 }).OrderBy(_ => rng.Next()).ToList();
        var incremental = new Sweep.Results.Statistics.PointStatistics(0, "{0,1}");
        foreach (var (s, i) in samples.Select((s, i) => (s, i)))
        {
            incremental.Add(s);
            if (i % 97 == 0) incremental.Summarize();          // summaries in between must not disturb later ones
        }
        Assert.False(incremental.Add(samples[3]));              // counted once
        var recount = new Sweep.Results.Statistics.PointStatistics(0, "{0,1}");
        foreach (var s in samples.OrderBy(s => s.Sample)) recount.Add(s);
        var a = incremental.Summarize();
        var b = recount.Summarize();
        Assert.Equal(b.Labels, a.Labels);
        Assert.Equal(b.HitTimes, a.HitTimes);
        Assert.Equal((b.Converged, b.Horizon, b.Diverged, b.SaddleMass), (a.Converged, a.Horizon, a.Diverged, a.SaddleMass));
        var hits = samples.Where(s => s.Status != Sweep.Numerics.Integration.SampleStatus.Diverged && !double.IsNaN(s.HitTime)).Select(s => s.HitTime).OrderBy(x => x).ToList();
        Assert.Equal(Sweep.Results.Statistics.Proportions.Quantile(hits, 0.5), a.HitTimes.P50);
        var live = incremental.Summarize(hitQuantiles: false);
        Assert.Equal(a.Labels, live.Labels);
        Assert.Equal(a.SaddleMass, live.SaddleMass);
        Assert.Equal(hits.Count, live.HitTimes.Count);
        Assert.Null(live.HitTimes.P50);
    }
}

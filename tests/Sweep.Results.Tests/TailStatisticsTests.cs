using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

public class TailStatisticsTests
{
    /// <summary>numpy's default (type 7) quantile of a sorted array.</summary>
    private static double Type7(double[] sorted, double p)
    {
        double h = p * (sorted.Length - 1);
        int lo = (int)Math.Floor(h);
        return lo + 1 < sorted.Length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
    }

    [Fact]
    public void Rate_quantiles_of_either_sign_match_a_direct_type_7_computation()
    {
        var rng = new Random(4);
        var rates = Enumerable.Range(0, 137).Select(i => i % 5 == 0 ? -rng.NextDouble() * 0.01 : i % 7 == 0 ? 0 : rng.NextDouble() * 3).ToArray();
        var s = new TailStatistics();
        foreach (var r in rates) s.Add(new SampleRecord { TailRate = r });
        s.Add(new SampleRecord());                                  // no rate: not counted
        var sorted = rates.Order().ToArray();
        Assert.Equal(rates.Length, s.Rates);
        Assert.Equal(rates.Length + 1, s.Folded);
        foreach (var p in new[] { 0, 0.1, 0.5, 0.9, 1 }) Assert.Equal(Type7(sorted, p), s.Rate(p)!.Value, 15);
        Assert.Null(new TailStatistics().Rate(0.5));
    }

    [Fact]
    public void Invariant_summary_is_the_extremes_and_the_median_largest_magnitude()
    {
        var s = new TailStatistics();
        s.Add(new SampleRecord { InvariantEigenvalues = "-0.5:0.25 -0.1:0.1" });   // max |λ| 0.5
        s.Add(new SampleRecord { InvariantEigenvalues = "-0.01:0.75" });           // 0.75
        s.Add(new SampleRecord { InvariantEigenvalues = "0:0.125" });              // 0.125
        s.Add(new SampleRecord());
        var inv = s.Summarize(rates: false, invariants: true)!.Invariants!;
        Assert.Equal(new InvariantSummary(3, -0.5, 0.75, 0.5), inv);
        Assert.Null(s.Summarize(rates: false, invariants: true)!.TailRate);
        Assert.Null(s.Summarize(false, false));
    }
}

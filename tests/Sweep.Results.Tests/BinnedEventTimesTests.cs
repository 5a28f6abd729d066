using Sweep.Numerics.Integration;
using Sweep.Results.Statistics;
using Xunit.Abstractions;

namespace Sweep.Results.Tests;

/// <summary>
/// docs/laws.md, *From binned times*: the survival curve, Hill exponent and median read from a point's merged statistics
/// (shards binned, encoded, decoded and merged as an aggregate store keeps them) agree with the same laws computed from
/// every record of the same samples, within the documented bounds, and the Hill interval covers a known Pareto index.
/// </summary>
public class BinnedEventTimesTests(ITestOutputHelper output)
{
    private const double Horizon = GradientFlowSettings.UnboundedTimeScale;   // no horizon, as the atlas
    private static readonly double Epsilon = Math.Log(1 + CensoredQuantiles.RelativeBinWidth);

    /// <summary>
    /// <paramref name="n"/> samples: certified global at an exact Pareto time (P(T &gt; t) = t^−α, t ≥ 1), except every
    /// <paramref name="every"/>-th, which alternates between a certified saddle and an unresolved sample stopped by its
    /// budget at 40 + its index (so c_min = 40 + the first such index).
    /// </summary>
    private static List<SampleRecord> Sample(int n, double alpha, int seed, int every = 0)
    {
        var rng = new Random(seed);
        var records = new List<SampleRecord>(n);
        for (int i = 0; i < n; i++)
        {
            double t = Math.Pow(1 - rng.NextDouble(), -1 / alpha);
            records.Add(every > 0 && i % every == every - 1
                ? (i / every) % 2 == 0
                    ? new SampleRecord { Point = 0, Sample = i, Status = SampleStatus.Converged, Outcome = Outcome.Saddle, Label = "{0,1}", StopTime = t }
                    : new SampleRecord { Point = 0, Sample = i, Status = SampleStatus.Budget, Outcome = Outcome.Unresolved, Label = "{0,1,2}", StopTime = 40 + i }
                : new SampleRecord { Point = 0, Sample = i, Status = SampleStatus.Converged, Outcome = Outcome.Global, Label = "{0,1,2,3}", StopTime = t, GlobalTime = t });
        }
        return records;
    }

    /// <summary>The point's statistics as an aggregate store gives them: shards of 1 000 binned, encoded, decoded, merged.</summary>
    private static BinnedEventTimes Stored(IReadOnlyList<SampleRecord> records)
    {
        var point = new PointStatistics(0, "{0,1,2,3}", Horizon, flow: true);
        foreach (var shard in records.Chunk(1000))
            point.Merge(PointStatistics.Decode(0, Horizon, PointStatistics.OfShard(0, Horizon, shard).Encode()));
        return point.GlobalEventTimes()!;
    }

    private static long SurvivorsAt(IReadOnlyList<SurvivalStep> steps, double t) => steps.Last(s => s.Time <= t).Survivors;

    /// <summary>
    /// The median interval exists only when X₍u₎ lies before every censoring time. With c_min inside X₍u₎'s bin, the
    /// bin's midpoint can fall before c_min while the exact X₍u₎ falls after it: decided on the bin's upper edge, the
    /// binned interval is refused as the record one is (a review's case: n = 100, ranks 40 and 61).
    /// </summary>
    [Fact]
    public void A_median_interval_whose_upper_end_shares_a_bin_with_the_earliest_censoring_is_refused_as_from_records()
    {
        var (low, high) = MedianInterval.Ranks(100);
        Assert.Equal((40L, 61L), (low, high));
        const double cmin = 100.09, late = 100.12;     // one log bin, [100.0319, 100.1319), holds both
        var records = new List<SampleRecord>();
        for (int i = 0; i < 100; i++)
            records.Add(i < 55 ? new SampleRecord { Point = 0, Sample = i, Status = SampleStatus.Converged, Outcome = Outcome.Global, Label = "{0,1,2,3}", StopTime = 1.0, GlobalTime = 1.0 }
                : i < 70 ? new SampleRecord { Point = 0, Sample = i, Status = SampleStatus.Converged, Outcome = Outcome.Global, Label = "{0,1,2,3}", StopTime = late, GlobalTime = late }
                : new SampleRecord { Point = 0, Sample = i, Status = SampleStatus.Budget, Outcome = Outcome.Unresolved, Label = "{0,1,2}", StopTime = cmin + (i - 70) });
        Assert.Null(MedianInterval.Compute(records.Select(EventTime.Global).ToList()));
        var binned = Stored(records);
        Assert.False(binned.Exact);
        Assert.Equal(cmin, binned.EarliestCensoring);
        // The premise: X₍61₎ is read before c_min inside its bin, while the exact time and the bin's edge are after it.
        Assert.True(binned.OrderStatistic(high - 1) < cmin, $"X(61) read at {binned.OrderStatistic(high - 1):R}");
        Assert.True(binned.OrderStatisticBound(high - 1) >= late);
        Assert.Null(MedianInterval.Compute(binned));
    }

    [Fact]
    public void Binned_hill_and_median_agree_with_the_record_laws_within_the_bin_bound_and_cover_the_known_index()
    {
        const double alpha = 1.5;
        var records = Sample(200_000, alpha, seed: 24);
        var exact = records.Select(EventTime.Global).ToList();
        var binned = Stored(records);
        Assert.False(binned.Exact);
        Assert.Equal(exact.Count, binned.N);

        foreach (int? k in new int?[] { null, HillEstimator.DeepTailK(binned.N) })
        {
            var r = HillEstimator.Compute(exact, k)!;
            var b = HillEstimator.Compute(binned, k)!;
            Assert.Equal(r.K, b.K);
            Assert.Equal(k ?? 20_000, b.K);
            Assert.InRange(b.LogSpread!.Value, 0.99 * Epsilon, Epsilon * (1 + 1e-9));
            // |γ̂_binned − γ̂| ≤ ε, so α̂ and both interval ends move by a relative α̂ε/(1 − α̂ε) at most.
            double bound = r.Alpha * b.LogSpread.Value / (1 - r.Alpha * b.LogSpread.Value);
            output.WriteLine($"k = {b.K}: α̂ {r.Alpha:R} (records) vs {b.Alpha:R} (bins), relative {b.Alpha / r.Alpha - 1:E2}, bound {bound:E2}; interval [{b.Low:F4}, {b.High:F4}]");
            Assert.InRange(b.Alpha / r.Alpha - 1, -bound, bound);
            Assert.InRange(b.Low / r.Low - 1, -bound, bound);
            Assert.InRange(b.High / r.High - 1, -bound, bound);
            Assert.InRange(Math.Log(b.Threshold / r.Threshold), -Epsilon / 2, Epsilon / 2);
            // Positive control: exact Pareto times, so the interval is exact and holds the index (this seed).
            Assert.InRange(alpha, b.Low, b.High);
        }

        var mr = MedianInterval.Compute(exact)!;
        var mb = MedianInterval.Compute(binned)!;
        Assert.Equal((mr.LowRank, mr.HighRank), (mb.LowRank, mb.HighRank));
        output.WriteLine($"median {mr.Median:R} vs {mb.Median:R}, relative {mb.Median / mr.Median - 1:E2}");
        foreach (var (x, y) in new[] { (mr.Median, mb.Median), (mr.Low, mb.Low), (mr.High, mb.High) })
            Assert.InRange(y / x - 1, -CensoredQuantiles.RelativeBinWidth, CensoredQuantiles.RelativeBinWidth);
        Assert.InRange(Math.Pow(2, 1 / alpha), mb.Low, mb.High);   // the population median of this Pareto law
    }

    [Fact]
    public void Binned_survival_is_exact_at_bin_edges_and_within_one_bin_between_with_saddles_and_censoring_as_the_records()
    {
        var records = Sample(20_000, 1.2, seed: 2024, every: 97);   // the record curve costs a Clopper–Pearson band per time
        var exact = records.Select(EventTime.Global).ToList();
        var binned = Stored(records);
        Assert.Equal(103, binned.Never);
        Assert.Equal(103, binned.Censored);
        Assert.Equal(40 + 2 * 97 - 1, binned.EarliestCensoring);   // the first budget stop: the second special sample

        var (rs, ru) = SurvivalCurve.Compute(exact);
        var (bs, bu) = SurvivalCurve.Compute(binned);
        Assert.Equal(ru, bu);
        Assert.All(bs, s => Assert.True(s.Time <= bu));
        var times = exact.Where(e => e.Observed).Select(e => e.Time).Order().ToArray();
        long n = exact.Count;
        // At each bin edge e the binned count is #(T ≥ e), counted here from the times themselves, and it is the record
        // curve's count there, with the same exact band.
        foreach (var s in bs.Skip(1).Where((_, i) => i % 50 == 0))
        {
            long atLeast = n - times.Count(t => t < s.Time);
            Assert.Equal(atLeast, s.Survivors);
            var r = rs.Last(x => x.Time <= s.Time);   // #(T > e): the same count, no time falling exactly on an edge
            Assert.Equal(r.Survivors, s.Survivors);
            Assert.Equal((r.Low, r.High), (s.Low, s.High));
        }
        // Between edges: S(t) ≤ S_binned(t) ≤ S(t / (1 + r)), at chosen t up to c_min.
        foreach (double t in new[] { 1.0005, 1.3, 2, 3.7, 10, 25, 60, 100, 150, 230 })
        {
            long b = SurvivorsAt(bs, t);
            Assert.InRange(b, SurvivorsAt(rs, t), SurvivorsAt(rs, t / (1 + CensoredQuantiles.RelativeBinWidth)));
        }

        // Saddles and censored samples: no Hill estimate either way; the median as the records give it.
        Assert.Null(HillEstimator.Compute(exact));
        Assert.Null(HillEstimator.Compute(binned));
        var mr = MedianInterval.Compute(exact)!;
        var mb = MedianInterval.Compute(binned)!;
        Assert.InRange(mb.Median / mr.Median - 1, -1e-3, 1e-3);
        Assert.InRange(mb.High / mr.High - 1, -1e-3, 1e-3);
    }

    [Fact]
    public void Exact_statistics_give_the_record_laws_and_unknown_stops_claim_nothing_past_zero()
    {
        // Below the exact capacity the point's own statistics keep every time: the binned laws are the record ones.
        var records = Sample(1000, 0.9, seed: 5);
        var point = new PointStatistics(0, "{0,1,2,3}", Horizon, flow: true);
        foreach (var r in records) point.Add(r);
        var binned = point.GlobalEventTimes()!;
        var exact = records.Select(EventTime.Global).ToList();
        Assert.True(binned.Exact);
        Assert.Equal(SurvivalCurve.Compute(exact).Steps, SurvivalCurve.Compute(binned).Steps);
        var (hr, hb) = (HillEstimator.Compute(exact)!, HillEstimator.Compute(binned)!);
        Assert.Equal(0, hb.LogSpread);
        Assert.Equal(hr.Alpha, hb.Alpha, 12);
        Assert.Equal(hr.Threshold, hb.Threshold);
        Assert.Equal(MedianInterval.Compute(exact), MedianInterval.Compute(binned));

        // An unresolved sample that stopped converged: its stop is not stored, so c_min is 0 and only S(0) = 1 is given.
        point.Add(new SampleRecord { Point = 0, Sample = 1000, Status = SampleStatus.Converged, Outcome = Outcome.Unresolved, Label = "{0,1}", StopTime = 7 });
        var unknown = point.GlobalEventTimes()!;
        Assert.Equal(0, unknown.EarliestCensoring);
        Assert.Single(SurvivalCurve.Compute(unknown).Steps);
        Assert.Null(MedianInterval.Compute(unknown));
    }
}

using Sweep.Campaigns;
using Sweep.Numerics.Integration;
using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

public sealed class SequentialRuleTests
{
    private static PointStatistics With(long global, long unresolved, long saddle = 0, long diverged = 0)
    {
        var s = new PointStatistics(0, "{0,1}", 100, flow: true);
        long i = 0;
        void Add(long count, Outcome o)
        {
            for (long j = 0; j < count; j++)
                s.Add(new SampleRecord { Point = 0, Sample = i++, Outcome = o, Label = o == Outcome.Global ? "{0,1}" : "{0}", HitTime = double.NaN, GlobalTime = o == Outcome.Global ? 1 : double.NaN });
        }
        Add(global, Outcome.Global);
        Add(unresolved, Outcome.Unresolved);
        Add(saddle, Outcome.Saddle);
        Add(diverged, Outcome.Diverged);
        return s;
    }

    private static readonly SampleTarget Upper = new(TargetKind.SaddleUpper95, 0.01);

    [Fact]
    public void Saddle_target_is_met_once_the_anytime_upper_bound_is_below_it()
    {
        var rule = new SequentialRule(Upper, firstBatch: 100, maxSamples: 10_000);
        // k = 0: the upper end is ≈ 3.7/n here, so 0.01 needs a bit under 400 samples.
        var early = rule.Look(With(300, 0));
        Assert.Null(early.Stopped);
        Assert.InRange(early.ToGo, 1, 100);
        var met = rule.Look(With(500, 0));
        Assert.Equal(StopReason.TargetMet, met.Stopped);
        Assert.Equal(ConfidenceSequence.Interval95(0, 500).High, met.Current);
        Assert.True(met.Current <= 0.01);
        Assert.Equal(0, met.ToGo);
    }

    [Fact]
    public void Saddle_target_is_out_of_reach_once_the_anytime_lower_bound_exceeds_it()
    {
        var rule = new SequentialRule(Upper, firstBatch: 100, maxSamples: 10_000);
        var s = rule.Look(With(80, 20));
        Assert.Equal(StopReason.OutOfReach, s.Stopped);
        Assert.True(s.Low > 0.01);
        // Saddles count with the unresolved; diverged samples count in neither the share nor its denominator.
        var d = rule.Look(With(1000, 0, saddle: 3, diverged: 50));
        Assert.Equal((3L, 1003L), (d.Count, d.Of));
    }

    [Fact]
    public void Nothing_stops_before_the_first_batch_and_the_budget_stops_the_undecided()
    {
        var rule = new SequentialRule(Upper, firstBatch: 1000, maxSamples: 2000);
        Assert.Null(rule.Look(With(80, 20)).Stopped);            // would be out of reach, but only 100 of the first 1000
        Assert.Equal(900, rule.Look(With(80, 20)).ToGo);          // the rest of the first batch at least
        var undecided = rule.Look(With(1985, 15));                // 0.75%: neither bound crosses 1% at 2000
        Assert.Equal(StopReason.Budget, undecided.Stopped);
        Assert.Null(rule.Look(With(1485, 15)).Stopped);
    }

    [Fact]
    public void Halfwidth_target_looks_at_its_outcome_over_all_samples_and_is_never_out_of_reach()
    {
        var rule = new SequentialRule(new SampleTarget(TargetKind.CiHalfwidth, 0.05, Outcome.Global), firstBatch: 50, maxSamples: 100_000);
        var wide = rule.Look(With(60, 40));
        Assert.Null(wide.Stopped);
        Assert.Equal((60L, 100L), (wide.Count, wide.Of));
        Assert.Equal((wide.High - wide.Low) / 2, wide.Current, 1e-15);
        var narrow = rule.Look(With(1200, 800));
        Assert.Equal(StopReason.TargetMet, narrow.Stopped);
        Assert.True(narrow.Current <= 0.05);
    }

    /// <summary>The projection is where the rule would stop if the share stayed put: check it against looks at those counts.</summary>
    [Theory]
    [InlineData(1000, 0)]       // met already: 0 to go
    [InlineData(300, 0)]
    [InlineData(2000, 6)]       // 0.3%: met later
    [InlineData(2000, 40)]      // 2%: ruled out later
    public void Projected_samples_to_go_reach_a_decision_at_the_current_share(long n, long k)
    {
        var rule = new SequentialRule(Upper, firstBatch: 100, maxSamples: 1_000_000);
        var state = rule.Look(With(n - k, k));
        if (state.Stopped is not null) { Assert.Equal(0, state.ToGo); return; }
        long m = n + state.ToGo;
        long km = (long)Math.Round((double)k / n * m);
        var at = rule.Look(With(m - km, km));
        Assert.NotNull(at.Stopped);
        long before = (long)(m * 0.97), kb = (long)Math.Round((double)k / n * before);
        Assert.Null(rule.Look(With(before - kb, kb)).Stopped);
    }
}

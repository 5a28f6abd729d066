using Sweep.Numerics.Integration;
using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

/// <summary>Samples stopped by their step budget are censored at their own stop (runs without a horizon).</summary>
public class BudgetCensoringTests
{
    private static SampleRecord Sample(int i, SampleStatus status, double stop, double global) => new()
    {
        Point = 0, Sample = i, Status = status, Outcome = double.IsNaN(global) ? Outcome.Unresolved : Outcome.Global,
        Label = "{0}", StopTime = stop, HitTime = double.NaN, GlobalTime = global, CriticalValue = 0,
    };

    [Fact]
    public void A_quantile_beyond_the_earliest_budget_stop_is_censored()
    {
        // Nine certified times 1..9 and one sample stopped by its budget at t = 2.5: p10 = 1.9 lies before every
        // censoring time (Kaplan–Meier's value); p50 = 5.5 would be wrong if that sample's event came before 5.5.
        var s = new PointStatistics(0, "{0}", CensoredQuantiles.UnboundedScale, flow: true);
        for (int i = 1; i <= 9; i++) s.Add(Sample(i, SampleStatus.Converged, i, i));
        s.Add(Sample(10, SampleStatus.Budget, 2.5, double.NaN));
        var t = s.Summarize().GlobalTimes;
        Assert.Equal(1.9, t.P10!.Value, 12);
        Assert.Null(t.P50);
        Assert.Null(t.P90);
        Assert.Equal(1, s.Summarize().Budget);

        // The same samples censored at a horizon after every event: p50 is the empirical 5.5.
        var h = new PointStatistics(0, "{0}", CensoredQuantiles.UnboundedScale, flow: true);
        for (int i = 1; i <= 9; i++) h.Add(Sample(i, SampleStatus.Converged, i, i));
        h.Add(Sample(10, SampleStatus.Horizon, 10, double.NaN));
        Assert.Equal(5.5, h.Summarize().GlobalTimes.P50!.Value, 12);
    }

    [Fact]
    public void The_earliest_budget_stop_survives_the_stored_form_and_merges()
    {
        var shard = PointStatistics.ForShard(0, CensoredQuantiles.UnboundedScale);
        shard.Add(Sample(0, SampleStatus.Converged, 1, 1));
        shard.Add(Sample(1, SampleStatus.Budget, 3, double.NaN));
        var decoded = PointStatistics.Decode(0, CensoredQuantiles.UnboundedScale, shard.Encode());
        var point = new PointStatistics(0, "{0}", CensoredQuantiles.UnboundedScale, flow: true);
        point.Merge(decoded);
        for (int i = 2; i < 12; i++) point.Add(Sample(i, SampleStatus.Converged, i, i));
        // Events 1, 2..11 and a censoring at 3: p10 = 2.1 ≤ 3 is kept, p50 (6.5) is not.
        var t = point.Summarize().GlobalTimes;
        // The merged shard makes the point's times binned: within a relative 1e-3 (bins start at 1e-3 without a horizon).
        Assert.True(Math.Abs(t.P10!.Value - 2.1) <= 2e-3 * 2.1, $"p10 {t.P10}");
        Assert.Null(t.P50);
        // A shard without budget stops keeps the original format byte (old stores and goldens unchanged).
        var plain = PointStatistics.ForShard(0, 100);
        plain.Add(Sample(0, SampleStatus.Converged, 1, 1));
        Assert.Equal(1, plain.Encode()[0]);
        Assert.Equal(2, shard.Encode()[0]);
    }
}

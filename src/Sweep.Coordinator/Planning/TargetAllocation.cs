namespace Sweep.Coordinator.Planning;

/// <summary>
/// A point as the allocation sees it: whether it may get a shard (not stopped, shards left), the samples its target is
/// projected to need beyond its complete prefix (<see cref="Sweep.Results.Statistics.SequentialRule.ProjectToGo"/>), the
/// samples already handed out beyond that prefix (solving, committing, or done out of order), the samples handed
/// out or done in all, the cost of one of its samples (the flop model of <see cref="SampleCost"/>; the mean of the
/// measured ones while its own is unknown) and whether that cost was measured.
/// </summary>
public readonly record struct PointNeed(bool Open, long ToGo, long Ahead, long Handed, double Cost = 1, bool Priced = true)
{
    /// <summary>Samples still to hand out before the point is projected to stop.</summary>
    public long Need => ToGo - Ahead;

    /// <summary>The work still to hand out: <see cref="Need"/> times the cost per sample.</summary>
    public double Work => Need * Cost;
}

/// <summary>How a campaign with a target picks the point of its next shard.</summary>
public enum AllocationRule
{
    /// <summary>The documented rule (<see cref="TargetAllocation"/>).</summary>
    ByNeed,
    /// <summary>The open point with the fewest samples handed out: the baseline the rule is measured against.</summary>
    RoundRobin,
    /// <summary>The open point with the largest need (the rule before the atlas showed it starving near-decided points;
    /// kept for the measurement in docs/statistics.md).</summary>
    LargestNeed,
}

/// <summary>
/// Which point gets the next shard of a campaign with a target (docs/campaign.md, "Targets"), in this order:
/// <list type="number">
/// <item>a point whose first batch is not all handed out, the fewest handed out first (the first batch round robin: every
/// point is looked at once before any is sampled further);</item>
/// <item>a point whose cost is not measured while others' are (after a resume, a point whose stored shards carry no
/// cost), with nothing handed out beyond its prefix: one shard, the fewest handed out first, so that its cost is
/// measured instead of guessed at the others' mean — a cheap point priced like a costly one would wait behind it;</item>
/// <item>the open point with the least positive <see cref="PointNeed.Work"/> — projected samples to go less those
/// already handed out, times the cost of its samples so far — so the point closest to its decision in computing time is
/// decided first (a deep, stiff point may cost ten times an easy one per sample);</item>
/// <item>when every open point has enough in flight to reach its projected stop, the largest need (the least
/// overshoot), so workers never idle while work is left.</item>
/// </list>
/// Ties go to the lowest index. The total work is the same whatever the order (each point stops at the same prefix), so
/// the order decides what is known early: the most points decided at any moment, and no point left one shard short of
/// its decision while others take every worker (what the earlier largest-need rule did in the atlas). Pure.
/// </summary>
public static class TargetAllocation
{
    /// <summary>The index of the chosen point, or −1 when none is open.</summary>
    public static int Choose(ReadOnlySpan<PointNeed> points, long firstBatch, AllocationRule rule = AllocationRule.ByNeed)
    {
        if (rule == AllocationRule.RoundRobin) return FewestHanded(points, long.MaxValue);
        int best = -1;
        if (rule == AllocationRule.LargestNeed)
        {
            for (int p = 0; p < points.Length; p++)
                if (points[p].Open && (best < 0 || points[p].Need > points[best].Need)) best = p;
            return best;
        }
        best = FewestHanded(points, firstBatch);
        if (best >= 0) return best;
        for (int p = 0; p < points.Length; p++)
            if (points[p].Open && !points[p].Priced && points[p].Ahead == 0 && points[p].Need > 0 && (best < 0 || points[p].Handed < points[best].Handed)) best = p;
        if (best >= 0) return best;
        for (int p = 0; p < points.Length; p++)
            if (points[p].Open && points[p].Need > 0 && (best < 0 || points[p].Work < points[best].Work)) best = p;
        if (best >= 0) return best;
        for (int p = 0; p < points.Length; p++)
            if (points[p].Open && (best < 0 || points[p].Need > points[best].Need)) best = p;
        return best;
    }

    // The open point with the fewest samples handed out among those with fewer than `below`.
    private static int FewestHanded(ReadOnlySpan<PointNeed> points, long below)
    {
        int best = -1;
        for (int p = 0; p < points.Length; p++)
            if (points[p].Open && points[p].Handed < below && (best < 0 || points[p].Handed < points[best].Handed)) best = p;
        return best;
    }
}

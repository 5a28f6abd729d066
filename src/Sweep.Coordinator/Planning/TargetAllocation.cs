namespace Sweep.Coordinator.Planning;

/// <summary>
/// A point as the allocation sees it: whether it may get a shard (not stopped, shards left), the samples its target is
/// projected to need beyond its complete prefix (<see cref="Sweep.Results.Statistics.SequentialRule.ProjectToGo"/>), and
/// the samples already handed out beyond that prefix (solving, committing, or done out of order).
/// </summary>
public readonly record struct PointNeed(bool Open, long ToGo, long Ahead)
{
    /// <summary>Samples still to hand out before the point is projected to stop.</summary>
    public long Need => ToGo - Ahead;
}

/// <summary>
/// Which point gets the next shard of a campaign with a target (README, "Targets"): the open point with the largest
/// <see cref="PointNeed.Need"/> — projected samples to go less those already handed out — ties to the lowest index. A
/// point close to its decision, or with enough shards in flight to reach it, waits while others need more; so the points
/// that need the most (the hard ones) get the most workers early instead of last, and few shards are solved past a
/// point's stop. When every open point has enough in flight the largest need still wins (workers never idle while work
/// is left). Pure.
/// </summary>
public static class TargetAllocation
{
    /// <summary>The index of the chosen point, or −1 when none is open.</summary>
    public static int Choose(ReadOnlySpan<PointNeed> points)
    {
        int best = -1;
        for (int p = 0; p < points.Length; p++)
            if (points[p].Open && (best < 0 || points[p].Need > points[best].Need)) best = p;
        return best;
    }
}

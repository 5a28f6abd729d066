using Sweep.Campaigns;
using Sweep.Messages;
using Sweep.Results.Output;
using Sweep.Results.Statistics;

namespace Sweep.Coordinator.Planning;

/// <summary>What the coordinator checks of a shard's result before it is committed. Pure.</summary>
public static class ShardResultCheck
{
    /// <summary>
    /// Whether a result fits its shard: records, where they travel, one per sample in order; with full storage and a
    /// worker's output, a blob, rows and the shard's exact statistics (then records travel only with traces,
    /// <see cref="ShardOutput.NeedsRecords"/>); with aggregate storage no records, or records the coordinator encodes
    /// itself. Encoded statistics must decode and count the shard's samples (<paramref name="statistics"/>, and with
    /// full storage <paramref name="exact"/>: decoded, passed on). The blob and the rows are not decoded here (that is
    /// the cost moved to the workers): they come from admitted workers of this campaign (join token, TLS), and a blob
    /// that does not decode is reported by every reader as a damaged shard.
    /// </summary>
    public static bool IsWellFormed(ShardKey shard, ShardCompleted c, Campaign campaign, out PointStatistics? statistics) =>
        IsWellFormed(shard, c, campaign, out statistics, out _);

    /// <inheritdoc cref="IsWellFormed(ShardKey, ShardCompleted, Campaign, out PointStatistics?)"/>
    public static bool IsWellFormed(ShardKey shard, ShardCompleted c, Campaign campaign, out PointStatistics? statistics, out PointStatistics? exact)
    {
        statistics = null;
        exact = null;
        bool records = c.Samples.Length != 0 || c.Output is null;
        if (records)
        {
            if (c.Samples.Length != shard.Count) return false;
            for (int i = 0; i < c.Samples.Length; i++)
                if (c.Samples[i].Point != shard.Point || c.Samples[i].Sample != shard.FirstSample + i) return false;
        }
        if (c.Output is not { } o) return true;
        if (campaign.AggregateOnly
            ? o.Blob is not null || o.Csv is not null || o.Exact is not null || c.Samples.Length != 0
            : o.Blob is null || o.Csv is null || (!records && o.Exact is null)) return false;
        double horizon = campaign.Points[shard.Point].Spec.Horizon;
        try
        {
            statistics = PointStatistics.Decode(shard.Point, horizon, o.Statistics);
            if (o.Exact is not null) exact = PointStatistics.DecodeExact(shard.Point, horizon, o.Exact);
        }
        catch (InvalidDataException) { return false; }
        return statistics.Count == shard.Count && new ShardCost(o.Evaluations, o.Hessians, o.HessianSamples).PlausibleFor(shard.Count)
            && (exact is null || exact.Count == shard.Count);
    }
}

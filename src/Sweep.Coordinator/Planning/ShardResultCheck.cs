using Sweep.Campaigns;
using Sweep.Messages;
using Sweep.Results.Statistics;

namespace Sweep.Coordinator.Planning;

/// <summary>What the coordinator checks of a shard's result before it is committed. Pure.</summary>
public static class ShardResultCheck
{
    /// <summary>
    /// Whether a result fits its shard: with full storage one record per sample in order (and, when the worker encoded
    /// them, a blob and rows); with aggregate storage no records, or records the coordinator encodes itself. Encoded
    /// statistics must decode and count the shard's samples (<paramref name="statistics"/>: decoded, passed on). The
    /// blob and the rows are not decoded here (that is the cost moved to the workers): they come from admitted workers
    /// of this campaign (join token, TLS), and a blob that does not decode is reported by every reader as a damaged shard.
    /// </summary>
    public static bool IsWellFormed(ShardKey shard, ShardCompleted c, Campaign campaign, out PointStatistics? statistics)
    {
        statistics = null;
        bool records = c.Samples.Length != 0 || c.Output is null;
        if (records)
        {
            if (c.Samples.Length != shard.Count) return false;
            for (int i = 0; i < c.Samples.Length; i++)
                if (c.Samples[i].Point != shard.Point || c.Samples[i].Sample != shard.FirstSample + i) return false;
        }
        if (c.Output is not { } o) return true;
        if (campaign.AggregateOnly ? o.Blob is not null || o.Csv is not null || c.Samples.Length != 0 : o.Blob is null || o.Csv is null || !records) return false;
        try { statistics = PointStatistics.Decode(shard.Point, campaign.Points[shard.Point].Spec.Horizon, o.Statistics); }
        catch (InvalidDataException) { return false; }
        return statistics.Count == shard.Count && o.Evaluations >= 0;
    }
}

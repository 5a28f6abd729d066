using Sweep.Campaigns;
using Sweep.Results.Statistics;
using Sweep.Results.Storage;

namespace Sweep.Results.Output;

/// <summary>What a store holds now, per point: the statistics, the samples and shards stored.</summary>
public sealed record StoredProgress(IReadOnlyList<PointStatistics> Points, long SamplesDone, int ShardsDone)
{
    /// <summary>Whether any time quantile was read from the binned statistics rather than from every time.</summary>
    public bool Binned => Points.Any(p => !p.ExactTimes);
}

/// <summary>
/// The statistics of a stored campaign without reading its samples (`sweep status`, a resume's live view): each shard
/// row carries its own statistics (counts, labels, binned times), and those merge exactly into the point's counts,
/// label counts and outcome counts — so the exact Clopper–Pearson bounds are those of summary.json — and into the same
/// log-binned time histogram that <see cref="CensoredQuantiles"/> switches to beyond its exact capacity. Time quantiles
/// are therefore exact where summary.json's are only for points of at most <paramref name="exactUpTo"/> stored samples,
/// whose samples are read (a bounded amount); for larger points they come from the histogram, within a relative 1e-3
/// of the exact ones (identical to summary.json's once a point has more event times than the exact capacity). A shard
/// stored without statistics (a schema-4 store) is folded from its samples, one shard at a time.
/// </summary>
public static class StoredStatistics
{
    public static StoredProgress Read(Campaign campaign, CampaignStore store, long exactUpTo = CensoredQuantiles.DefaultExactCapacity)
    {
        // Aggregate storage has no samples to read: every point's statistics are its shards' (binned times).
        if (store.AggregateOnly) exactUpTo = -1;
        var binned = OutputWriter.NewStatistics(campaign);
        var samples = new long[campaign.Points.Count];
        var withoutStatistics = new List<ShardKey>();
        int shards = 0;
        foreach (var shard in store.ReadShardStatistics())
        {
            var key = shard.Key;
            if (key.Point >= campaign.Points.Count)
                throw new StoreDamagedException($"the campaign store holds a shard of point {key.Point}, which the campaign does not have.");
            shards++;
            samples[key.Point] += key.Count;
            if (shard.Statistics is null) { withoutStatistics.Add(key); continue; }
            binned[key.Point].Merge(Decode(campaign, key, shard.Statistics));
        }
        var stats = new PointStatistics[campaign.Points.Count];
        for (int p = 0; p < stats.Length; p++)
        {
            if (samples[p] <= exactUpTo)
            {
                // Small enough to read: exact quantiles, as summary.json computes them.
                stats[p] = OutputWriter.NewStatistics(campaign.Points[p]);
                foreach (var s in store.ReadSamples(p)) stats[p].Add(s);
            }
            else stats[p] = binned[p];
        }
        // Folded exactly as a stored statistics row would have been, so the result does not depend on the schema.
        foreach (var key in withoutStatistics.Where(k => samples[k.Point] > exactUpTo))
        {
            stats[key.Point].Merge(PointStatistics.OfShard(key.Point, campaign.Points[key.Point].Spec.Horizon, store.ReadShard(key)));
        }
        return new StoredProgress(stats, samples.Sum(), shards);
    }

    /// <summary>A stored shard's statistics, checked against its key; a damaged one is a <see cref="StoreDamagedException"/> naming the shard.</summary>
    private static PointStatistics Decode(Campaign campaign, ShardKey key, byte[] statistics)
    {
        PointStatistics part;
        try { part = PointStatistics.Decode(key.Point, campaign.Points[key.Point].Spec.Horizon, statistics); }
        catch (InvalidDataException e)
        {
            throw new StoreDamagedException($"the campaign store is damaged: the statistics of shard (point {key.Point}, shard {key.Index}) cannot be decoded ({e.Message}); rerun `sweep run` on this folder to recompute it.", e);
        }
        if (part.Count != key.Count)
            throw new StoreDamagedException($"the campaign store is damaged: the statistics of shard (point {key.Point}, shard {key.Index}) count {part.Count} samples where {key.Count} were stored; rerun `sweep run` on this folder to recompute it.");
        return part;
    }

    /// <summary>
    /// What the readers show of a running or stopped campaign (`status`, `serve`): without a target, the stored
    /// per-shard statistics (<see cref="Read"/>); with one, each point's complete prefix up to its stop, as the outputs
    /// hold it (this streams the samples: a pass over the store).
    /// </summary>
    public static CampaignProgress Current(Campaign campaign, CampaignStore store)
    {
        long shardsTotal = campaign.Plan().Count;
        if (campaign.Target is null)
        {
            var progress = Read(campaign, store);
            return new CampaignProgress(progress.Points, null, progress.ShardsDone, shardsTotal, progress.ShardsDone == shardsTotal, progress.Binned);
        }
        int shardsDone = store.CompletedShards().Count;
        var walk = new PrefixWalk(campaign);
        if (store.AggregateOnly)
        {
            // The shards' statistics in shard order: the rule's looks are the same as over the samples.
            foreach (var shard in store.ReadShardStatistics().Where(s => s.Key.Point < campaign.Points.Count).OrderBy(s => s.Key.Point).ThenBy(s => s.Key.Index).ToList())
                walk.OfferShard(shard.Key, shard.Statistics is { } bytes ? Decode(campaign, shard.Key, bytes)
                    : throw new StoreDamagedException($"the campaign store is damaged: shard (point {shard.Key.Point}, shard {shard.Key.Index}) has no statistics; rerun `sweep run` on this folder to recompute it."));
            return new CampaignProgress(walk.Stats, walk.States, shardsDone, shardsTotal, walk.AllStopped, true);
        }
        foreach (var _ in walk.Filter(store.ReadSamples())) { }
        return new CampaignProgress(walk.Stats, walk.States, shardsDone, shardsTotal, walk.AllStopped, false);
    }
}

/// <summary>A campaign's statistics now: per point, its target state (null without a target), shards stored and planned, whether it is complete, whether any time quantile is binned.</summary>
public sealed record CampaignProgress(IReadOnlyList<PointStatistics> Points, IReadOnlyList<TargetState?>? Targets, int ShardsDone, long ShardsTotal, bool Complete, bool Binned)
{
    public long SamplesDone => Points.Sum(s => (long)s.Count);
}

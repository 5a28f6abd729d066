namespace Sweep.Campaigns;

/// <summary>A unit of work: samples [FirstSample, FirstSample + Count) of one point.</summary>
public sealed record ShardKey(int Point, int Index, long FirstSample, int Count);

/// <summary>The partition of a campaign into shards, in hand-out order.</summary>
public static class ShardPlan
{
    /// <summary>
    /// Every point × range of <paramref name="shardSize"/> sample indices. Shards are ordered round-robin across
    /// points (shard 0 of every point, then shard 1, …) so that all points' estimates firm up together.
    /// </summary>
    public static IReadOnlyList<ShardKey> Create(int points, long samplesPerPoint, int shardSize)
    {
        long perPoint = (samplesPerPoint + shardSize - 1) / shardSize;
        var list = new List<ShardKey>();
        for (int s = 0; s < perPoint; s++)
            for (int p = 0; p < points; p++)
            {
                long first = (long)s * shardSize;
                list.Add(new ShardKey(p, s, first, (int)Math.Min(shardSize, samplesPerPoint - first)));
            }
        return list;
    }
}

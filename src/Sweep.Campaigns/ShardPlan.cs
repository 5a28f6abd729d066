using System.Collections;

namespace Sweep.Campaigns;

/// <summary>A unit of work: samples [FirstSample, FirstSample + Count) of one point.</summary>
public sealed record ShardKey(int Point, int Index, long FirstSample, int Count);

/// <summary>
/// The partition of a campaign into shards, in hand-out order: every point × range of <c>shardSize</c> sample
/// indices, ordered round-robin across points (shard 0 of every point, then shard 1, …) so that all points' estimates
/// firm up together. Computed, never materialised: shard <c>k</c> of the order is point <c>k mod points</c>, index
/// <c>k div points</c>, so an enormous campaign costs nothing until its shards are handed out.
/// </summary>
public sealed class ShardPlan : IReadOnlyList<ShardKey>
{
    /// <summary>At most this many shards in a campaign (the order is an int); the campaign loader refuses more.</summary>
    public const long MaxShards = int.MaxValue;

    private ShardPlan(int points, long samplesPerPoint, int shardSize)
    {
        if (points < 1 || samplesPerPoint < 1 || shardSize < 1) throw new ArgumentOutOfRangeException(nameof(points), "a plan needs ≥ 1 point, sample and shard size");
        Points = points;
        SamplesPerPoint = samplesPerPoint;
        ShardSize = shardSize;
        ShardsPerPoint = (samplesPerPoint + shardSize - 1) / shardSize;
        long total = ShardsPerPoint * points;
        if (ShardsPerPoint > MaxShards || total > MaxShards) throw new ArgumentOutOfRangeException(nameof(samplesPerPoint), $"{total} shards; at most {MaxShards}");
        Count = (int)total;
    }

    public static ShardPlan Create(int points, long samplesPerPoint, int shardSize) => new(points, samplesPerPoint, shardSize);

    public int Points { get; }
    public long SamplesPerPoint { get; }
    public int ShardSize { get; }
    public long ShardsPerPoint { get; }

    /// <summary>Shards in the whole campaign.</summary>
    public int Count { get; }

    /// <summary>The shard at position <paramref name="order"/> of the hand-out order.</summary>
    public ShardKey this[int order]
    {
        get
        {
            if ((uint)order >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(order));
            return Shard(order % Points, order / Points);
        }
    }

    /// <summary>Shard <paramref name="index"/> of <paramref name="point"/>.</summary>
    public ShardKey Shard(int point, int index)
    {
        long first = (long)index * ShardSize;
        return new ShardKey(point, index, first, (int)Math.Min(ShardSize, SamplesPerPoint - first));
    }

    /// <summary>The position of shard (point, index) in the hand-out order, or −1 when there is no such shard.</summary>
    public int OrderOf(int point, int index) =>
        point < 0 || point >= Points || index < 0 || index >= ShardsPerPoint ? -1 : checked(index * Points + point);

    public IEnumerator<ShardKey> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

using Sweep.Campaigns;
using Sweep.Results.Output;

namespace Sweep.Results.Statistics;

/// <summary>
/// Folds a campaign's samples, point by point in sample order, into the statistics of each point's complete prefix and,
/// for a campaign with a target, applies the <see cref="SequentialRule"/> at every shard boundary: once a point stops,
/// its later samples (shards solved ahead of the decision) are not part of the results. samples.csv, summary.json,
/// `status`, `report` and `export` all take their samples through this one walk, so they agree with each other and do
/// not depend on how many workers ran or how often the campaign was resumed. Without a target every sample of the
/// prefix is kept and nothing stops. Pure.
/// </summary>
public sealed class PrefixWalk
{
    private readonly Campaign _campaign;
    private readonly long[] _next;          // per point: the sample the prefix needs next
    private readonly bool[] _closed;        // stopped by the rule, or (for stored samples) a gap seen
    private readonly TargetState?[] _states;

    public PrefixWalk(Campaign campaign)
    {
        _campaign = campaign;
        Rule = SequentialRule.For(campaign);
        Stats = OutputWriter.NewStatistics(campaign);
        _next = new long[campaign.Points.Count];
        _closed = new bool[campaign.Points.Count];
        _states = campaign.Points.Select(_ => Rule?.Initial()).ToArray();
    }

    public SequentialRule? Rule { get; }
    public PointStatistics[] Stats { get; }

    /// <summary>Per point, the state against the target (null without a target).</summary>
    public IReadOnlyList<TargetState?> States => _states;

    /// <summary>Samples kept so far.</summary>
    public long Kept { get; private set; }

    /// <summary>True once the rule stopped <paramref name="point"/>.</summary>
    public bool Stopped(int point) => _states[point]?.Stopped is not null;

    /// <summary>
    /// Offers the next sample of its point (samples of a point must come in increasing order). True when it belongs to
    /// the results: it extends the point's complete prefix and the point has not stopped. A missing sample (a shard not
    /// stored yet) ends what is kept of that point.
    /// </summary>
    public bool Offer(SampleRecord s)
    {
        int p = s.Point;
        if (_closed[p] || s.Sample != _next[p]) { _closed[p] = true; return false; }
        Stats[p].Add(s);
        Kept++;
        long n = ++_next[p];
        if (Rule is not null && (n % _campaign.ShardSize == 0 || n == _campaign.PlannedSamples))
        {
            var state = Rule.Look(Stats[p]);
            _states[p] = state;
            if (state.Stopped is not null) _closed[p] = true;
        }
        return true;
    }

    /// <summary>
    /// Offers the next shard of its point as its statistics alone (aggregate storage: <see cref="PointStatistics.ForShard"/>),
    /// with the same decisions as offering its samples one by one: the rule looks only at shard boundaries and only at
    /// counts, which a shard's statistics hold exactly. True when the shard belongs to the results.
    /// </summary>
    public bool OfferShard(ShardKey shard, PointStatistics part)
    {
        int p = shard.Point;
        if (_closed[p] || shard.FirstSample != _next[p] || part.Count != shard.Count) { _closed[p] = true; return false; }
        Stats[p].Merge(part);
        Kept += shard.Count;
        long n = _next[p] += shard.Count;
        if (Rule is not null && (n % _campaign.ShardSize == 0 || n == _campaign.PlannedSamples))
        {
            var state = Rule.Look(Stats[p]);
            _states[p] = state;
            if (state.Stopped is not null) _closed[p] = true;
        }
        return true;
    }

    /// <summary>The samples that belong to the results, from samples ordered by (point, sample) (what the store reads).</summary>
    public IEnumerable<SampleRecord> Filter(IEnumerable<SampleRecord> ordered)
    {
        foreach (var s in ordered)
            if (Offer(s)) yield return s;
    }

    /// <summary>Whether every point has stopped (with a target) — then the results are final.</summary>
    public bool AllStopped => Rule is not null && _states.All(s => s?.Stopped is not null);
}

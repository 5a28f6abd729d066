using Sweep.Campaigns;
using Sweep.Results.Statistics;

namespace Sweep.Results.Output;

/// <summary>
/// The aggregate-storage counterpart of <see cref="SamplesCsvStream"/>: each point has a cursor over its shards in
/// sample order, and a shard's statistics (<see cref="PointStatistics.ForShard"/>, the same bytes the store keeps)
/// join the point's results when every earlier shard has, through <see cref="PrefixWalk.OfferShard"/> — so a target's
/// rule sees the same prefixes at the same shard boundaries as with every sample stored. Nothing is written to disk;
/// shards stored by an earlier run are read back (their statistics only) when the cursor reaches them. A waiting
/// shard's statistics are a few hundred bytes to a few KiB, so nothing bounds the buffer beyond the plan.
/// </summary>
public sealed class ShardStatisticsStream : IShardStream
{
    private readonly Campaign _campaign;
    private readonly Func<ShardKey, byte[]> _readStored;
    private readonly ShardPlan _plan;
    private readonly int[] _cursor;
    private readonly HashSet<(int Point, int Index)> _stored;
    private readonly Dictionary<(int Point, int Index), (PointStatistics Part, ShardCost Cost)> _buffered = new();
    private readonly PrefixWalk _walk;
    private readonly List<int> _looked = new();
    // Per point: gradient evaluations and the samples they were counted over, Hessians and the samples that carry that
    // count (this run's shards: the stored statistics carry no counts, so a resumed point's means are over the shards
    // solved since).
    private readonly long[] _evaluations, _evaluated, _hessians, _hessianSamples;

    private readonly record struct ShardCost(long Evaluations, long Hessians, long HessianSamples);

    /// <param name="storedShards">Shards already in the store when the run starts.</param>
    /// <param name="readStored">Reads one stored shard's statistics (<see cref="Storage.CampaignStore.ReadShardStatistics(ShardKey)"/>).</param>
    public ShardStatisticsStream(Campaign campaign, IEnumerable<(int Point, int Index)> storedShards, Func<ShardKey, byte[]> readStored)
    {
        _campaign = campaign;
        _readStored = readStored;
        _plan = campaign.Plan();
        _cursor = new int[_plan.Points];
        _evaluations = new long[_plan.Points];
        _evaluated = new long[_plan.Points];
        _hessians = new long[_plan.Points];
        _hessianSamples = new long[_plan.Points];
        _stored = storedShards.ToHashSet();
        _walk = new PrefixWalk(campaign);
        for (int p = 0; p < _plan.Points; p++) Advance(p);
    }

    public long Written => _walk.Kept;

    public IReadOnlyList<TargetState?> States => _walk.States;

    /// <remarks>
    /// The means count this run's shards only (the stored statistics carry no counts); Hessians NaN while none of the
    /// point's samples carries the count (then the cost model counts gradient evaluations alone).
    /// </remarks>
    public IReadOnlyList<(int Point, int PrefixShards, TargetState? State, double EvaluationsPerSample, double HessiansPerSample)> TakeLooked()
    {
        var list = _looked.Distinct().Select(p => (p, _cursor[p], _walk.States[p], _evaluated[p] == 0 ? 0 : (double)_evaluations[p] / _evaluated[p],
            _hessianSamples[p] == 0 ? double.NaN : (double)_hessians[p] / _hessianSamples[p])).ToList();
        _looked.Clear();
        return list;
    }

    public void Add(ShardKey shard, SampleRecord[] samples, ShardOutput? encoded = null, PointStatistics? statistics = null, PointStatistics? exact = null)
    {
        if (_walk.Stopped(shard.Point)) return;
        ShardCost cost = encoded is not null ? new(encoded.Evaluations, encoded.Hessians, encoded.HessianSamples) : new();
        if (encoded is null)
            foreach (var s in samples)
                cost = s.HessianEvaluations >= 0
                    ? new(cost.Evaluations + s.RhsEvaluations, cost.Hessians + s.HessianEvaluations, cost.HessianSamples + 1)
                    : cost with { Evaluations = cost.Evaluations + s.RhsEvaluations };
        statistics ??= encoded is not null
            ? PointStatistics.Decode(shard.Point, _campaign.Points[shard.Point].Spec.Horizon, encoded.Statistics)
            : PointStatistics.OfShard(shard.Point, _campaign.Points[shard.Point].Spec.Horizon, samples);
        _buffered[(shard.Point, shard.Index)] = (statistics, cost);
        Advance(shard.Point);
    }

    private void Advance(int point)
    {
        bool Ready() => _cursor[point] < _plan.ShardsPerPoint && !_walk.Stopped(point) && (_buffered.ContainsKey((point, _cursor[point])) || _stored.Contains((point, _cursor[point])));
        if (!Ready()) return;
        while (Ready())
        {
            var shard = _plan.Shard(point, _cursor[point]);
            var key = (shard.Point, shard.Index);
            PointStatistics part;
            if (_buffered.Remove(key, out var held))
            {
                part = held.Part;
                _evaluations[point] += held.Cost.Evaluations;
                _evaluated[point] += shard.Count;
                _hessians[point] += held.Cost.Hessians;
                _hessianSamples[point] += held.Cost.HessianSamples;
            }
            else
            {
                _stored.Remove(key);
                part = PointStatistics.Decode(point, _campaign.Points[point].Spec.Horizon, _readStored(shard));
            }
            if (!_walk.OfferShard(shard, part)) throw new InvalidOperationException($"shard {shard.Index} of point {point} is out of order or holds {part.Count} samples where {shard.Count} were planned");
            _cursor[point]++;
        }
        if (_walk.Rule is not null) _looked.Add(point);
        if (_walk.Stopped(point))
            foreach (var k in _buffered.Keys.Where(k => k.Point == point).ToList()) _buffered.Remove(k);
    }

    /// <summary>Every point's statistics; fails if some shard was never added (then the campaign is not finished). Writes no file.</summary>
    public IReadOnlyList<PointStatistics> Finish(string samplesPath)
    {
        for (int p = 0; p < _plan.Points; p++)
            if (_cursor[p] < _plan.ShardsPerPoint && !_walk.Stopped(p))
                throw new InvalidOperationException($"the results are incomplete: point {p} stops at shard {_cursor[p]}");
        return _walk.Stats;
    }

    public void Dispose() { }
}

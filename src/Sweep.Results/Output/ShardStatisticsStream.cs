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
    private readonly IReadOnlyDictionary<(int Point, int Index), ShardCost> _storedCosts;
    private readonly PrefixWalk _walk;
    private readonly List<int> _looked = new();
    // Per point: gradient evaluations and the samples they were counted over, Hessians and the samples that carry that
    // count, over the prefix's shards whose cost is known (this run's, and stored ones whose row holds it); the sums in
    // double, which counts from a store or a worker cannot overflow.
    private readonly double[] _evaluations, _hessians;
    private readonly long[] _evaluated, _hessianSamples;

    /// <param name="storedShards">Shards already in the store when the run starts.</param>
    /// <param name="readStored">Reads one stored shard's statistics (<see cref="Storage.CampaignStore.ReadShardStatistics(ShardKey)"/>).</param>
    /// <param name="storedCosts">What stored shards cost, where the store knows it (<see cref="Storage.CampaignStore.StoredShardCosts"/>).</param>
    public ShardStatisticsStream(Campaign campaign, IEnumerable<(int Point, int Index)> storedShards, Func<ShardKey, byte[]> readStored,
        IReadOnlyDictionary<(int Point, int Index), ShardCost>? storedCosts = null)
    {
        _storedCosts = storedCosts ?? new Dictionary<(int Point, int Index), ShardCost>();
        _campaign = campaign;
        _readStored = readStored;
        _plan = campaign.Plan();
        _cursor = new int[_plan.Points];
        _evaluations = new double[_plan.Points];
        _evaluated = new long[_plan.Points];
        _hessians = new double[_plan.Points];
        _hessianSamples = new long[_plan.Points];
        _stored = storedShards.ToHashSet();
        _walk = new PrefixWalk(campaign);
        for (int p = 0; p < _plan.Points; p++) Advance(p);
    }

    public long Written => _walk.Kept;

    public IReadOnlyList<TargetState?> States => _walk.States;

    /// <remarks>
    /// The means count the prefix's shards whose cost is known (this run's, and stored ones whose row holds it); Hessians
    /// NaN while none of them carries the count (then the point's cost is not known).
    /// </remarks>
    public IReadOnlyList<(int Point, int PrefixShards, TargetState? State, double EvaluationsPerSample, double HessiansPerSample)> TakeLooked()
    {
        var list = _looked.Distinct().Select(p => (p, _cursor[p], _walk.States[p], _evaluated[p] == 0 ? 0 : _evaluations[p] / _evaluated[p],
            _hessianSamples[p] == 0 ? double.NaN : _hessians[p] / _hessianSamples[p])).ToList();
        _looked.Clear();
        return list;
    }

    public void Add(ShardKey shard, SampleRecord[] samples, ShardOutput? encoded = null, PointStatistics? statistics = null, PointStatistics? exact = null)
    {
        if (_walk.Stopped(shard.Point)) return;
        var cost = ShardCost.Of(encoded, samples);
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
            ShardCost? cost;
            if (_buffered.Remove(key, out var held)) (part, cost) = (held.Part, held.Cost);
            else
            {
                _stored.Remove(key);
                part = PointStatistics.Decode(point, _campaign.Points[point].Spec.Horizon, _readStored(shard));
                cost = _storedCosts.TryGetValue(key, out var c) ? c : null;
            }
            if (cost is { } known)
            {
                _evaluations[point] += known.Evaluations;
                _evaluated[point] += shard.Count;
                _hessians[point] += known.Hessians;
                _hessianSamples[point] += known.HessianSamples;
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

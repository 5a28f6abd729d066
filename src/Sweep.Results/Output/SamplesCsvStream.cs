using Sweep.Campaigns;
using Sweep.Results.Statistics;

namespace Sweep.Results.Output;

/// <summary>
/// Writes samples.csv while the campaign runs instead of reading every stored sample back at the end (which cost
/// about as much per sample as a tenth of solving it). Each point has a cursor over its shards in sample order; a
/// committed shard is appended to the point's part file as soon as every earlier shard of that point is written, and
/// waits in memory until then (up to a bound, a million samples by default; beyond that, or for shards stored by an
/// earlier run, the rows are read back from the store when the cursor reaches them). The statistics are accumulated
/// as the cursor passes — a worker's shard by merging the exact statistics it sent (<see cref="PointStatistics.OfShardExact"/>),
/// any other by folding its records — so every shard counts exactly once. <see cref="Finish"/> joins the parts into samples.csv —
/// byte for byte what writing it from the store would give. The parts are scratch: a new run starts them afresh.
/// </summary>
public sealed class SamplesCsvStream : IShardStream
{
    /// <summary>Part files kept open at once (the most recently written points'); more points reopen theirs.</summary>
    private const int OpenParts = 16;
    private readonly Dictionary<int, FileStream> _open = new();
    private readonly LinkedList<int> _recent = new();

    public const int DefaultMaxBufferedSamples = 1_000_000;

    private readonly string _partsDirectory;
    private readonly Func<ShardKey, IReadOnlyList<SampleRecord>> _readStored;
    private readonly ShardPlan _plan;               // computed, never materialised: shard i of point p is _plan.Shard(p, i)
    private readonly int[] _cursor;                 // per point: the next shard to write
    private readonly HashSet<(int Point, int Index)> _stored;
    // A waiting shard: its records (none where the worker sent its exact statistics), its rows as the worker formatted
    // them, its exact statistics and what it cost.
    private readonly Dictionary<(int Point, int Index), Waiting> _buffered = new();
    private sealed record Waiting(int Count, SampleRecord[] Samples, byte[]? Csv, PointStatistics? Exact, ShardOutput? Encoded);
    private readonly PrefixWalk _walk;              // the statistics of what is written, and the sequential rule's decisions
    private readonly List<int> _looked = new();     // points the rule looked at since the last TakeLooked
    // Per point: gradient evaluations of the samples written; Hessians of those that carry the count, and how many do
    // (sums in double: counts from a store or a worker cannot overflow them).
    private readonly double[] _evaluations, _hessians;
    private readonly long[] _hessianSamples;
    // Hessian counts of shards read back from the store (records read back carry none): stored ones whose row holds them,
    // and this run's shards that waited in the store instead of the buffer.
    private readonly Dictionary<(int Point, int Index), ShardCost> _storedCosts;
    private readonly int _maxBufferedSamples;
    private long _bufferedSamples, _written;
    private readonly CsvLayout _layout;             // the campaign's columns

    /// <param name="storedShards">Shards already in the store when the run starts.</param>
    /// <param name="readStored">Reads one stored shard's samples in sample order.</param>
    /// <param name="storedCosts">What stored shards cost, where the store knows it (<see cref="Storage.CampaignStore.StoredShardCosts"/>).</param>
    public SamplesCsvStream(Campaign campaign, string outputDirectory, IEnumerable<(int Point, int Index)> storedShards,
        Func<ShardKey, IReadOnlyList<SampleRecord>> readStored, int maxBufferedSamples = DefaultMaxBufferedSamples,
        IReadOnlyDictionary<(int Point, int Index), ShardCost>? storedCosts = null)
    {
        _storedCosts = storedCosts is null ? new() : new(storedCosts);
        _maxBufferedSamples = maxBufferedSamples;
        _readStored = readStored;
        _partsDirectory = Path.Combine(outputDirectory, "samples.csv.parts");
        _plan = campaign.Plan();
        _cursor = new int[_plan.Points];
        _evaluations = new double[_plan.Points];
        _hessians = new double[_plan.Points];
        _hessianSamples = new long[_plan.Points];
        _stored = storedShards.ToHashSet();
        _walk = new PrefixWalk(campaign);
        _layout = CsvLayout.For(campaign);
        if (Directory.Exists(_partsDirectory)) Directory.Delete(_partsDirectory, recursive: true);
        Directory.CreateDirectory(_partsDirectory);
        for (int p = 0; p < _plan.Points; p++)
        {
            File.WriteAllText(PartPath(p), p == 0 ? _layout.Header + "\n" : "");
            Advance(p);
        }
    }

    /// <summary>Samples written so far.</summary>
    public long Written => _written;

    /// <summary>Per point, the state against the campaign's target (null entries without a target).</summary>
    public IReadOnlyList<TargetState?> States => _walk.States;

    /// <summary>
    /// The points whose complete prefix grew since the last call, with the shards it now holds, the target state and the
    /// mean gradient evaluations per sample of the prefix and the mean Hessians per sample of its samples that carry the
    /// count (those solved in this session, and stored shards whose row holds it; NaN when none does): the cost of its
    /// samples, what the coordinator needs to stop handing out a point's shards and to allocate the rest.
    /// </summary>
    public IReadOnlyList<(int Point, int PrefixShards, TargetState? State, double EvaluationsPerSample, double HessiansPerSample)> TakeLooked()
    {
        var list = _looked.Distinct().Select(p => (p, _cursor[p], _walk.States[p], EvaluationsPerSample(p),
            _hessianSamples[p] == 0 ? double.NaN : _hessians[p] / _hessianSamples[p])).ToList();
        _looked.Clear();
        return list;
    }

    // The walk's statistics hold every written sample of the point once (Offer), so their count is the divisor.
    // Sums in double: they cannot overflow, and integer counts stay exact below 2^53.
    private void Count(int point, ShardCost cost)
    {
        _evaluations[point] += cost.Evaluations;
        _hessians[point] += cost.Hessians;
        _hessianSamples[point] += cost.HessianSamples;
    }

    private double EvaluationsPerSample(int point) =>
        _walk.Stats[point].Count == 0 ? 0 : _evaluations[point] / _walk.Stats[point].Count;

    private string PartPath(int point) => Path.Combine(_partsDirectory, $"{point}.csv");

    /// <summary>A shard newly committed to the store (each shard once).</summary>
    public void Add(ShardKey shard, SampleRecord[] samples, ShardOutput? encoded = null, PointStatistics? statistics = null, PointStatistics? exact = null)
    {
        var key = (shard.Point, shard.Index);
        if (_walk.Stopped(shard.Point)) return;      // solved ahead of the point's stop: not part of the results
        // Without the worker's rows and exact statistics a shard is folded from its records, which must then be complete.
        if (encoded?.Csv is null) exact = null;
        if (exact is null && samples.Length != shard.Count) throw new ArgumentException($"shard {shard.Index} of point {shard.Point} has {samples.Length} records where {shard.Count} were planned, and no exact statistics");
        if (_bufferedSamples + shard.Count <= _maxBufferedSamples)
        {
            _buffered[key] = new Waiting(shard.Count, exact is null ? samples : [], encoded?.Csv, exact, encoded);
            _bufferedSamples += shard.Count;
        }
        else
        {
            // Too much waiting already: read it back from the store when its turn comes (its cost kept here).
            _stored.Add(key);
            _storedCosts[key] = ShardCost.Of(encoded, samples);
        }
        Advance(shard.Point);
    }

    private void Advance(int point)
    {
        // A point the sequential rule stopped takes no more shards: those solved ahead of the decision are left out.
        bool Ready() => _cursor[point] < _plan.ShardsPerPoint && !_walk.Stopped(point) && (_buffered.ContainsKey((point, _cursor[point])) || _stored.Contains((point, _cursor[point])));
        if (!Ready()) return;
        var w = Part(point);
        while (Ready())
        {
            var shard = _plan.Shard(point, _cursor[point]);
            var key = (shard.Point, shard.Index);
            IReadOnlyList<SampleRecord> rows;
            byte[]? csv = null;
            if (_buffered.Remove(key, out var held))
            {
                _bufferedSamples -= held.Count;
                if (held.Exact is { } exact)
                {
                    // The worker's rows and exact statistics: the same bytes and the same state as folding every record.
                    w.Write(held.Csv);
                    Count(point, ShardCost.Of(held.Encoded, held.Samples));
                    if (!_walk.OfferShard(shard, exact)) throw new InvalidOperationException($"shard {shard.Index} of point {point} is out of order or holds {exact.Count} samples where {shard.Count} were planned");
                    _written += shard.Count;
                    _cursor[point]++;
                    continue;
                }
                (rows, csv) = (held.Samples, held.Csv);
            }
            else
            {
                _stored.Remove(key);
                rows = _readStored(shard);
                // The stored Hessian count stands in for the records' (they carry none); never both.
                if (_storedCosts.Remove(key, out var cost) && !rows.Any(r => r.HessianEvaluations >= 0))
                    Count(point, cost with { Evaluations = 0 });
            }
            // Rows the worker formatted are appended as they are; others are formatted here by the same code
            // (ShardOutput.CsvRows), so the bytes do not depend on who formatted them.
            w.Write(csv ?? ShardOutput.CsvRows(rows, _layout));
            Count(point, ShardCost.Of(rows));
            foreach (var s in rows)
            {
                if (!_walk.Offer(s)) throw new InvalidOperationException($"sample {s.Sample} of point {s.Point} is out of order in shard {shard.Index}");
            }
            _written += rows.Count;
            _cursor[point]++;
        }
        if (_walk.Rule is not null) _looked.Add(point);
        if (_walk.Stopped(point))
            foreach (var k in _buffered.Keys.Where(k => k.Point == point).ToList())
            {
                _bufferedSamples -= _buffered[k].Count;
                _buffered.Remove(k);
            }
    }

    /// <summary>
    /// The open file of a point's part (rows arrive as bytes): opening a file and its buffers for every shard cost more
    /// than formatting a small shard's rows. The parts are scratch, so nothing is flushed before
    /// <see cref="Finish"/>; at most <see cref="OpenParts"/> stay open, the least recently written closed first.
    /// </summary>
    private FileStream Part(int point)
    {
        if (_open.TryGetValue(point, out var open))
        {
            _recent.Remove(point);
            _recent.AddFirst(point);
            return open;
        }
        if (_open.Count >= OpenParts)
        {
            int oldest = _recent.Last!.Value;
            _recent.RemoveLast();
            _open.Remove(oldest, out var closing);
            closing!.Dispose();
        }
        var w = new FileStream(PartPath(point), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _open[point] = w;
        _recent.AddFirst(point);
        return w;
    }

    /// <summary>Closes the open parts (their rows reach the files).</summary>
    private void CloseParts()
    {
        foreach (var w in _open.Values) w.Dispose();
        _open.Clear();
        _recent.Clear();
    }

    /// <summary>Closes the part files; a stream abandoned before <see cref="Finish"/> leaves its scratch parts behind.</summary>
    public void Dispose() => CloseParts();

    /// <summary>
    /// Joins the parts into <paramref name="samplesPath"/> (atomically) and returns the statistics of every sample.
    /// Fails if some shard was never added: then the caller must not claim the campaign finished.
    /// </summary>
    public IReadOnlyList<PointStatistics> Finish(string samplesPath)
    {
        for (int p = 0; p < _plan.Points; p++)
            if (_cursor[p] < _plan.ShardsPerPoint && !_walk.Stopped(p))
                throw new InvalidOperationException($"samples.csv is incomplete: point {p} stops at shard {_cursor[p]}");
        CloseParts();
        string first = PartPath(0);
        using (var target = new FileStream(first, FileMode.Append, FileAccess.Write))
        {
            for (int p = 1; p < _plan.Points; p++)
            {
                using var part = File.OpenRead(PartPath(p));
                part.CopyTo(target);
            }
            target.Flush(flushToDisk: true);
        }
        File.Move(first, samplesPath, overwrite: true);
        Directory.Delete(_partsDirectory, recursive: true);
        return _walk.Stats;
    }
}

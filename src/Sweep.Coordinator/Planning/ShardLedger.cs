using Sweep.Campaigns;

namespace Sweep.Coordinator.Planning;

/// <summary>A shard handed to a worker until <see cref="Expires"/>.</summary>
public sealed record Lease(long Id, ShardKey Shard, string WorkerId, DateTime Expires);

public enum CompletionOutcome { Accepted, Duplicate, Unknown }

/// <summary>
/// Which shards are pending, leased and done. Pure bookkeeping, no I/O or clocks (time is passed in): the
/// coordinator actor drives it and persists the outcome. A worker that asks again gives up the lease it held;
/// expired or failed leases return their shard to the front of the queue; the first result for a shard wins.
/// <para>
/// Memory does not grow with the size of the plan: pending shards are a cursor over the (computed) plan plus the few
/// returned to the queue, and done shards a watermark per point (every shard of the point below it is done) plus the
/// ones done out of order. Only leases, commits in flight and out-of-order completions are held one object each.
/// </para>
/// <para>
/// With a target (<see cref="Sequential"/>), hand-outs do not follow the plan's round-robin order: each point has its own
/// cursor, a requeued shard still goes first, and otherwise <see cref="TargetAllocation"/> picks the point. A point the
/// sequential rule stopped after its first k shards (<see cref="Close"/>) gets no more shards, a result for one of its later
/// shards is not committed, and the campaign is complete once every point is stopped and its first k shards are done.
/// </para>
/// </summary>
public sealed class ShardLedger
{
    /// <summary>A shard that fails this many times in a row with the same error fails the campaign (docs/campaign.md).</summary>
    public const int MaxAttempts = 3;

    private readonly ShardPlan _plan;
    private int _cursor;                                    // next position never handed out
    private readonly SortedSet<int> _requeued = new();     // positions below the cursor returned to the queue
    private readonly int[] _doneBelow;                      // per point: every shard index below is done
    private readonly HashSet<int>?[] _doneAbove;            // per point: done indices ≥ _doneBelow
    // With a target: per point the next index never handed out, the end (shards it may need; lowered when it stops),
    // whether it stopped, its complete prefix (shards) and projected samples to go, as the samples.csv stream reports them.
    private readonly int[]? _next;
    private readonly long[]? _end;
    private readonly bool[]? _stopped;
    private readonly int[]? _prefix;
    private readonly long[]? _toGo;
    private readonly double[]? _cost;
    private readonly bool[]? _probed;     // per point: a shard was handed out to measure its cost (once per run)
    private readonly long _firstBatch;
    private readonly AllocationRule _allocation;
    private int _open;
    private long _total;
    private readonly HashSet<int> _committing = new();
    private readonly Dictionary<long, Lease> _leases = new();
    private readonly Dictionary<int, long> _leaseOf = new();
    private readonly Dictionary<string, HashSet<long>> _leasesByWorker = new();
    private readonly Dictionary<int, (string Reason, int Count)> _failures = new();
    private long _nextLease = 1;

    /// <param name="firstBatch">With a target (sequential mode): the samples every point gets before the rule looks (the
    /// allocation's need of a point nothing is known about); null: hand out the plan in its round-robin order.</param>
    /// <param name="allocation">With a target: the rule picking the next point (the documented one unless measuring).</param>
    public ShardLedger(ShardPlan plan, IEnumerable<(int Point, int Index)> alreadyDone, TimeSpan leaseDuration, long? firstBatch = null,
        AllocationRule allocation = AllocationRule.ByNeed)
    {
        _allocation = allocation;
        _plan = plan;
        LeaseDuration = leaseDuration;
        _doneBelow = new int[plan.Points];
        _doneAbove = new HashSet<int>?[plan.Points];
        _total = plan.Count;
        if (firstBatch is { } batch)
        {
            _next = new int[plan.Points];
            _end = Enumerable.Repeat(plan.ShardsPerPoint, plan.Points).ToArray();
            _stopped = new bool[plan.Points];
            _prefix = new int[plan.Points];
            _toGo = Enumerable.Repeat(batch, plan.Points).ToArray();
            _firstBatch = batch;
            _cost = new double[plan.Points];       // 0: not measured yet
            _probed = new bool[plan.Points];
            _open = plan.Points;
        }
        foreach (var (p, i) in alreadyDone)
        {
            int order = plan.OrderOf(p, i);
            if (order >= 0) MarkDone(order);
        }
    }

    public TimeSpan LeaseDuration { get; }
    /// <summary>Shards the campaign needs: the whole plan, less what stopped points no longer need.</summary>
    public long Total => _total;
    public int Done { get; private set; }
    public int Leased => _leases.Count;
    /// <summary>Shards the campaign still needs that nobody holds.</summary>
    public long Pending => Total - DoneBelowEnds() - _leases.Count - _committing.Count;
    public bool Sequential => _next is not null;
    public bool IsComplete => Sequential ? _open == 0 && AllPrefixesDone() : Done == _plan.Count;
    public IEnumerable<Lease> ActiveLeases => _leases.Values;

    // Done shards that count towards Total (with a target, those below each point's stop).
    private long DoneBelowEnds()
    {
        if (_end is null) return Done;
        long n = 0;
        for (int p = 0; p < _plan.Points; p++)
            n += Math.Min(_doneBelow[p], _end[p]) + (_doneAbove[p]?.Count(i => i < _end[p]) ?? 0);
        return n;
    }

    private bool AllPrefixesDone()
    {
        for (int p = 0; p < _plan.Points; p++)
            if (_doneBelow[p] < _end![p]) return false;
        return true;
    }

    private (int Point, int Index) At(int order) => (order % _plan.Points, order / _plan.Points);

    private bool IsDoneAt(int order)
    {
        var (p, i) = At(order);
        return i < _doneBelow[p] || _doneAbove[p]?.Contains(i) == true;
    }

    private bool MarkDone(int order)
    {
        if (IsDoneAt(order)) return false;
        var (p, i) = At(order);
        var above = _doneAbove[p] ??= new HashSet<int>();
        above.Add(i);
        while (above.Remove(_doneBelow[p])) _doneBelow[p]++;
        Done++;
        return true;
    }

    /// <summary>A shard of a stopped point beyond its stop: never handed out or committed.</summary>
    private bool IsBeyondStop(int order)
    {
        if (_end is null) return false;
        var (p, i) = At(order);
        return i >= _end[p];
    }

    private bool IsPending(int order) => !IsDoneAt(order) && !_committing.Contains(order) && !_leaseOf.ContainsKey(order) && !IsBeyondStop(order);

    /// <summary>
    /// The samples.csv stream's report: <paramref name="point"/>'s complete prefix holds <paramref name="prefixShards"/>
    /// shards and it needs about <paramref name="toGo"/> samples more, each costing about <paramref name="costPerSample"/>
    /// (any unit common to all points; not positive: unknown, the cost stays as it was) — the allocation's input.
    /// </summary>
    public void Observe(int point, int prefixShards, long toGo, double costPerSample = 0)
    {
        if (_prefix is null) return;
        _prefix[point] = Math.Max(_prefix[point], prefixShards);
        _toGo![point] = toGo;
        if (costPerSample > 0) _cost![point] = costPerSample;
    }

    /// <summary>
    /// The sequential rule stopped <paramref name="point"/> after its first <paramref name="shards"/> shards: its later
    /// shards are no longer handed out, their leases are dropped and their results will not be committed.
    /// </summary>
    public void Close(int point, int shards)
    {
        if (_end is null || _stopped![point]) return;
        _stopped[point] = true;
        _open--;
        _total -= _end[point] - shards;
        _end[point] = shards;
        foreach (var l in _leases.Values.Where(l => l.Shard.Point == point && l.Shard.Index >= shards).ToList()) Drop(l);
    }

    /// <summary>Whether the rule stopped <paramref name="point"/>.</summary>
    public bool IsStopped(int point) => _stopped?[point] == true;

    /// <summary>
    /// Hands the next pending shard to <paramref name="workerId"/>, or null when none is pending. A worker that asks
    /// without <paramref name="keepExisting"/> (a fresh start) gives up the leases it held; one that asks ahead while
    /// still solving (prefetch) keeps them.
    /// </summary>
    public Lease? Assign(string workerId, DateTime now, bool keepExisting = false)
    {
        if (!keepExisting) Release(workerId);
        ExpireLeases(now);
        int next = -1;
        while (_requeued.Count > 0 && next < 0)
        {
            // Requeued shards come first: with a target they are the holes that keep a point's prefix from growing.
            int candidate = _requeued.Min;
            _requeued.Remove(candidate);
            if (IsPending(candidate)) next = candidate;
        }
        if (Sequential) next = next >= 0 ? next : NextByNeed();
        while (next < 0 && !Sequential && _cursor < _plan.Count)
        {
            int candidate = _cursor++;
            if (IsPending(candidate)) next = candidate;
        }
        if (next < 0) return null;
        var lease = new Lease(_nextLease++, _plan[next], workerId, now + LeaseDuration);
        _leases[lease.Id] = lease;
        _leaseOf[next] = lease.Id;
        if (!_leasesByWorker.TryGetValue(workerId, out var held)) _leasesByWorker[workerId] = held = new HashSet<long>();
        held.Add(lease.Id);
        return lease;
    }

    // The next shard of the point the allocation picks; −1 when no point has a shard left to hand out.
    private int NextByNeed()
    {
        int[] next = _next!, prefix = _prefix!;
        long[] end = _end!, toGo = _toGo!;
        long size = _plan.ShardSize;
        // A point whose cost is not measured yet is taken at the mean of the measured ones (the unit is theirs), 1 while
        // none is; while some are, it is unpriced (TargetAllocation gives it one shard to measure).
        double known = 0;
        int measured = 0;
        foreach (double c in _cost!) if (c > 0) { known += c; measured++; }
        double unknownCost = measured > 0 ? known / measured : 1;
        var needs = new PointNeed[_plan.Points];
        for (int p = 0; p < needs.Length; p++)
            needs[p] = new PointNeed(!_stopped![p] && next[p] < end[p],
                (toGo[p] + size - 1) / size * size,     // whole shards: a point one sample short still takes a shard
                Math.Max(0, next[p] - prefix[p]) * size,
                Math.Max(next[p], _doneBelow[p]) * size,  // after a resume the cursor starts at 0
                _cost[p] > 0 ? _cost[p] : unknownCost,
                Priced: _cost[p] > 0 || measured == 0 || _probed![p]);
        while (true)
        {
            int p = TargetAllocation.Choose(needs, _firstBatch, _allocation);
            if (p < 0) return -1;
            // Its cost is measured from this shard: one probe per point, even if the measurement never comes.
            if (!needs[p].Priced) _probed![p] = true;
            while (next[p] < end[p])
            {
                int order = _plan.OrderOf(p, next[p]++);
                if (IsPending(order)) return order;
            }
            needs[p] = needs[p] with { Open = false };
        }
    }

    /// <summary>
    /// A result for the shard arrived and is being written: it is no longer leased nor handed out again (unless the
    /// commit is abandoned). False when the shard is unknown, already done or already being committed.
    /// </summary>
    public bool BeginCommit(int point, int index)
    {
        int i = _plan.OrderOf(point, index);
        if (i >= 0 && IsBeyondStop(i)) { DropLeaseOf(i); return false; }
        if (i < 0 || IsDoneAt(i) || !_committing.Add(i)) return false;
        _requeued.Remove(i);
        DropLeaseOf(i);
        return true;
    }

    public CompletionOutcome Complete(int point, int index)
    {
        int i = _plan.OrderOf(point, index);
        if (i < 0) return CompletionOutcome.Unknown;
        _committing.Remove(i);
        if (!MarkDone(i)) return CompletionOutcome.Duplicate;
        _requeued.Remove(i);
        _failures.Remove(i);
        DropLeaseOf(i);
        return CompletionOutcome.Accepted;
    }

    public bool IsDone(int point, int index) => _plan.OrderOf(point, index) is var i && i >= 0 && IsDoneAt(i);

    public ShardKey? Find(int point, int index) => _plan.OrderOf(point, index) >= 0 ? _plan.Shard(point, index) : null;

    /// <summary>The worker reported failure: its shard goes back to the queue.</summary>
    public void Fail(long leaseId)
    {
        if (_leases.TryGetValue(leaseId, out var lease)) Requeue(lease);
    }

    /// <summary>
    /// The worker reported failure with <paramref name="reason"/>: its shard goes back to the queue. Returns how many
    /// times in a row the shard has now failed with this same reason (a different reason starts the count again).
    /// </summary>
    public int Fail(long leaseId, int point, int index, string reason)
    {
        Fail(leaseId);
        int i = _plan.OrderOf(point, index);
        if (i < 0) return 0;
        var count = _failures.TryGetValue(i, out var f) && f.Reason == reason ? f.Count + 1 : 1;
        _failures[i] = (reason, count);
        return count;
    }

    /// <summary>Gives up every lease the worker holds (it started afresh, or its node left).</summary>
    public void Release(string workerId)
    {
        if (!_leasesByWorker.TryGetValue(workerId, out var held)) return;
        foreach (var id in held.ToList())
            if (_leases.TryGetValue(id, out var lease)) Requeue(lease);
    }

    /// <summary>How many leases the worker holds now.</summary>
    public int LeasesOf(string workerId) => _leasesByWorker.TryGetValue(workerId, out var held) ? held.Count : 0;

    /// <summary>Releases every lease of workers whose id starts with <paramref name="prefix"/> (a node that left).</summary>
    public int ReleaseWorkersWithPrefix(string prefix)
    {
        var lost = _leases.Values.Where(l => l.WorkerId.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        foreach (var l in lost) Requeue(l);
        return lost.Count;
    }

    public int ExpireLeases(DateTime now)
    {
        if (_leases.Count == 0) return 0;
        var expired = _leases.Values.Where(l => l.Expires <= now).ToList();
        foreach (var l in expired) Requeue(l);
        return expired.Count;
    }

    private void Requeue(Lease lease)
    {
        Drop(lease);
        int i = _plan.OrderOf(lease.Shard.Point, lease.Shard.Index);
        if (IsPending(i)) _requeued.Add(i);
    }

    private void DropLeaseOf(int order)
    {
        if (_leaseOf.TryGetValue(order, out var id) && _leases.TryGetValue(id, out var lease)) Drop(lease);
    }

    private void Drop(Lease lease)
    {
        _leases.Remove(lease.Id);
        int i = _plan.OrderOf(lease.Shard.Point, lease.Shard.Index);
        if (_leaseOf.TryGetValue(i, out var id) && id == lease.Id) _leaseOf.Remove(i);
        if (_leasesByWorker.TryGetValue(lease.WorkerId, out var held))
        {
            held.Remove(lease.Id);
            if (held.Count == 0) _leasesByWorker.Remove(lease.WorkerId);
        }
    }
}

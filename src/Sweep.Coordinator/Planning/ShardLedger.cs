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
/// returned to the queue, and done shards a watermark (every position below it is done) plus the ones done out of
/// order. Only leases, commits in flight and out-of-order completions are held one object each.
/// </para>
/// </summary>
public sealed class ShardLedger
{
    /// <summary>A shard that fails this many times in a row with the same error fails the campaign (README).</summary>
    public const int MaxAttempts = 3;

    private readonly ShardPlan _plan;
    private int _cursor;                                    // next position never handed out
    private readonly SortedSet<int> _requeued = new();     // positions below the cursor returned to the queue
    private int _doneBelow;                                 // every position below is done
    private readonly HashSet<int> _doneAbove = new();       // done positions ≥ _doneBelow
    private readonly HashSet<int> _committing = new();
    private readonly Dictionary<long, Lease> _leases = new();
    private readonly Dictionary<int, long> _leaseOf = new();
    private readonly Dictionary<string, HashSet<long>> _leasesByWorker = new();
    private readonly Dictionary<int, (string Reason, int Count)> _failures = new();
    private long _nextLease = 1;

    public ShardLedger(ShardPlan plan, IEnumerable<(int Point, int Index)> alreadyDone, TimeSpan leaseDuration)
    {
        _plan = plan;
        LeaseDuration = leaseDuration;
        foreach (var (p, i) in alreadyDone)
        {
            int order = plan.OrderOf(p, i);
            if (order >= 0) MarkDone(order);
        }
    }

    public TimeSpan LeaseDuration { get; }
    public int Total => _plan.Count;
    public int Done { get; private set; }
    public int Pending => Total - Done - _leases.Count - _committing.Count;
    public int Leased => _leases.Count;
    public bool IsComplete => Done == Total;
    public IEnumerable<Lease> ActiveLeases => _leases.Values;

    private bool IsDoneAt(int order) => order < _doneBelow || _doneAbove.Contains(order);

    private bool MarkDone(int order)
    {
        if (IsDoneAt(order)) return false;
        _doneAbove.Add(order);
        while (_doneAbove.Remove(_doneBelow)) _doneBelow++;
        Done++;
        return true;
    }

    private bool IsPending(int order) => !IsDoneAt(order) && !_committing.Contains(order) && !_leaseOf.ContainsKey(order);

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
            int candidate = _requeued.Min;
            _requeued.Remove(candidate);
            if (IsPending(candidate)) next = candidate;
        }
        while (next < 0 && _cursor < _plan.Count)
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

    /// <summary>
    /// A result for the shard arrived and is being written: it is no longer leased nor handed out again (unless the
    /// commit is abandoned). False when the shard is unknown, already done or already being committed.
    /// </summary>
    public bool BeginCommit(int point, int index)
    {
        int i = _plan.OrderOf(point, index);
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

using Sweep.Campaigns;

namespace Sweep.Coordinator.Planning;

/// <summary>A shard handed to a worker until <see cref="Expires"/>.</summary>
public sealed record Lease(long Id, ShardKey Shard, string WorkerId, DateTime Expires);

public enum CompletionOutcome { Accepted, Duplicate, Unknown }

/// <summary>
/// Which shards are pending, leased and done. Pure bookkeeping, no I/O or clocks (time is passed in): the
/// coordinator actor drives it and persists the outcome. A worker that asks again gives up the lease it held;
/// expired or failed leases return their shard to the front of the queue; the first result for a shard wins.
/// </summary>
public sealed class ShardLedger
{
    private readonly IReadOnlyList<ShardKey> _plan;
    private readonly Dictionary<(int Point, int Index), int> _order = new();
    private readonly SortedSet<int> _pending = new();
    private readonly HashSet<int> _done = new();
    private readonly HashSet<int> _committing = new();
    private readonly Dictionary<long, Lease> _leases = new();
    private readonly Dictionary<string, HashSet<long>> _leasesByWorker = new();
    private long _nextLease = 1;

    public ShardLedger(IReadOnlyList<ShardKey> plan, IEnumerable<(int Point, int Index)> alreadyDone, TimeSpan leaseDuration)
    {
        _plan = plan;
        LeaseDuration = leaseDuration;
        for (int i = 0; i < plan.Count; i++) _order[(plan[i].Point, plan[i].Index)] = i;
        foreach (var d in alreadyDone)
            if (_order.TryGetValue(d, out var i)) _done.Add(i);
        for (int i = 0; i < plan.Count; i++) if (!_done.Contains(i)) _pending.Add(i);
    }

    public TimeSpan LeaseDuration { get; }
    public int Total => _plan.Count;
    public int Done => _done.Count;
    public int Pending => _pending.Count;
    public int Leased => _leases.Count;
    public bool IsComplete => _done.Count == _plan.Count;
    public IEnumerable<Lease> ActiveLeases => _leases.Values;

    /// <summary>
    /// Hands the next pending shard to <paramref name="workerId"/>, or null when none is pending. A worker that asks
    /// without <paramref name="keepExisting"/> (a fresh start) gives up the leases it held; one that asks ahead while
    /// still solving (prefetch) keeps them.
    /// </summary>
    public Lease? Assign(string workerId, DateTime now, bool keepExisting = false)
    {
        if (!keepExisting) Release(workerId);
        ExpireLeases(now);
        if (_pending.Count == 0) return null;
        int next = _pending.Min;
        _pending.Remove(next);
        var lease = new Lease(_nextLease++, _plan[next], workerId, now + LeaseDuration);
        _leases[lease.Id] = lease;
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
        if (!_order.TryGetValue((point, index), out var i) || _done.Contains(i) || !_committing.Add(i)) return false;
        _pending.Remove(i);
        foreach (var lease in _leases.Values.Where(l => l.Shard.Point == point && l.Shard.Index == index).ToList()) Drop(lease);
        return true;
    }

    public CompletionOutcome Complete(int point, int index)
    {
        if (!_order.TryGetValue((point, index), out var i)) return CompletionOutcome.Unknown;
        _committing.Remove(i);
        if (!_done.Add(i)) return CompletionOutcome.Duplicate;
        _pending.Remove(i);
        foreach (var lease in _leases.Values.Where(l => l.Shard.Point == point && l.Shard.Index == index).ToList()) Drop(lease);
        return CompletionOutcome.Accepted;
    }

    public bool IsDone(int point, int index) => _order.TryGetValue((point, index), out var i) && _done.Contains(i);

    public ShardKey? Find(int point, int index) => _order.TryGetValue((point, index), out var i) ? _plan[i] : null;

    /// <summary>The worker reported failure: its shard goes back to the queue.</summary>
    public void Fail(long leaseId)
    {
        if (_leases.TryGetValue(leaseId, out var lease)) Requeue(lease);
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
        var expired = _leases.Values.Where(l => l.Expires <= now).ToList();
        foreach (var l in expired) Requeue(l);
        return expired.Count;
    }

    private void Requeue(Lease lease)
    {
        Drop(lease);
        int i = _order[(lease.Shard.Point, lease.Shard.Index)];
        if (!_done.Contains(i) && !_committing.Contains(i)) _pending.Add(i);
    }

    private void Drop(Lease lease)
    {
        _leases.Remove(lease.Id);
        if (_leasesByWorker.TryGetValue(lease.WorkerId, out var held))
        {
            held.Remove(lease.Id);
            if (held.Count == 0) _leasesByWorker.Remove(lease.WorkerId);
        }
    }
}

using Sweep.Coordinator.Planning;
using Sweep.Campaigns;

namespace Sweep.Coordinator.Tests;

public class ShardLedgerTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 23, 5)]
    [InlineData(2, 250, 250)]
    [InlineData(4, 1001, 100)]
    public void Plan_covers_every_sample_of_every_point_exactly_once(int points, long samples, int shardSize)
    {
        var plan = ShardPlan.Create(points, samples, shardSize);
        var seen = new HashSet<(int, long)>();
        foreach (var s in plan)
        {
            Assert.InRange(s.Count, 1, shardSize);
            for (long i = s.FirstSample; i < s.FirstSample + s.Count; i++) Assert.True(seen.Add((s.Point, i)), $"({s.Point},{i}) twice");
        }
        Assert.Equal(points * samples, seen.Count);
        Assert.All(seen, x => Assert.InRange(x.Item2, 0, samples - 1));
        Assert.Equal(plan.Count, plan.Select(s => (s.Point, s.Index)).Distinct().Count());
    }

    [Fact]
    public void Plan_interleaves_points()
    {
        var plan = ShardPlan.Create(3, 10, 5);
        Assert.Equal([0, 1, 2, 0, 1, 2], plan.Select(s => s.Point));
    }

    [Fact]
    public void Ledger_hands_out_each_shard_once_and_completes()
    {
        var plan = ShardPlan.Create(2, 10, 5);
        var ledger = new ShardLedger(plan, [], TimeSpan.FromMinutes(1));
        var leases = new List<Lease>();
        for (int w = 0; w < 4; w++) leases.Add(ledger.Assign($"w{w}", T0)!);
        Assert.Null(ledger.Assign("w9", T0));
        Assert.Equal(4, leases.Select(l => (l.Shard.Point, l.Shard.Index)).Distinct().Count());
        foreach (var l in leases) Assert.Equal(CompletionOutcome.Accepted, ledger.Complete(l.Shard.Point, l.Shard.Index));
        Assert.True(ledger.IsComplete);
    }

    [Fact]
    public void A_worker_that_asks_again_gives_up_its_lease_and_the_shard_is_handed_out_again()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 10, 5), [], TimeSpan.FromMinutes(1));
        var first = ledger.Assign("w0", T0)!;
        var again = ledger.Assign("w0", T0)!;     // w0 restarted: its first shard is pending again
        Assert.Equal(first.Shard, again.Shard);
        var other = ledger.Assign("w1", T0)!;
        Assert.NotEqual(first.Shard, other.Shard);
    }

    [Fact]
    public void A_worker_fetching_ahead_keeps_its_lease_and_a_fresh_start_releases_both()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 20, 5), [], TimeSpan.FromMinutes(1));
        var current = ledger.Assign("w0", T0)!;
        var ahead = ledger.Assign("w0", T0, keepExisting: true)!;
        Assert.NotEqual(current.Shard, ahead.Shard);
        Assert.Equal(2, ledger.LeasesOf("w0"));
        Assert.Equal(CompletionOutcome.Accepted, ledger.Complete(current.Shard.Point, current.Shard.Index));
        Assert.Equal(1, ledger.LeasesOf("w0"));
        ledger.Assign("w0", T0, keepExisting: true);
        ledger.Assign("w0", T0);                    // restarted: both held leases go back to the queue
        Assert.Equal(1, ledger.LeasesOf("w0"));
        Assert.Equal(2, ledger.Pending);
    }

    [Fact]
    public void Failed_shard_is_retried()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 10, 5), [], TimeSpan.FromMinutes(1));
        var a = ledger.Assign("w0", T0)!;
        var b = ledger.Assign("w1", T0)!;
        ledger.Fail(a.Id);
        var c = ledger.Assign("w2", T0)!;
        Assert.Equal(a.Shard, c.Shard);
        Assert.NotEqual(b.Shard, c.Shard);
    }

    [Fact]
    public void Expired_leases_are_handed_out_again_and_a_late_result_still_counts_once()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 5, 5), [], TimeSpan.FromSeconds(30));
        var slow = ledger.Assign("slow", T0)!;
        Assert.Null(ledger.Assign("fast", T0.AddSeconds(10)));
        var retry = ledger.Assign("fast", T0.AddSeconds(31))!;
        Assert.Equal(slow.Shard, retry.Shard);
        Assert.Equal(CompletionOutcome.Accepted, ledger.Complete(slow.Shard.Point, slow.Shard.Index));   // the presumed-dead worker answers first
        Assert.Equal(CompletionOutcome.Duplicate, ledger.Complete(retry.Shard.Point, retry.Shard.Index));
        Assert.True(ledger.IsComplete);
        Assert.Equal(0, ledger.Leased);
    }

    [Fact]
    public void Resumed_ledger_skips_finished_shards()
    {
        var plan = ShardPlan.Create(2, 10, 5);
        var ledger = new ShardLedger(plan, [(0, 0), (1, 1)], TimeSpan.FromMinutes(1));
        Assert.Equal(2, ledger.Done);
        var handed = new List<ShardKey>();
        while (ledger.Assign($"w{handed.Count}", T0) is { } l) handed.Add(l.Shard);
        Assert.Equal([(1, 0), (0, 1)], handed.Select(s => (s.Point, s.Index)));
    }

    [Fact]
    public void Node_loss_releases_the_leases_of_its_workers_only()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 20, 5), [], TimeSpan.FromMinutes(1));
        ledger.Assign("10.0.0.1:5:1#0", T0);
        ledger.Assign("10.0.0.1:5:1#1", T0);
        ledger.Assign("10.0.0.2:5:7#0", T0);
        Assert.Equal(2, ledger.ReleaseWorkersWithPrefix("10.0.0.1:5:1#"));
        Assert.Equal(1, ledger.Leased);
        Assert.Equal(3, ledger.Pending);
    }

    [Fact]
    public void A_shard_being_committed_is_not_handed_out_again_even_when_its_worker_asks_for_more()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 10, 5), [], TimeSpan.FromMinutes(1));
        var a = ledger.Assign("w0", T0)!;
        Assert.True(ledger.BeginCommit(a.Shard.Point, a.Shard.Index));
        Assert.False(ledger.BeginCommit(a.Shard.Point, a.Shard.Index));      // a duplicate result while committing
        var next = ledger.Assign("w0", T0)!;                                   // the worker moves on at once
        Assert.NotEqual(a.Shard, next.Shard);
        Assert.Null(ledger.Assign("w1", T0));                                  // nothing else is pending
        Assert.Equal(0, ledger.ExpireLeases(T0.AddHours(1)) - 1);             // only w0's new lease can expire
        Assert.Equal(CompletionOutcome.Accepted, ledger.Complete(a.Shard.Point, a.Shard.Index));
        Assert.False(ledger.BeginCommit(a.Shard.Point, a.Shard.Index));      // done: later results are ignored
    }

    [Fact]
    public void Unknown_shards_are_reported()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 5, 5), [], TimeSpan.FromMinutes(1));
        Assert.Equal(CompletionOutcome.Unknown, ledger.Complete(3, 0));
    }

    [Fact]
    public void An_enormous_plan_is_not_materialised_by_the_plan_nor_the_ledger()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        // 2·10^9 shards: one object per shard would be hundreds of gigabytes.
        var plan = ShardPlan.Create(2, 1_000_000_000, 1);
        Assert.Equal(2_000_000_000, plan.Count);
        var ledger = new ShardLedger(plan, [(0, 0), (1, 0), (0, 5)], TimeSpan.FromMinutes(1));
        Assert.Equal(3, ledger.Done);
        var leases = Enumerable.Range(0, 10).Select(i => ledger.Assign($"w{i}", T0)!).ToList();
        Assert.Equal([(0, 1), (1, 1), (0, 2), (1, 2), (0, 3), (1, 3), (0, 4), (1, 4), (1, 5), (0, 6)], leases.Select(l => (l.Shard.Point, l.Shard.Index)));
        Assert.Equal(plan[1_999_999_999], new ShardKey(1, 999_999_999, 999_999_999, 1));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 10_000_000);
    }

    [Fact]
    public void Done_shards_are_compacted_to_a_watermark_and_requeued_ones_come_first()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 100, 1), [], TimeSpan.FromMinutes(1));
        var a = ledger.Assign("a", T0)!;
        var b = ledger.Assign("b", T0)!;
        ledger.Fail(a.Id);
        Assert.Equal(a.Shard, ledger.Assign("c", T0)!.Shard);     // back to the front of the queue
        Assert.Equal(CompletionOutcome.Accepted, ledger.Complete(b.Shard.Point, b.Shard.Index));
        Assert.Equal(CompletionOutcome.Duplicate, ledger.Complete(b.Shard.Point, b.Shard.Index));
        Assert.Equal(CompletionOutcome.Unknown, ledger.Complete(0, 100));
        Assert.True(ledger.IsDone(0, 1));
        Assert.False(ledger.IsDone(0, 0));
        Assert.Equal(100 - 1, ledger.Pending + ledger.Leased);
        Assert.Equal(1, ledger.Leased);
    }

    [Fact]
    public void The_same_failure_is_counted_and_another_reason_starts_again()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 10, 5), [], TimeSpan.FromMinutes(1));
        int Fail(string reason)
        {
            var l = ledger.Assign("w", T0)!;
            Assert.Equal(0, l.Shard.Index);
            return ledger.Fail(l.Id, l.Shard.Point, l.Shard.Index, reason);
        }
        Assert.Equal(1, Fail("out of memory"));
        Assert.Equal(2, Fail("out of memory"));
        Assert.Equal(1, Fail("disk"));
        Assert.Equal(2, Fail("disk"));
        Assert.Equal(ShardLedger.MaxAttempts, Fail("disk"));
    }
}

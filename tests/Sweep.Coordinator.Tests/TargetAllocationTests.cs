using Sweep.Campaigns;
using Sweep.Coordinator.Planning;

namespace Sweep.Coordinator.Tests;

public class TargetAllocationTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_first_batch_goes_first_then_the_smallest_positive_need_then_the_least_overshoot()
    {
        const long batch = 200;
        // First batch not all handed out: the fewest handed out first, whatever the needs.
        Assert.Equal(2, TargetAllocation.Choose([new(true, 100, 0, 400), new(true, 5000, 0, 200), new(true, 300, 0, 100)], batch));
        Assert.Equal(0, TargetAllocation.Choose([new(true, 100, 0, 0), new(false, 5000, 0, 0), new(true, 300, 0, 100)], batch));
        // Then the smallest positive need: the point closest to its decision.
        Assert.Equal(0, TargetAllocation.Choose([new(true, 100, 0, 400), new(true, 500, 0, 400), new(true, 300, 0, 400)], batch));
        Assert.Equal(2, TargetAllocation.Choose([new(true, 100, 100, 400), new(true, 500, 0, 400), new(true, 300, 0, 400)], batch));   // 0 has enough in flight
        Assert.Equal(0, TargetAllocation.Choose([new(true, 300, 0, 400), new(false, 50, 0, 400), new(true, 300, 0, 400)], batch));     // 1 is stopped; tie to the lowest
        // Needs are weighed by the cost of a sample: 300 samples at cost 1 come before 100 at cost 5.
        Assert.Equal(1, TargetAllocation.Choose([new(true, 100, 0, 400, 5), new(true, 300, 0, 400, 1)], batch));
        // A point whose cost is not measured (while others' are) gets one shard to measure it, whatever its need...
        Assert.Equal(1, TargetAllocation.Choose([new(true, 100, 0, 400, 5), new(true, 300, 0, 400, 5, Priced: false)], batch));
        // ...but one at a time: with a shard ahead of its prefix it waits for the measurement, priced at the mean meanwhile.
        Assert.Equal(0, TargetAllocation.Choose([new(true, 100, 0, 400, 5), new(true, 300, 100, 400, 5, Priced: false)], batch));
        // Every open point has enough in flight: the largest need (least overshoot).
        Assert.Equal(1, TargetAllocation.Choose([new(true, 0, 100, 400), new(true, 0, 50, 400)], batch));
        Assert.Equal(-1, TargetAllocation.Choose([new(false, 10, 0, 0)], batch));
    }

    [Fact]
    public void Round_robin_gives_the_point_with_the_fewest_handed_out()
    {
        Assert.Equal(1, TargetAllocation.Choose([new(true, 1, 0, 400), new(true, 9000, 0, 300), new(true, 5, 0, 300)], 100, AllocationRule.RoundRobin));
    }

    [Fact]
    public void Sequential_ledger_gives_the_first_batch_round_robin_then_the_point_closest_to_its_decision()
    {
        var plan = ShardPlan.Create(3, 1000, 10);
        var ledger = new ShardLedger(plan, [], TimeSpan.FromMinutes(1), firstBatch: 20);
        var first = Enumerable.Range(0, 6).Select(i => ledger.Assign($"w{i}", T0, keepExisting: true)!.Shard).ToList();
        Assert.Equal([0, 1, 2, 0, 1, 2], first.Select(s => s.Point));
        Assert.Equal([0, 0, 0, 1, 1, 1], first.Select(s => s.Index));
        foreach (var s in first) { Assert.True(ledger.BeginCommit(s.Point, s.Index)); ledger.Complete(s.Point, s.Index); }
        // Point 2 needs 500 more, point 1 100, point 0 nothing (about to stop): point 1 is decided first, then point 2.
        ledger.Observe(0, 2, 0);
        ledger.Observe(1, 2, 100);
        ledger.Observe(2, 2, 500);
        var next = Enumerable.Range(0, 62).Select(i => ledger.Assign($"x{i}", T0, keepExisting: true)!.Shard.Point).ToList();
        Assert.All(next.Take(10), p => Assert.Equal(1, p));
        Assert.All(next.Skip(10).Take(50), p => Assert.Equal(2, p));
        // Then every point has enough in flight: the least overshoot (point 0, with nothing ahead) goes next.
        Assert.Equal(0, next[60]);
    }

    [Fact]
    public void Needs_count_whole_shards_and_an_unmeasured_cost_is_the_mean_of_the_measured()
    {
        var plan = ShardPlan.Create(3, 10_000, 100);
        var done = Enumerable.Range(0, 3).SelectMany(p => new[] { (p, 0), (p, 1) });
        var ledger = new ShardLedger(plan, done, TimeSpan.FromMinutes(1), firstBatch: 200);
        // Point 0: 1 sample short at cost 6 (a whole shard: 600); point 1: 150 samples at cost 1 (two shards: 200).
        ledger.Observe(0, 2, 1, 6);
        ledger.Observe(1, 2, 150, 1);
        ledger.Observe(2, 2, 10_000, 1);
        Assert.Equal(1, ledger.Assign("w1", T0, keepExisting: true)!.Shard.Point);
        Assert.Equal(1, ledger.Assign("w2", T0, keepExisting: true)!.Shard.Point);
        Assert.Equal(0, ledger.Assign("w3", T0, keepExisting: true)!.Shard.Point);
        var ledger2 = new ShardLedger(ShardPlan.Create(3, 10_000, 100), done, TimeSpan.FromMinutes(1), firstBatch: 200);
        ledger2.Observe(0, 2, 1000, 10);                               // 10 000
        ledger2.Observe(1, 2, 1000, 30);                               // 30 000
        ledger2.Observe(2, 2, 600);                                    // unmeasured
        // Point 2 gets one shard to measure its cost; meanwhile it is taken at the mean of the measured (20): its need
        // less that shard, 500 × 20 = 10 000, ties with point 0 (at cost 1, 500, it would come first again).
        Assert.Equal(2, ledger2.Assign("w1", T0, keepExisting: true)!.Shard.Point);
        Assert.Equal(0, ledger2.Assign("w2", T0, keepExisting: true)!.Shard.Point);
    }

    [Fact]
    public void After_a_resume_a_point_without_a_measured_cost_gets_one_shard_to_measure_it_then_its_turn_by_work()
    {
        var plan = ShardPlan.Create(3, 10_000, 100);
        var done = Enumerable.Range(0, 3).SelectMany(p => Enumerable.Range(0, 5).Select(i => (p, i)));
        var ledger = new ShardLedger(plan, done, TimeSpan.FromMinutes(1), firstBatch: 200);
        // Points 0 and 1 measured (their stored shards carry costs); point 2's stored shards carry none.
        ledger.Observe(0, 5, 4000, 50);
        ledger.Observe(1, 5, 4000, 60);
        ledger.Observe(2, 5, 4000);
        var probe = ledger.Assign("w0", T0, keepExisting: true)!.Shard;
        Assert.Equal((2, 5), (probe.Point, probe.Index));               // the shard right after its stored prefix
        // Until that shard joins the prefix, no second one on its account: point 2 is priced at the mean (55) meanwhile.
        Assert.Equal([0, 0], Enumerable.Range(1, 2).Select(i => ledger.Assign($"w{i}", T0, keepExisting: true)!.Shard.Point));
        // The probe's shard joins the prefix without a count (never so in practice): no second probe in this run; it
        // stays at the mean, behind point 0 (3 800 × 50 against 3 900 × 55).
        Assert.True(ledger.BeginCommit(2, 5));
        ledger.Complete(2, 5);
        ledger.Observe(2, 6, 3900);
        Assert.Equal(0, ledger.Assign("w3", T0, keepExisting: true)!.Shard.Point);
        // Measured: cheap (1 per sample), so it is the closest to its decision and goes next.
        ledger.Observe(2, 6, 3900, 1);
        Assert.Equal(2, ledger.Assign("w4", T0, keepExisting: true)!.Shard.Point);
    }

    [Fact]
    public void After_a_resume_points_with_their_first_batch_stored_are_not_taken_for_new_ones()
    {
        var plan = ShardPlan.Create(2, 1000, 10);
        // Point 0 has 50 shards stored by an earlier run and needs 10 samples more; point 1 has nothing yet.
        var ledger = new ShardLedger(plan, Enumerable.Range(0, 50).Select(i => (0, i)), TimeSpan.FromMinutes(1), firstBatch: 20);
        ledger.Observe(0, 50, 10);
        var order = Enumerable.Range(0, 3).Select(i => ledger.Assign($"w{i}", T0, keepExisting: true)!.Shard).ToList();
        Assert.Equal([1, 1, 0], order.Select(s => s.Point));          // point 1's first batch, then point 0's last shard
        Assert.Equal(50, order[2].Index);
    }

    [Fact]
    public void A_stopped_point_gets_no_more_shards_its_later_results_are_refused_and_the_campaign_completes_at_its_stop()
    {
        var plan = ShardPlan.Create(2, 100, 10);
        var ledger = new ShardLedger(plan, [(1, 0)], TimeSpan.FromMinutes(1), firstBatch: 10);
        var leases = Enumerable.Range(0, 5).Select(i => ledger.Assign($"w{i}", T0, keepExisting: true)!).ToList();
        Assert.DoesNotContain(leases, l => l.Shard is { Point: 1, Index: 0 });      // stored by an earlier run
        var p0 = leases.Where(l => l.Shard.Point == 0).Select(l => l.Shard.Index).ToList();
        Assert.Contains(0, p0);
        Assert.Contains(1, p0);
        foreach (var l in leases.Where(l => l.Shard.Point == 0 && l.Shard.Index == 0)) { ledger.BeginCommit(0, 0); ledger.Complete(0, 0); }
        ledger.Close(0, 1);                                           // point 0 stops after its first shard
        Assert.True(ledger.IsStopped(0));
        Assert.False(ledger.BeginCommit(0, 1));                       // solved ahead of the stop: not committed
        Assert.DoesNotContain(ledger.ActiveLeases, l => l.Shard.Point == 0);
        Assert.Equal(1 + 10, ledger.Total);
        foreach (var l in leases.Where(l => l.Shard.Point == 1 && l.Shard.Index < 3)) { ledger.BeginCommit(1, l.Shard.Index); ledger.Complete(1, l.Shard.Index); }
        for (int i = 0; i < 20; i++)
        {
            var l = ledger.Assign("w", T0, keepExisting: true);
            if (l is null) break;
            Assert.Equal(1, l.Shard.Point);
            if (l.Shard.Index < 3) { ledger.BeginCommit(1, l.Shard.Index); ledger.Complete(1, l.Shard.Index); }
        }
        Assert.False(ledger.IsComplete);                              // point 1 has not stopped
        ledger.Close(1, 3);
        Assert.True(ledger.IsComplete);
    }

    [Fact]
    public void Completion_waits_for_the_prefix_up_to_the_stop_even_when_the_stop_is_reported_first()
    {
        var ledger = new ShardLedger(ShardPlan.Create(1, 30, 10), [], TimeSpan.FromMinutes(1), firstBatch: 10);
        var a = ledger.Assign("w", T0, keepExisting: true)!;
        var b = ledger.Assign("w", T0, keepExisting: true)!;
        ledger.BeginCommit(0, a.Shard.Index);
        ledger.Close(0, 2);
        Assert.False(ledger.IsComplete);
        ledger.Complete(0, a.Shard.Index);
        ledger.BeginCommit(0, b.Shard.Index);
        ledger.Complete(0, b.Shard.Index);
        Assert.True(ledger.IsComplete);
    }

    [Fact]
    public void Requeued_shards_go_first()
    {
        var ledger = new ShardLedger(ShardPlan.Create(2, 100, 10), [], TimeSpan.FromMinutes(1), firstBatch: 10);
        var a = ledger.Assign("w1", T0, keepExisting: true)!;
        ledger.Assign("w2", T0, keepExisting: true);
        ledger.Fail(a.Id);
        Assert.Equal(a.Shard, ledger.Assign("w3", T0, keepExisting: true)!.Shard);
    }
}

using Akka.Actor;
using Akka.TestKit.Xunit2;
using Sweep.Coordinator.Actors;
using Sweep.Campaigns;
using Sweep.Hosting;
using Sweep.Coordinator.Planning;
using Sweep.Results.Storage;
using Sweep.Messages;

namespace Sweep.Coordinator.Tests;

public sealed class CoordinatorActorTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public CoordinatorActorTests() : base("sweep.store-dispatcher { type = PinnedDispatcher }") { }

    private (Campaign, CampaignStore, CampaignHandle, string) Start(Campaign? campaign = null, TimeSpan? lease = null)
    {
        campaign ??= TestCampaigns.Parse();
        var dir = TestCampaigns.TempDir();
        var (store, _, err) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        Assert.Null(err);
        var options = new CoordinatorOptions(dir) { LeaseDuration = lease ?? TimeSpan.FromMinutes(5), SweepInterval = TimeSpan.FromMilliseconds(100) };
        return (campaign, store!, SweepCluster.StartCampaign(Sys, campaign, store!, options), dir);
    }

    private static ShardCompleted Result(string worker, WorkAssignment a) =>
        new(worker, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex,
            TestSamples.Of(new ShardKey(a.Point, a.ShardIndex, a.FirstSample, a.Count)));

    [Fact]
    public void Workers_pulling_shards_cover_every_sample_exactly_once_and_the_outputs_are_written()
    {
        var (campaign, store, handle, dir) = Start();
        using var _ = store;
        var worker = CreateTestProbe();
        var assignments = new List<WorkAssignment>();
        while (true)
        {
            handle.Coordinator.Tell(new RequestWork("w#0", assignments.Count == 0 ? null : campaign.Hash), worker);
            var reply = worker.ExpectMsg<IWorkerReply>(Wait);
            if (reply is not WorkAssignment a) break;
            Assert.Equal(assignments.Count == 0, a.Spec is not null);    // the spec travels only to a worker that lacks it
            assignments.Add(a);
            handle.Coordinator.Tell(Result("w#0", a), worker);
        }
        var covered = assignments.SelectMany(a => Enumerable.Range(0, a.Count).Select(i => (a.Point, a.FirstSample + i))).ToList();
        Assert.Equal(covered.Count, covered.Distinct().Count());
        Assert.Equal(campaign.TotalSamples, covered.Count);

        handle.Coordinator.Tell(NotifyWhenFinished.Instance, TestActor);
        var finished = ExpectMsg<CampaignFinished>(Wait);
        Assert.True(File.Exists(finished.SummaryPath));
        Assert.Equal(campaign.TotalSamples + 1, File.ReadAllLines(finished.SamplesPath).Length);
        Assert.Equal(campaign.TotalSamples, store.SampleCount());
        handle.Coordinator.Tell(new RequestWork("w#0", campaign.Hash), worker);
        Assert.True(worker.ExpectMsg<NoWorkAvailable>(Wait).Finished);
    }

    [Fact]
    public void A_failed_shard_is_handed_out_again()
    {
        var (campaign, store, handle, _) = Start();
        using var _ = store;
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        handle.Coordinator.Tell(new RequestWork("a#0", null), a);
        var first = a.ExpectMsg<WorkAssignment>(Wait);
        handle.Coordinator.Tell(new ShardFailed("a#0", campaign.Hash, first.LeaseId, first.Point, first.ShardIndex, "boom"), a);
        handle.Coordinator.Tell(new RequestWork("b#0", null), b);
        var retry = b.ExpectMsg<WorkAssignment>(Wait);
        Assert.Equal((first.Point, first.ShardIndex), (retry.Point, retry.ShardIndex));
    }

    [Fact]
    public async Task An_expired_lease_is_handed_out_again_and_the_late_result_counts_once()
    {
        var campaign = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23", "\"samples\": 5").Replace("\"sweep\": { \"init.scale\": [0.2, 0.4] }", "\"trace_samples\": 0"));
        var (_, store, handle, _) = Start(campaign, lease: TimeSpan.FromMilliseconds(300));
        using var _ = store;
        var slow = CreateTestProbe();
        var fast = CreateTestProbe();
        handle.Coordinator.Tell(new RequestWork("slow#0", null), slow);
        var lease = slow.ExpectMsg<WorkAssignment>(Wait);
        WorkAssignment? again = null;
        AwaitCondition(() =>
        {
            handle.Coordinator.Tell(new RequestWork("fast#0", null), fast);
            again = fast.ExpectMsg<IWorkerReply>(Wait) as WorkAssignment;
            return again is not null;
        }, Wait, TimeSpan.FromMilliseconds(100));
        Assert.Equal((lease.Point, lease.ShardIndex), (again!.Point, again.ShardIndex));
        handle.Coordinator.Tell(Result("slow#0", lease), slow);
        handle.Coordinator.Tell(Result("fast#0", again), fast);
        handle.Coordinator.Tell(NotifyWhenFinished.Instance, TestActor);
        ExpectMsg<CampaignFinished>(Wait);
        Assert.Equal(5, store.SampleCount());
        var progress = await handle.Aggregator.Ask<Progress>(GetProgress.Instance, Wait);
        Assert.Equal(5, progress.Done);
    }

    [Fact]
    public async Task Out_of_order_and_duplicate_results_aggregate_to_the_same_statistics()
    {
        var (campaign, store, handle, _) = Start();
        using var _ = store;
        var workers = Enumerable.Range(0, 12).Select(_ => CreateTestProbe()).ToList();
        var leases = new List<(string, WorkAssignment)>();
        for (int i = 0; i < workers.Count; i++)
        {
            handle.Coordinator.Tell(new RequestWork($"w{i}#0", null), workers[i]);
            if (workers[i].ExpectMsg<IWorkerReply>(Wait) is WorkAssignment a) leases.Add(($"w{i}#0", a));
        }
        Assert.Equal(10, leases.Count);    // 2 points × 5 shards
        foreach (var (w, a) in Enumerable.Reverse(leases)) handle.Coordinator.Tell(Result(w, a));
        foreach (var (w, a) in leases.Take(4)) handle.Coordinator.Tell(Result(w, a));     // duplicates
        handle.Coordinator.Tell(NotifyWhenFinished.Instance, TestActor);
        ExpectMsg<CampaignFinished>(Wait);
        var progress = await handle.Aggregator.Ask<Progress>(GetProgress.Instance, Wait);
        Assert.Equal(campaign.TotalSamples, progress.Done);
        var fromStore = Sweep.Results.Output.OutputWriter.Aggregate(campaign, store.ReadSamples()).Select(s => s.Summarize()).ToList();
        for (int p = 0; p < fromStore.Count; p++)
        {
            Assert.Equal(fromStore[p].Labels, progress.Points[p].Labels);
            Assert.Equal(fromStore[p].HitTimes, progress.Points[p].HitTimes);
        }
    }

    [Fact]
    public void Malformed_and_foreign_results_are_ignored()
    {
        var (campaign, store, handle, _) = Start();
        using var _ = store;
        var w = CreateTestProbe();
        handle.Coordinator.Tell(new RequestWork("w#0", null), w);
        var a = w.ExpectMsg<WorkAssignment>(Wait);
        var good = Result("w#0", a);
        handle.Coordinator.Tell(good with { CampaignHash = "other" });
        handle.Coordinator.Tell(good with { Samples = good.Samples[1..] });
        handle.Coordinator.Tell(good with { ShardIndex = 999 });
        // Still pending: the same worker asking again gets the same shard back.
        handle.Coordinator.Tell(new RequestWork("w#0", campaign.Hash), w);
        var again = w.ExpectMsg<WorkAssignment>(Wait);
        Assert.Equal((a.Point, a.ShardIndex), (again.Point, again.ShardIndex));
        Assert.Equal(0, store.SampleCount());
    }
}

using Akka.Actor;
using Sweep.Coordinator;
using Sweep.Coordinator.Actors;
using Sweep.Campaigns;
using Sweep.Hosting;
using Sweep.Coordinator.Planning;
using Sweep.Results.Storage;
using Sweep.Messages;

namespace Sweep.Coordinator.Tests;

/// <summary>The coordinator on a node started by the production wiring (coordinator feature only), driven by test probes as workers.</summary>
public sealed class CoordinatorActorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static async Task<(Campaign, CampaignStore, NodeTestKit, string)> Start(Campaign? campaign = null, TimeSpan? lease = null, string? numerics = null)
    {
        campaign ??= TestCampaigns.Parse();
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        var options = new CoordinatorOptions(dir) { LeaseDuration = lease ?? TimeSpan.FromMinutes(5), SweepInterval = TimeSpan.FromMilliseconds(100), Numerics = numerics };
        var kit = await NodeTestKit.StartAsync(new NodeOptions { Coordinator = new CoordinatorSetup(campaign, store, options) });
        return (campaign, store, kit, dir);
    }

    private static ShardCompleted Result(string worker, WorkAssignment a) =>
        new(worker, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex,
            TestSamples.Of(new ShardKey(a.Point, a.ShardIndex, a.FirstSample, a.Count)));

    [Fact]
    public async Task Workers_pulling_shards_cover_every_sample_exactly_once_and_the_outputs_are_written()
    {
        var (campaign, store, kit, dir) = await Start();
        using var _ = store;
        await using var __ = kit;
        var worker = kit.CreateTestProbe();
        var assignments = new List<WorkAssignment>();
        while (true)
        {
            kit.Node.Coordinator.Tell(new RequestWork("w#0", assignments.Count == 0 ? null : campaign.Hash), worker);
            var reply = worker.ExpectMsg<IWorkerReply>(Wait);
            if (reply is not WorkAssignment a) break;
            Assert.Equal(assignments.Count == 0, a.Spec is not null);    // the spec travels only to a worker that lacks it
            assignments.Add(a);
            kit.Node.Coordinator.Tell(Result("w#0", a), worker);
        }
        var covered = assignments.SelectMany(a => Enumerable.Range(0, a.Count).Select(i => (a.Point, a.FirstSample + i))).ToList();
        Assert.Equal(covered.Count, covered.Distinct().Count());
        Assert.Equal(campaign.TotalSamples, covered.Count);

        kit.Node.Coordinator.Tell(NotifyWhenFinished.Instance, kit.TestActor);
        var finished = kit.ExpectMsg<CampaignFinished>(Wait);
        Assert.True(File.Exists(finished.SummaryPath));
        Assert.Equal(campaign.TotalSamples + 1, File.ReadAllLines(finished.SamplesPath!).Length);
        Assert.Equal(campaign.TotalSamples, store.SampleCount());
        kit.Node.Coordinator.Tell(new RequestWork("w#0", campaign.Hash), worker);
        Assert.True(worker.ExpectMsg<NoWorkAvailable>(Wait).Finished);
    }

    [Fact]
    public async Task A_worker_computing_other_numerics_or_not_stating_them_is_refused_and_one_computing_the_same_is_served()
    {
        var (campaign, store, kit, _) = await Start(numerics: "00000000000000aa");
        using var _ = store;
        await using var __ = kit;
        var other = kit.CreateTestProbe();
        kit.Node.Coordinator.Tell(new RequestWork("w#1", null, Numerics: "00000000000000bb"), other);
        var refused = other.ExpectMsg<JoinRefused>(Wait);
        Assert.Contains("00000000000000bb", refused.Reason);
        Assert.Contains("00000000000000aa", refused.Reason);
        var older = kit.CreateTestProbe();
        kit.Node.Coordinator.Tell(new RequestWork("w#2", null), older);
        Assert.Contains("does not state its numerics", older.ExpectMsg<JoinRefused>(Wait).Reason);
        var same = kit.CreateTestProbe();
        kit.Node.Coordinator.Tell(new RequestWork("w#3", null, Numerics: "00000000000000aa"), same);
        Assert.Equal(campaign.Hash, same.ExpectMsg<WorkAssignment>(Wait).CampaignHash);
    }

    [Fact]
    public async Task A_worker_that_asks_ahead_holds_at_most_its_lease_cap()
    {
        // Shared lanes: a worker keeps shards with stragglers, the one being drawn and one ahead, up to the cap.
        var (campaign, store, kit, _) = await Start();
        using var _ = store;
        await using var __ = kit;
        var worker = kit.CreateTestProbe();
        kit.Node.Coordinator.Tell(new RequestWork("w#0", null), worker);
        var leases = new HashSet<long> { worker.ExpectMsg<WorkAssignment>(Wait).LeaseId };
        for (int i = 1; i < WorkerProtocol.MaxLeasesPerWorker; i++)
        {
            kit.Node.Coordinator.Tell(new RequestWork("w#0", campaign.Hash, Prefetch: true), worker);
            Assert.True(leases.Add(worker.ExpectMsg<WorkAssignment>(Wait).LeaseId));
        }
        kit.Node.Coordinator.Tell(new RequestWork("w#0", campaign.Hash, Prefetch: true), worker);
        Assert.False(worker.ExpectMsg<NoWorkAvailable>(Wait).Finished);
        Assert.Equal(4, leases.Count);
    }

    [Fact]
    public async Task A_resumed_campaign_with_a_target_hands_out_no_shard_past_a_stop_its_stored_samples_decide()
    {
        // TestSamples: half the non-diverged samples unresolved, far above 1%: each point is out of reach after its
        // first batch of 10 (two shards). Point 0's first batch is stored by an "earlier run".
        var campaign = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23,", "\"samples\": 10, \"max_samples\": 23, \"target\": { \"saddle_upper95\": 0.01 },"));
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        using var _s = store;
        var plan = campaign.Plan();
        foreach (var k in plan.Where(k => k.Point == 0 && k.Index < 2)) store!.CommitShard(k, TestSamples.Of(k), "earlier");
        var options = new CoordinatorOptions(dir) { LeaseDuration = TimeSpan.FromMinutes(5), SweepInterval = TimeSpan.FromMilliseconds(100) };
        await using var kit = await NodeTestKit.StartAsync(new NodeOptions { Coordinator = new CoordinatorSetup(campaign, store!, options) });
        var worker = kit.CreateTestProbe();
        var handed = new List<WorkAssignment>();
        for (int asks = 0; asks < 2000; asks++)
        {
            kit.Node.Coordinator.Tell(new RequestWork("w#0", campaign.Hash), worker);
            var reply = worker.ExpectMsg<IWorkerReply>(Wait);
            if (reply is NoWorkAvailable { Finished: true }) break;
            if (reply is not WorkAssignment a) continue;        // not ready yet, or waiting for a prefix: ask again
            handed.Add(a);
            kit.Node.Coordinator.Tell(Result("w#0", a), worker);
        }
        Assert.DoesNotContain(handed, a => a.Point == 0);            // decided by the stored samples: nothing more
        Assert.Equal([(1, 0), (1, 1)], handed.Select(a => (a.Point, a.ShardIndex)).OrderBy(x => x).Take(2));
    }

    [Fact]
    public async Task A_failed_shard_is_handed_out_again()
    {
        var (campaign, store, kit, _) = await Start();
        using var _ = store;
        await using var __ = kit;
        var a = kit.CreateTestProbe();
        var b = kit.CreateTestProbe();
        kit.Node.Coordinator.Tell(new RequestWork("a#0", null), a);
        var first = a.ExpectMsg<WorkAssignment>(Wait);
        kit.Node.Coordinator.Tell(new ShardFailed("a#0", campaign.Hash, first.LeaseId, first.Point, first.ShardIndex, "boom"), a);
        kit.Node.Coordinator.Tell(new RequestWork("b#0", null), b);
        var retry = b.ExpectMsg<WorkAssignment>(Wait);
        Assert.Equal((first.Point, first.ShardIndex), (retry.Point, retry.ShardIndex));
    }

    [Fact]
    public async Task An_expired_lease_is_handed_out_again_and_the_late_result_counts_once()
    {
        var campaign = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23", "\"samples\": 5").Replace("\"sweep\": { \"init.scale\": [0.2, 0.4] }", "\"trace_samples\": 0"));
        var (_, store, kit, _) = await Start(campaign, lease: TimeSpan.FromMilliseconds(300));
        using var _ = store;
        await using var __ = kit;
        var slow = kit.CreateTestProbe();
        var fast = kit.CreateTestProbe();
        kit.Node.Coordinator.Tell(new RequestWork("slow#0", null), slow);
        var lease = slow.ExpectMsg<WorkAssignment>(Wait);
        WorkAssignment? again = null;
        kit.AwaitCondition(() =>
        {
            kit.Node.Coordinator.Tell(new RequestWork("fast#0", null), fast);
            again = fast.ExpectMsg<IWorkerReply>(Wait) as WorkAssignment;
            return again is not null;
        }, Wait, TimeSpan.FromMilliseconds(100));
        Assert.Equal((lease.Point, lease.ShardIndex), (again!.Point, again.ShardIndex));
        kit.Node.Coordinator.Tell(Result("slow#0", lease), slow);
        kit.Node.Coordinator.Tell(Result("fast#0", again), fast);
        kit.Node.Coordinator.Tell(NotifyWhenFinished.Instance, kit.TestActor);
        kit.ExpectMsg<CampaignFinished>(Wait);
        Assert.Equal(5, store.SampleCount());
        var progress = await kit.Node.Aggregator.Ask<Progress>(GetProgress.Instance, Wait);
        Assert.Equal(5, progress.Done);
    }

    [Fact]
    public async Task Out_of_order_and_duplicate_results_aggregate_to_the_same_statistics()
    {
        var (campaign, store, kit, _) = await Start();
        using var _ = store;
        await using var __ = kit;
        var workers = Enumerable.Range(0, 12).Select(_ => kit.CreateTestProbe()).ToList();
        var leases = new List<(string, WorkAssignment)>();
        for (int i = 0; i < workers.Count; i++)
        {
            kit.Node.Coordinator.Tell(new RequestWork($"w{i}#0", null), workers[i]);
            if (workers[i].ExpectMsg<IWorkerReply>(Wait) is WorkAssignment a) leases.Add(($"w{i}#0", a));
        }
        Assert.Equal(10, leases.Count);    // 2 points × 5 shards
        foreach (var (w, a) in Enumerable.Reverse(leases)) kit.Node.Coordinator.Tell(Result(w, a));
        foreach (var (w, a) in leases.Take(4)) kit.Node.Coordinator.Tell(Result(w, a));     // duplicates
        kit.Node.Coordinator.Tell(NotifyWhenFinished.Instance, kit.TestActor);
        kit.ExpectMsg<CampaignFinished>(Wait);
        var progress = await kit.Node.Aggregator.Ask<Progress>(GetProgress.Instance, Wait);
        Assert.Equal(campaign.TotalSamples, progress.Done);
        var fromStore = Sweep.Results.Output.OutputWriter.Aggregate(campaign, store.ReadSamples()).Select(s => s.Summarize()).ToList();
        for (int p = 0; p < fromStore.Count; p++)
        {
            Assert.Equal(fromStore[p].Labels, progress.Points[p].Labels);
            Assert.Equal(fromStore[p].HitTimes, progress.Points[p].HitTimes);
        }
    }

    [Fact]
    public async Task Malformed_and_foreign_results_are_ignored()
    {
        var (campaign, store, kit, _) = await Start();
        using var _ = store;
        await using var __ = kit;
        var w = kit.CreateTestProbe();
        kit.Node.Coordinator.Tell(new RequestWork("w#0", null), w);
        var a = w.ExpectMsg<WorkAssignment>(Wait);
        var good = Result("w#0", a);
        kit.Node.Coordinator.Tell(good with { CampaignHash = "other" });
        kit.Node.Coordinator.Tell(good with { Samples = good.Samples[1..] });
        kit.Node.Coordinator.Tell(good with { ShardIndex = 999 });
        // Still pending: the same worker asking again gets the same shard back.
        kit.Node.Coordinator.Tell(new RequestWork("w#0", campaign.Hash), w);
        var again = w.ExpectMsg<WorkAssignment>(Wait);
        Assert.Equal((a.Point, a.ShardIndex), (again.Point, again.ShardIndex));
        Assert.Equal(0, store.SampleCount());
    }
    [Fact]
    public async Task A_shard_failing_repeatedly_with_the_same_error_fails_the_campaign_with_that_error()
    {
        var (campaign, store, kit, _) = await Start();
        using var _ = store;
        await using var __ = kit;
        var worker = kit.CreateTestProbe();
        for (int attempt = 0; attempt < ShardLedger.MaxAttempts; attempt++)
        {
            kit.Node.Coordinator.Tell(new RequestWork("w#0", campaign.Hash), worker);
            var a = worker.ExpectMsg<WorkAssignment>(Wait);
            Assert.Equal((0, 0), (a.Point, a.ShardIndex));      // a failed shard goes back to the front
            kit.Node.Coordinator.Tell(new ShardFailed("w#0", campaign.Hash, a.LeaseId, a.Point, a.ShardIndex, "Exception of type 'System.OutOfMemoryException' was thrown."), worker);
        }
        kit.Node.Coordinator.Tell(NotifyWhenFinished.Instance, kit.TestActor);
        var failed = kit.ExpectMsg<CampaignFailed>(Wait);
        Assert.Contains("OutOfMemoryException", failed.Message);
        Assert.Contains($"failed {ShardLedger.MaxAttempts} times", failed.Message);
    }

    /// <summary>The coordinator's store writer, once it exists: the coordinator creates it when it starts, after the node is up.</summary>
    private static async Task<IActorRef> StoreWriter(NodeTestKit kit)
    {
        var selection = kit.Node.System.ActorSelection(kit.Node.Coordinator.Path / "store");
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try { return await selection.ResolveOne(Wait); }
            catch (ActorNotFoundException) when (DateTime.UtcNow < deadline) { await Task.Delay(20); }
        }
    }

    /// <summary>Hands the coordinator's store writer <paramref name="message"/>; the campaign's failure, its folder and the samples stored.</summary>
    private static async Task<(string Message, string Dir, long Stored)> FailureAfterTellingTheStoreWriter(object message)
    {
        var (_, store, kit, dir) = await Start();
        using var _ = store;
        await using var __ = kit;
        (await StoreWriter(kit)).Tell(message);
        kit.Node.Coordinator.Tell(NotifyWhenFinished.Instance, kit.TestActor);
        return (kit.ExpectMsg<CampaignFailed>(Wait).Message, dir, store.SampleCount());
    }

    [Fact]
    public async Task A_failure_the_output_actors_do_not_catch_fails_the_campaign_with_its_message()
    {
        // A live summary that cannot be written as JSON (NaN): an exception no handler expects, as memory that runs out
        // in any handler is. Restarted instead, the samples.csv actor lost its place and the run failed later, elsewhere.
        var (message, dir, _) = await FailureAfterTellingTheStoreWriter(new LiveSummary(new System.Text.Json.Nodes.JsonObject { ["not a number"] = double.NaN }));
        Assert.StartsWith($"cannot write outputs to '{dir}'", message);
        Assert.Contains("JSON", message);
    }

    [Fact]
    public async Task A_failure_the_store_writer_does_not_catch_fails_the_campaign_with_its_message()
    {
        // A shard without its samples array: a null dereference in the writer's own handler, which nothing there expects.
        var (message, dir, stored) = await FailureAfterTellingTheStoreWriter(new CommitShard(new ShardKey(0, 0, 0, 1), null!, "w#0"));
        Assert.StartsWith($"cannot store results in '{dir}'", message);
        Assert.Contains("Object reference", message);
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task A_failure_the_coordinator_does_not_catch_ends_the_wait_for_the_campaign_with_its_message()
    {
        // A prefix report for a point the campaign does not have: an index out of range in the coordinator's own handler.
        var (campaign, store, kit, _) = await Start();
        using var _ = store;
        await using var __ = kit;
        kit.Node.Coordinator.Tell(NotifyWhenFinished.Instance, kit.TestActor);
        var target = new SampleTarget(TargetKind.SaddleUpper95, 1e-5);
        var state = new Sweep.Results.Statistics.TargetState(target, 10, 0, 10, 0, 0.3, 0.3, null, 100);
        kit.Node.Coordinator.Tell(new PrefixAdvanced(campaign.Points.Count + 7, 1, state, 100, HessiansPerSample: 2));
        var failed = kit.ExpectMsg<CampaignFailed>(Wait);
        Assert.StartsWith("the coordinator failed: ", failed.Message);
        Assert.Contains("out of range", failed.Message);
    }
}

/// <summary>The node configuration that <see cref="SweepNodeHosting.AddSweepNode"/> produces.</summary>
public sealed class NodeConfigurationTests
{
    [Fact]
    public async Task A_node_binds_to_loopback_with_the_sweep_serializer_keep_oldest_and_ddata_sharding()
    {
        await using var kit = await NodeTestKit.StartAsync(new NodeOptions { Workers = 1 });
        var system = kit.Sys;
        Assert.Equal("127.0.0.1", kit.Node.Address.Host);
        Assert.Equal(["worker"], Akka.Cluster.Cluster.Get(system).SelfRoles);
        Assert.IsType<SweepSerializer>(system.Serialization.FindSerializerFor(new RequestWork("w#0", null)));
        Assert.True(system.Dispatchers.HasDispatcher(CoordinatorHosting.StoreDispatcher));
        var config = system.Settings.Config;
        Assert.Equal("keep-oldest", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.False(config.GetBoolean("akka.cluster.split-brain-resolver.keep-oldest.down-if-alone"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        var sharding = Akka.Cluster.Sharding.ClusterShardingSettings.Create(system);
        Assert.Equal(Akka.Cluster.Sharding.StateStoreMode.DData, sharding.StateStoreMode);
        Assert.False(sharding.RememberEntities);
        Assert.Equal(TimeSpan.Zero, sharding.PassivateIdleEntityAfter);    // off
        // A node that expects peers keeps sharding's default retries (see the next test).
        Assert.Equal(TimeSpan.FromSeconds(2), sharding.TuningParameters.RetryInterval);
    }

    [Fact]
    public async Task A_node_that_is_its_whole_cluster_retries_sharding_registration_after_100_ms_not_250()
    {
        await using var kit = await NodeTestKit.StartAsync(new NodeOptions { Workers = 1, Alone = true });
        var sharding = Akka.Cluster.Sharding.ClusterShardingSettings.Create(kit.Sys);
        // The region's first registration retry waits max(100 ms, retry-interval / 8).
        Assert.Equal(TimeSpan.FromMilliseconds(200), sharding.TuningParameters.RetryInterval);
        // The rest of the node's configuration is the same as any node's.
        Assert.Equal(Akka.Cluster.Sharding.StateStoreMode.DData, sharding.StateStoreMode);
        Assert.Equal(TimeSpan.FromSeconds(7), kit.Sys.Settings.Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
    }

}

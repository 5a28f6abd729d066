using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Sweep.Campaigns;
using Sweep.Coordinator.Actors;
using Sweep.Coordinator.Planning;
using Sweep.Hosting;
using Sweep.Messages;
using Sweep.Results.Storage;

namespace Sweep.Coordinator.Tests;

/// <summary>The coordinator's meter and its graceful stop, on a node started by the production wiring.</summary>
public sealed class CoordinatorOperationsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Sums of the "ActorSweep" counters measured while it listens (other tests may add to them: compare with ≥).</summary>
    private sealed class Counters : IDisposable
    {
        private readonly MeterListener _listener = new();
        public readonly ConcurrentDictionary<string, long> Totals = new();

        public Counters()
        {
            _listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == SweepMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
            _listener.Start();
        }

        public long this[string name] => Totals.GetValueOrDefault(name);

        public void Dispose() => _listener.Dispose();
    }

    private static async Task<(Campaign, CampaignStore, NodeTestKit)> Start(Campaign campaign, TimeSpan lease)
    {
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        var options = new CoordinatorOptions(dir) { LeaseDuration = lease, SweepInterval = TimeSpan.FromMilliseconds(100) };
        var kit = await NodeTestKit.StartAsync(new NodeOptions { Coordinator = new CoordinatorSetup(campaign, store, options) });
        return (campaign, store, kit);
    }

    private static ShardCompleted Result(string worker, WorkAssignment a) =>
        new(worker, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, TestSamples.Of(new ShardKey(a.Point, a.ShardIndex, a.FirstSample, a.Count)));

    [Fact]
    public async Task The_meter_counts_commits_retries_and_expired_leases()
    {
        using var counters = new Counters();
        var (campaign, store, kit) = await Start(TestCampaigns.Parse(), TimeSpan.FromSeconds(1));   // long enough for a loaded machine to answer, short enough to expire
        using var _ = store;
        await using var __ = kit;
        var worker = kit.CreateTestProbe();

        // A failure: the shard is retried.
        kit.Node.Coordinator.Tell(new RequestWork("a#0", null), worker);
        var failed = worker.ExpectMsg<WorkAssignment>(Wait);
        kit.Node.Coordinator.Tell(new ShardFailed("a#0", campaign.Hash, failed.LeaseId, failed.Point, failed.ShardIndex, "boom"), worker);
        // A lease left to expire.
        kit.Node.Coordinator.Tell(new RequestWork("b#0", null), worker);
        worker.ExpectMsg<WorkAssignment>(Wait);
        kit.AwaitCondition(() => counters["leases_expired"] >= 1, Wait);

        // Then every shard, committed.
        int shards = 0;
        while (true)
        {
            kit.Node.Coordinator.Tell(new RequestWork("c#0", campaign.Hash), worker);
            if (worker.ExpectMsg<IWorkerReply>(Wait) is not WorkAssignment a) break;
            kit.Node.Coordinator.Tell(Result("c#0", a), worker);
            shards++;
        }
        kit.Node.Coordinator.Tell(NotifyWhenFinished.Instance, kit.TestActor);
        kit.ExpectMsg<CampaignFinished>(Wait);
        Assert.True(counters["shards_committed"] >= shards, $"shards_committed {counters["shards_committed"]} < {shards}");
        Assert.True(counters["shards_retried"] >= 2, $"shards_retried {counters["shards_retried"]}");
        Assert.True(counters["leases_expired"] >= 1);
    }

    [Fact]
    public async Task A_graceful_stop_hands_out_nothing_more_and_answers_once_the_leased_shards_are_committed()
    {
        var (campaign, store, kit) = await Start(TestCampaigns.Parse(), TimeSpan.FromMinutes(5));
        using var _ = store;
        await using var __ = kit;
        var worker = kit.CreateTestProbe();
        kit.Node.Coordinator.Tell(new RequestWork("a#0", null), worker);
        var leased = worker.ExpectMsg<WorkAssignment>(Wait);

        kit.Node.Coordinator.Tell(StopHandingOut.Instance, kit.TestActor);
        kit.ExpectNoMsg(TimeSpan.FromMilliseconds(300));        // the leased shard is still out
        kit.Node.Coordinator.Tell(new RequestWork("b#0", null), worker);
        Assert.False(worker.ExpectMsg<NoWorkAvailable>(Wait).Finished);

        kit.Node.Coordinator.Tell(Result("a#0", leased), worker);
        var drained = kit.ExpectMsg<Drained>(Wait);
        Assert.Equal(1, drained.ShardsDone);
        Assert.Equal(leased.Count, store.SampleCount());
    }
}

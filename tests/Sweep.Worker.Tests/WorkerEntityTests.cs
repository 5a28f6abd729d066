using Akka.Actor;
using Sweep.Messages;
using Sweep.Worker;
using Sweep.Campaigns;

namespace Sweep.Worker.Tests;

/// <summary>Worker entities on a node started by the production wiring (no features), driven by a probe as the coordinator.</summary>
public sealed class WorkerEntityTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CampaignSpec Spec(double[] sigmas) => new("hash-1", 11, [
        new PointSpec(0, new CanonicalProblemData(sigmas, 3), [3], 0.3, [],
            new Sweep.Numerics.Integration.GradientFlowSettings(200, 1e-8, 1e-10), 1e-6, 1e-3, 1),
    ]);

    [Fact]
    public void Shard_runner_results_depend_only_on_seed_point_and_sample()
    {
        var spec = Spec([2, 1]);
        var whole = new ShardRunner(spec).Run(0, 0, 6);
        var parts = new ShardRunner(spec).Run(0, 3, 3).Concat(new ShardRunner(spec).Run(0, 0, 3)).OrderBy(r => r.Sample).ToArray();
        Assert.Equal(whole, parts);
        Assert.NotNull(whole[0].TraceTime);     // trace_samples = 1
        Assert.Null(whole[1].TraceTime);
        Assert.All(whole, r => Assert.Equal("{0,1}", r.Label));
    }

    [Fact]
    public void Solved_samples_are_counted_by_the_meter()
    {
        long solved = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == SweepMetrics.MeterName && i.Name == "samples_solved") l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => Interlocked.Add(ref solved, v));
        listener.Start();
        new ShardRunner(Spec([2, 1])).Run(0, 0, 5);
        Assert.True(Interlocked.Read(ref solved) >= 5, $"samples_solved moved by {solved}");
    }

    [Fact]
    public async Task A_finished_campaign_is_announced_on_the_event_stream()
    {
        await using var kit = await NodeTestKit.StartAsync();
        var coordinator = kit.CreateTestProbe();
        kit.Sys.EventStream.Subscribe(kit.TestActor, typeof(CampaignDone));
        kit.Sys.ActorOf(Props.Create(() => new WorkerEntity(new WorkerOptions(1, coordinator.Ref.Path.ToStringWithoutAddress()))), "node%3A1%230");
        coordinator.ExpectMsg<RequestWork>(Wait);
        coordinator.Reply(new NoWorkAvailable("hash-1", true));
        Assert.Equal("hash-1", kit.ExpectMsg<CampaignDone>(Wait).CampaignHash);
    }

    [Fact]
    public async Task Worker_pulls_solves_reports_and_pulls_again_without_the_spec()
    {
        await using var kit = await NodeTestKit.StartAsync();
        var coordinator = kit.CreateTestProbe();
        var worker = kit.Sys.ActorOf(Props.Create(() => new WorkerEntity(new WorkerOptions(1, coordinator.Ref.Path.ToStringWithoutAddress()))), "node%3A1%230");
        var ask = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.Equal("node:1#0", ask.WorkerId);
        Assert.Null(ask.KnownCampaign);
        Assert.False(ask.Prefetch);                      // a fresh start releases earlier leases
        coordinator.Reply(new WorkAssignment("hash-1", 5, 0, 1, 4, 4, Spec([2, 1])));
        var ahead = coordinator.ExpectMsg<RequestWork>(Wait);  // asks for the next shard while solving this one
        Assert.True(ahead.Prefetch);
        Assert.Equal("hash-1", ahead.KnownCampaign);
        coordinator.Reply(new WorkAssignment("hash-1", 6, 0, 2, 8, 2, null));
        // The first shard may finish before or after the second assignment arrives, so requests and results
        // interleave either way; what must hold is that both shards complete and every later request names the campaign.
        var completed = new List<ShardCompleted>();
        while (completed.Count < 2)
        {
            switch (coordinator.ExpectMsg<ISweepMessage>(Wait))
            {
                case ShardCompleted c: completed.Add(c); break;
                case RequestWork r: Assert.True(r.Prefetch); Assert.Equal("hash-1", r.KnownCampaign); break;
                case var other: Assert.Fail($"unexpected {other}"); break;
            }
        }
        // Without traces no record travels: the shard's blob holds them (and its exact statistics count them).
        var done = completed.Single(c => c.LeaseId == 5);
        Assert.Empty(done.Samples);
        var blob = Sweep.Results.Storage.ShardBlob.Decode(0, done.Output!.Blob!);
        Assert.Equal([4L, 5, 6, 7], blob.Select(s => s.Sample));
        static string Row(Sweep.Results.SampleRecord r) { var w = new StringWriter(); Sweep.Results.SampleColumns.WriteCsvRow(w, r); return w.ToString(); }
        Assert.Equal(new ShardRunner(Spec([2, 1])).Run(0, 4, 4).Select(Row), blob.Select(Row));
        Assert.Equal(4, Sweep.Results.Statistics.PointStatistics.DecodeExact(0, Spec([2, 1]).Points[0].Horizon, done.Output.Exact!).Count);
        var second = completed.Single(c => c.LeaseId == 6);
        Assert.Equal([8L, 9], Sweep.Results.Storage.ShardBlob.Decode(0, second.Output!.Blob!).Select(s => s.Sample));
        kit.Sys.Stop(worker);
    }

    [Fact]
    public async Task A_shard_that_throws_is_reported_failed_and_the_worker_keeps_pulling()
    {
        await using var kit = await NodeTestKit.StartAsync();
        var coordinator = kit.CreateTestProbe();
        kit.Sys.ActorOf(Props.Create(() => new WorkerEntity(new WorkerOptions(1, coordinator.Ref.Path.ToStringWithoutAddress()))), "n%231");
        coordinator.ExpectMsg<RequestWork>(Wait);
        coordinator.Reply(new WorkAssignment("hash-1", 9, 0, 0, 0, 2, Spec([1, 2])));   // increasing σ: invalid problem
        Assert.True(coordinator.ExpectMsg<RequestWork>(Wait).Prefetch);
        var failed = coordinator.ExpectMsg<ShardFailed>(Wait);
        Assert.Equal(9, failed.LeaseId);
        Assert.Contains("decreasing", failed.Reason);
        coordinator.ExpectMsg<RequestWork>(Wait);
    }

    [Fact]
    public async Task A_silent_coordinator_is_asked_again()
    {
        await using var kit = await NodeTestKit.StartAsync();
        var coordinator = kit.CreateTestProbe();
        kit.Sys.ActorOf(Props.Create(() => new WorkerEntity(new WorkerOptions(1, coordinator.Ref.Path.ToStringWithoutAddress()) { RetryInterval = TimeSpan.FromMilliseconds(200) })), "n%232");
        coordinator.ExpectMsg<RequestWork>(Wait);
        coordinator.ExpectMsg<RequestWork>(Wait);    // no reply: it asks again
    }
}

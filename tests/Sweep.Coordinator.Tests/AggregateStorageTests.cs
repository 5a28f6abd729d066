using System.Text.Json.Nodes;
using Sweep.Campaigns;
using Sweep.Coordinator.Actors;
using Sweep.Coordinator.Planning;
using Sweep.Hosting;
using Sweep.Messages;
using Sweep.Results;
using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Coordinator.Tests;

/// <summary>
/// Aggregate storage through the coordinator (production wiring, probes as workers): a resumed campaign with a target,
/// part of it stored by an "earlier run", reaches the same stops and the same statistics as with every sample stored,
/// from the shards' statistics alone — no sample blob is read and none is stored.
/// </summary>
public sealed class AggregateStorageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // Hitting times that differ per sample, so the binned quantiles are tested against exact ones that vary.
    private static SampleRecord[] Samples(ShardKey k)
    {
        return TestSamples.Of(k).Select(s => double.IsNaN(s.HitTime) ? s : s with { HitTime = 1 + 0.37 * s.Sample + 0.01 * s.Point }).ToArray();
    }

    private static async Task<(JsonObject Summary, string Dir, CampaignStore Store)> Run(Campaign campaign)
    {
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir,
            campaign.Points.Select(p => p.Spec.Horizon).ToArray(), storage: campaign.Storage);
        // Point 0's first shard was stored by an earlier run: the stream reads it back when its cursor reaches it.
        foreach (var k in campaign.Plan().Where(k => k.Point == 0 && k.Index == 0)) store.CommitShard(k, Samples(k), "earlier");
        var options = new CoordinatorOptions(dir) { LeaseDuration = TimeSpan.FromMinutes(5), SweepInterval = TimeSpan.FromMilliseconds(100) };
        await using var kit = await NodeTestKit.StartAsync(new NodeOptions { Coordinator = new CoordinatorSetup(campaign, store, options) });
        var worker = kit.CreateTestProbe();
        for (int asks = 0; asks < 2000; asks++)
        {
            kit.Node.Coordinator.Tell(new RequestWork("w#0", campaign.Hash), worker);
            var reply = worker.ExpectMsg<IWorkerReply>(Wait);
            if (reply is NoWorkAvailable { Finished: true }) break;
            if (reply is not WorkAssignment a) continue;
            var key = new ShardKey(a.Point, a.ShardIndex, a.FirstSample, a.Count);
            var samples = Samples(key);
            // Odd shards as real workers send them (encoded, no records with aggregate storage); even ones as records
            // for the coordinator to encode: both paths must give the same results.
            kit.Node.Coordinator.Tell(a.ShardIndex % 2 == 1
                ? new ShardCompleted("w#0", a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, campaign.AggregateOnly ? [] : samples,
                    ShardOutput.Encode(samples, a.Point, campaign.Points[a.Point].Spec.Horizon, campaign.AggregateOnly, Sweep.Results.CsvLayout.For(campaign)))
                : new ShardCompleted("w#0", a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, samples), worker);
        }
        kit.Node.Coordinator.Tell(NotifyWhenFinished.Instance, kit.TestActor);
        var finished = kit.ExpectMsg<CampaignFinished>(Wait);
        Assert.Equal(campaign.AggregateOnly, finished.SamplesPath is null);
        return (JsonNode.Parse(File.ReadAllText(finished.SummaryPath))!.AsObject(), dir, store);
    }

    [Fact]
    public async Task A_resumed_aggregate_campaign_with_a_target_stops_where_the_full_one_does_with_the_same_statistics()
    {
        // Half the non-diverged samples unresolved (TestSamples) against saddle_upper95 ≤ 0.75: met after some shards, not at the first look.
        string json = TestCampaigns.Small.Replace("\"samples\": 23,", "\"samples\": 10, \"max_samples\": 60, \"target\": { \"saddle_upper95\": 0.75 },");
        var aggregateCampaign = TestCampaigns.Parse(json.Replace("\"seed\": 3,", "\"seed\": 3, \"storage\": \"aggregate\","));
        var full = await Run(TestCampaigns.Parse(json));
        var aggregate = await Run(aggregateCampaign);
        using (full.Store)
        using (aggregate.Store)
        {
            Assert.True(File.Exists(Path.Combine(full.Dir, "samples.csv")));
            Assert.False(File.Exists(Path.Combine(aggregate.Dir, "samples.csv")));
            Assert.Equal("aggregate", (string?)aggregate.Summary["storage"]);
            Assert.Throws<UserError>(() => aggregate.Store.ReadSamples().ToList());
            // Every stored shard's blob is empty: the rows hold statistics only.
            Assert.Equal(full.Store.CompletedShards().Count, aggregate.Store.CompletedShards().Count);
            Assert.True(aggregate.Store.ReadShardStatistics().All(s => s.Statistics is { Length: > 0 }));
            var fp = full.Summary["points"]!.AsArray();
            var ap = aggregate.Summary["points"]!.AsArray();
            Assert.Contains(fp, p => (string?)p!["target"]!["stopped"] == "target_met");
            for (int i = 0; i < fp.Count; i++)
            {
                var (x, y) = (fp[i]!.AsObject(), ap[i]!.AsObject());
                var (hx, hy) = (x["t_hit"]!.AsObject(), y["t_hit"]!.AsObject());
                Assert.Equal((long)hx["count"]!, (long)hy["count"]!);
                Assert.True(hy["approximate"] is not null && hx["approximate"] is null);
                Assert.NotNull(hx["p10"]);       // at least one quantile is observed, so the bound is tested
                foreach (var q in new[] { "p10", "p50", "p90" })
                {
                    Assert.Equal(hx[q] is null, hy[q] is null);
                    if (hx[q] is { } exact) Assert.InRange((double)hy[q]!, (double)exact * (1 - 1e-3), (double)exact * (1 + 1e-3));
                }
                foreach (var o in new[] { x, y }) { o.Remove("t_hit"); o.Remove("t_global"); }
                Assert.Equal(x.ToJsonString(), y.ToJsonString());
            }
            // What status shows equals the final summary.
            var progress = StoredStatistics.Current(aggregateCampaign, aggregate.Store);
            Assert.Equal(ap.Select(p => (long)p!["samples"]!), progress.Points.Select(p => p.Count));
            Assert.Equal(0, aggregate.Store.SampleBlobsRead);
        }
        foreach (var d in new[] { full.Dir, aggregate.Dir }) try { Directory.Delete(d, true); } catch (IOException) { }
    }

    [Fact]
    public void A_result_must_fit_its_shard_and_the_campaigns_storage()
    {
        var full = TestCampaigns.Parse();
        var aggregate = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"seed\": 3,", "\"seed\": 3, \"storage\": \"aggregate\","));
        var key = full.Plan().First(k => k.Point == 1);
        var samples = Samples(key);
        double horizon = full.Points[1].Spec.Horizon;
        ShardCompleted Result(SampleRecord[] s, ShardOutput? o) => new("w", full.Hash, 1, key.Point, key.Index, s, o);
        var encoded = ShardOutput.Encode(samples, key.Point, horizon, aggregate: false);
        var statsOnly = ShardOutput.Encode(samples, key.Point, horizon, aggregate: true);

        Assert.True(ShardResultCheck.IsWellFormed(key, Result(samples, null), full, out var none));
        Assert.Null(none);
        Assert.True(ShardResultCheck.IsWellFormed(key, Result(samples, encoded), full, out var decoded));
        Assert.Equal(key.Count, decoded!.Count);
        // Full storage without records: the exact statistics stand in for them (decoded, passed on); without those, refused.
        Assert.True(ShardResultCheck.IsWellFormed(key, Result([], encoded), full, out _, out var exact));
        Assert.Equal(key.Count, exact!.Count);
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], encoded with { Exact = null }), full, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], encoded with { Exact = encoded.Exact![..^2] }), full, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], encoded with { Exact = ShardOutput.Encode(samples[1..], key.Point, horizon, false).Exact }), full, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], encoded with { HessianSamples = key.Count + 1 }), full, out _));
        Assert.True(ShardResultCheck.IsWellFormed(key, Result([], statsOnly), aggregate, out _));
        // The cost counts an aggregate output carries (the allocation's and the time to go's input) must fit the shard too.
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], statsOnly with { HessianSamples = key.Count + 1 }), aggregate, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], statsOnly with { Hessians = -1 }), aggregate, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], statsOnly with { Evaluations = -1 }), aggregate, out _));
        Assert.True(ShardResultCheck.IsWellFormed(key, Result(samples, null), aggregate, out _));     // encoded by the coordinator
        // Refused: statistics only for a full campaign, rows for an aggregate one, statistics of another shard size,
        // damaged statistics, and records out of order.
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], statsOnly), full, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], encoded), aggregate, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], ShardOutput.Encode(samples[1..], key.Point, horizon, true)), aggregate, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result([], statsOnly with { Statistics = statsOnly.Statistics[..^3] }), aggregate, out _));
        Assert.False(ShardResultCheck.IsWellFormed(key, Result(samples.Reverse().ToArray(), encoded), full, out _));
    }
}

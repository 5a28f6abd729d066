using Akka.Actor;
using Sweep.Coordinator.Actors;
using Sweep.Campaigns;
using Sweep.Hosting;
using Sweep.Numerics.Integration;
using Sweep.Results.Storage;

namespace Sweep.Coordinator.Tests;

/// <summary>
/// A coordinator resumed on a store whose shards keep their costs (schema 8) prices every open point from the stored
/// prefix before any worker solves a sample: the time to go counts every point. Before, each resumed point was
/// unpriced until this run's own shards reached its prefix.
/// </summary>
public sealed class ResumedPricingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_resumed_coordinator_prices_every_open_point_from_its_stored_shards()
    {
        var campaign = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23,", "\"samples\": 10, \"max_samples\": 1000, \"target\": { \"saddle_upper95\": 0.01 },"));
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        using var _ = store;
        // Two shards of each point: every sample certified global (the points stay open), 4 Hessians each.
        foreach (var shard in campaign.Plan().Where(s => s.Index < 2))
            Assert.True(store.CommitShard(shard, TestSamples.Of(shard).Select(x => x with
            {
                Status = SampleStatus.Converged, Outcome = Outcome.Global, Label = "{0,1}", CriticalValue = 0, HessianEvaluations = 4,
            }).ToArray(), "w"));

        var options = new CoordinatorOptions(dir) { SweepInterval = TimeSpan.FromMilliseconds(100) };
        await using var kit = await NodeTestKit.StartAsync(new NodeOptions { Coordinator = new CoordinatorSetup(campaign, store, options) });
        Progress progress = null!;
        await kit.AwaitAssertAsync(async () =>
        {
            progress = await kit.Node.Aggregator.Ask<Progress>(GetProgress.Live, Wait);
            Assert.All(progress.Targets!, t => Assert.NotNull(t));      // the stored prefixes have been walked
        }, Wait, TimeSpan.FromMilliseconds(50));
        Assert.All(progress.Targets!, t => Assert.Null(t!.Stopped));
        Assert.Equal(20, progress.Done);
        Assert.Equal(0, progress.WorkUnknownPoints);
        Assert.True(progress.WorkToGo > 0);
    }
}

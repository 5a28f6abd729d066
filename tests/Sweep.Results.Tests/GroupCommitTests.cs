using Sweep.Campaigns;
using Sweep.Results.Storage;

namespace Sweep.Results.Tests;

/// <summary>The coordinator's group commit: several shards in one transaction, each accepted once.</summary>
public class GroupCommitTests
{
    [Fact]
    public void A_batch_commits_every_new_shard_once_and_reports_the_ones_already_stored()
    {
        var dir = TestCampaigns.TempDir();
        ShardKey a = new(0, 0, 0, 4), b = new(0, 1, 4, 4), c = new(1, 0, 0, 4);
        var (store, _) = CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir);
        using (store)
        {
            Assert.True(store.CommitShard(a, TestSamples.Of(a), "w"));
            // a is stored already; b and c are new; b appears twice in the batch (a late duplicate): stored once.
            var accepted = store.CommitShards([(a, TestSamples.Of(a), "x"), (b, TestSamples.Of(b), "x"), (c, TestSamples.Of(c, traced: true), "y"), (b, TestSamples.Of(b), "z")]);
            Assert.Equal([false, true, true, false], accepted);
            Assert.Equal([(0, 0), (0, 1), (1, 0)], store.CompletedShards().OrderBy(s => s).ToList());
            Assert.Equal(12, store.SampleCount());
            Assert.Equal(TestSamples.Of(b).ToList(), store.ReadShard(b));
            Assert.Equal(4, store.ReadTraces().Count);
        }
    }
}

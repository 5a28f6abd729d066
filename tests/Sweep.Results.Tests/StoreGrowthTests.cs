using Sweep.Campaigns;
using Sweep.Results.Storage;

namespace Sweep.Results.Tests;

/// <summary>
/// A store grown by a campaign with more samples (StoreGrowth): the short last shard of each point, which the new plan
/// cuts longer, is deleted with its traces; every other row is kept and verifies under the new hash; the metadata holds
/// the new campaign, its hash and the growth's history line. A change that is not a growth leaves the store untouched.
/// </summary>
public class StoreGrowthTests
{
    // TestCampaigns.Small: 2 points, 23 samples in shards of 5 (shard 4 of each point is 20..22, short).
    private static Campaign WithSamples(int samples) => TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23", $"\"samples\": {samples}"));

    private static (CampaignStore Store, bool Resumed) Open(string dir, Campaign c) =>
        CampaignStore.OpenForCampaign(dir, c.NormalizedJson, c.Hash, c.Name, dir, c.Points.Select(p => p.Spec.Horizon).ToArray(), c.LegacyHash,
            grow: (json, hash, baseDir) => CampaignGrowth.Between(json, hash, baseDir, c, dir));

    [Fact]
    public void Growing_deletes_only_the_short_shards_rebinds_the_rest_and_records_the_new_campaign()
    {
        var small = WithSamples(23);
        var dir = TestCampaigns.TempDir();
        var (store, resumed) = Open(dir, small);
        using (store)
        {
            Assert.False(resumed);
            foreach (var shard in small.Plan()) Assert.True(store.CommitShard(shard, TestSamples.Of(shard, traced: true), "w"));
        }
        string oldHash;
        using (var reader = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true)) oldHash = reader.TryGetMeta("hash")!;

        var large = WithSamples(40);
        (store, resumed) = Open(dir, large);
        using (store)
        {
            Assert.True(resumed);
            Assert.Equal("samples 23 → 40", store.Grown!.Describe());
            Assert.Equal(2, store.RecomputedByGrowth);
            var done = store.CompletedShards();
            Assert.Equal(8, done.Count);
            Assert.DoesNotContain(done, d => d.Index == 4);
            // The new plan's shard 4 (20..24) commits where the short one was.
            var plan = large.Plan();
            Assert.Equal(new ShardKey(0, 4, 20, 5), plan.Shard(0, 4));
            Assert.True(store.CommitShard(plan.Shard(0, 4), TestSamples.Of(plan.Shard(0, 4), traced: true), "w"));
        }
        using (var reader = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true))
        {
            Assert.Equal(large.Hash, reader.TryGetMeta("hash"));
            Assert.Equal(large.NormalizedJson, reader.TryGetMeta("campaign"));
            Assert.Matches($"^\\S+ {oldHash[..12]} → {large.Hash[..12]}: samples 23 → 40$", reader.TryGetMeta("grown"));
            // Every kept row verifies under the new hash (shards, statistics, traces): 20 + 25 samples.
            Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i).Concat(Enumerable.Range(0, 20).Select(i => (long)i)), reader.ReadSamples().Select(s => s.Sample));
            Assert.Equal(9, reader.ReadShardStatistics().Count());
            Assert.Equal(45, reader.ReadTraces().Count);
            var (stored, storedStore) = StoredCampaign.Open(dir);
            using (storedStore) Assert.Equal(40, stored.Samples);
        }
        // The same campaign again resumes without growing.
        (store, _) = Open(dir, large);
        using (store) Assert.Null(store.Grown);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_schema_6_store_is_upgraded_then_grown()
    {
        var small = WithSamples(23);
        var dir = TestCampaigns.TempDir();
        string path = CampaignStore.PathIn(dir);
        var (store, _) = Open(dir, small);
        using (store)
            foreach (var shard in small.Plan()) store.CommitShard(shard, TestSamples.Of(shard, traced: true), "w");
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            LegacyChecksums.Unkey(db);
            LegacyChecksums.Exec(db, "UPDATE meta SET value = '6' WHERE key = 'schema'");
            StoredStatisticsTests.Reseal(db);
        }
        var large = WithSamples(40);
        (store, _) = Open(dir, large);
        using (store)
        {
            Assert.Empty(store.Repaired);
            Assert.Equal(2, store.RecomputedByGrowth);
        }
        using (var reader = CampaignStore.Open(path, readOnly: true))
        {
            Assert.Equal("8", reader.TryGetMeta("schema"));
            Assert.Equal(large.Hash, reader.TryGetMeta("hash"));
            Assert.Equal(40, reader.ReadSamples().Count());
            Assert.Equal(40, reader.ReadTraces().Count);
            Assert.Single(reader.GrowthHistory);
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_change_that_is_not_a_growth_is_refused_and_the_store_is_untouched()
    {
        var c = WithSamples(23);
        var dir = TestCampaigns.TempDir();
        var (store, _) = Open(dir, c);
        using (store)
            foreach (var shard in c.Plan()) store.CommitShard(shard, TestSamples.Of(shard), "w");
        byte[] before = File.ReadAllBytes(CampaignStore.PathIn(dir));

        var e = Assert.Throws<UserError>(() => Open(dir, WithSamples(20)));
        Assert.Equal("samples", e.Field);
        Assert.Contains("20 is lower than the 23", e.Reason);
        var other = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23", "\"samples\": 40").Replace("\"seed\": 3", "\"seed\": 4"));
        Assert.Contains("different campaign", Assert.Throws<UserError>(() => Open(dir, other)).Message);
        Assert.Equal(before, File.ReadAllBytes(CampaignStore.PathIn(dir)));
        using (var reader = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true))
        {
            Assert.Equal(c.Hash, reader.TryGetMeta("hash"));
            Assert.Null(reader.TryGetMeta("grown"));
            Assert.Equal(46, reader.ReadSamples().Count());
        }
        Directory.Delete(dir, true);
    }
}

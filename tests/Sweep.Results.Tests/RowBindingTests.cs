using Microsoft.Data.Sqlite;
using Sweep.Campaigns;
using Sweep.Results.Storage;

namespace Sweep.Results.Tests;

/// <summary>
/// Shard, statistics and trace rows are bound to their campaign and their store (schema 7, issue 27): a row copied from
/// the store of another campaign (seed 1 vs seed 2), or from another store of the same campaign, fails its checksum:
/// readers refuse it, a resume deletes it and recomputes the shard. A schema-6 store (plain checksums) still reads and
/// is rebound in place by a resume.
/// </summary>
public class RowBindingTests
{
    private static Campaign WithSeed(int seed) => TestCampaigns.Parse(TestCampaigns.Small.Replace("\"seed\": 3", $"\"seed\": {seed}"));

    private static double[] Horizons(Campaign c) => c.Points.Select(p => p.Spec.Horizon).ToArray();

    /// <summary>A store of the campaign with every shard, every sample traced, different values per seed and store.</summary>
    private static string Filled(Campaign campaign, int salt)
    {
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir, Horizons(campaign));
        using (store)
            foreach (var shard in ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize))
                Assert.True(store.CommitShard(shard, TestSamples.Of(shard, traced: true).Select(s => s with { FinalLoss = s.FinalLoss + salt }).ToArray(), "w"));
        return dir;
    }

    /// <summary>Copies shard (0, 1)'s samples, statistics, checksums and trace count, and its traces, from one store into another, as issue 27 did.</summary>
    private static void CopyShard(string fromDir, string toDir)
    {
        using var db = new SqliteConnection($"Data Source={CampaignStore.PathIn(toDir)};Pooling=false");
        db.Open();
        LegacyChecksums.Exec(db, "ATTACH DATABASE $f AS other", ("$f", CampaignStore.PathIn(fromDir)));
        LegacyChecksums.Exec(db, """
            UPDATE shards SET (samples, stats, stats_sha256, sha256, traces) =
                (SELECT samples, stats, stats_sha256, sha256, traces FROM other.shards o WHERE o.point = 0 AND o.shard = 1)
            WHERE point = 0 AND shard = 1;
            UPDATE traces SET (data, sha256) = (SELECT data, sha256 FROM other.traces o WHERE o.point = traces.point AND o.sample = traces.sample)
            WHERE point = 0 AND sample = 5;
            """);
    }

    [Theory]
    [InlineData(true)]   // seed 1 vs seed 2
    [InlineData(false)]  // two stores of the same campaign
    public void A_row_from_another_campaign_or_store_is_refused_by_readers_and_recomputed_by_a_resume(bool otherCampaign)
    {
        var campaign = WithSeed(1);
        var other = otherCampaign ? WithSeed(2) : campaign;
        string dir = Filled(campaign, 0), from = Filled(other, 7);
        CopyShard(from, dir);
        string path = CampaignStore.PathIn(dir);

        using (var reader = CampaignStore.Open(path, readOnly: true))
        {
            var e = Assert.Throws<StoreDamagedException>(() => reader.ReadSamples().Count());
            Assert.Contains("shard (point 0, shard 1)", e.Message);
            Assert.Contains("another campaign or another store", e.Message);
            Assert.Throws<StoreDamagedException>(() => reader.ReadShardStatistics().Count());
            Assert.Throws<StoreDamagedException>(() => reader.ReadTraces());
        }

        var (resumed, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir, Horizons(campaign));
        using (resumed)
        {
            Assert.Contains(resumed.Repaired, r => r.StartsWith("point 0, shard 1: checksum mismatch"));
            Assert.DoesNotContain((0, 1), resumed.CompletedShards());
            // What is left reads; the recomputed shard commits again.
            var shard = ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize).Single(s => s.Point == 0 && s.Index == 1);
            Assert.True(resumed.CommitShard(shard, TestSamples.Of(shard, traced: true), "w"));
            Assert.Equal(campaign.Samples * campaign.Points.Count, resumed.ReadSamples().Count());
            Assert.Equal(campaign.Points.Count * ((campaign.Samples + campaign.ShardSize - 1) / campaign.ShardSize), resumed.ReadShardStatistics().Count());
        }
        Directory.Delete(dir, true);
        Directory.Delete(from, true);
    }

    [Fact]
    public void A_schema_6_store_with_plain_checksums_reads_and_a_resume_binds_its_rows()
    {
        var campaign = WithSeed(1);
        string dir = Filled(campaign, 0);
        string path = CampaignStore.PathIn(dir);
        List<SampleRecord> before;
        using (var reader = CampaignStore.Open(path, readOnly: true)) before = reader.ReadSamples().ToList();
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            LegacyChecksums.Unkey(db);
            LegacyChecksums.Exec(db, "UPDATE meta SET value = '6' WHERE key = 'schema'");
            StoredStatisticsTests.Reseal(db);
        }
        using (var reader = CampaignStore.Open(path, readOnly: true))
        {
            Assert.Null(reader.TryGetMeta("store_id"));
            Assert.Equal(before.Count, reader.ReadSamples().Count());
            Assert.Equal(before.Count, reader.ReadTraces().Count);
        }
        var (resumed, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir, Horizons(campaign));
        resumed.Dispose();
        Assert.Empty(resumed.Repaired);
        using (var after = CampaignStore.Open(path, readOnly: true))
        {
            Assert.Equal("8", after.TryGetMeta("schema"));
            Assert.Matches("^[0-9a-f]{32}$", after.TryGetMeta("store_id"));
            Assert.Equal(before.Select(s => s.FinalLoss), after.ReadSamples().Select(s => s.FinalLoss));
            Assert.Equal(before.Count, after.ReadTraces().Count);
            Assert.NotEmpty(after.ReadShardStatistics());
        }
        // Bound now: a plain-checksum row no longer passes.
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            LegacyChecksums.Exec(db, "UPDATE shards SET sha256 = (SELECT sha256 FROM shards WHERE point = 0 AND shard = 0) WHERE point = 1 AND shard = 0");
        }
        using (var reader = CampaignStore.Open(path, readOnly: true))
            Assert.Throws<StoreDamagedException>(() => reader.ReadSamples().Count());
        Directory.Delete(dir, true);
    }
}

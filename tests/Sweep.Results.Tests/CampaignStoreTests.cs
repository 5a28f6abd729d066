using Sweep.Results.Storage;
using Sweep.Campaigns;
using Sweep.Results;

namespace Sweep.Results.Tests;

public class CampaignStoreTests
{
    [Fact]
    public void Metadata_set_after_creation_keeps_the_metadata_checksum_valid()
    {
        // Provenance is recorded after the store is created; the checksum over the metadata must follow it, or every
        // later open would call the store damaged.
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir);
        using (store) store.SetMeta("provenance", "{\"version\":\"x\"}");
        var (again, resumed) = CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir);
        using (again)
        {
            Assert.True(resumed);
            Assert.Equal("{\"version\":\"x\"}", again.TryGetMeta("provenance"));
        }
        using var reader = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true);
        Assert.Equal("n", reader.TryGetMeta("name"));
        Assert.Throws<ArgumentException>(() => reader.SetMeta("meta_sha256", "forged"));
    }

    [Fact]
    public void Committed_shards_survive_reopening_and_a_second_commit_is_ignored()
    {
        var dir = TestCampaigns.TempDir();
        var shard = new ShardKey(1, 0, 0, 4);
        var (store, resumed) = CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir);
        Assert.False(resumed);
        using (store)
        {
            Assert.True(store.CommitShard(shard, TestSamples.Of(shard, traced: true), "w"));
            Assert.False(store.CommitShard(shard, TestSamples.Of(shard), "w"));
        }
        var (again, resumed2) = CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir);
        using (again)
        {
            Assert.True(resumed2);
            Assert.Equal([(1, 0)], again.CompletedShards());
            var back = again.ReadSamples().ToList();
            Assert.Equal(TestSamples.Of(shard).ToList(), back);     // every field, NaN included, round-trips exactly
            Assert.Equal(4, again.ReadTraces().Count);
        }
    }

    [Fact]
    public void A_different_campaign_is_refused_as_a_user_error()
    {
        var dir = TestCampaigns.TempDir();
        CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "first", dir).Store.Dispose();
        var err = Assert.Throws<UserError>(() => CampaignStore.OpenForCampaign(dir, "{}", new string('b', 64), "second", dir));
        Assert.Contains("different campaign", err.Message);
    }

    [Fact]
    public void A_corrupted_database_is_detected_and_not_reused()
    {
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir);
        var shard = new ShardKey(0, 0, 0, 200);
        store.CommitShard(shard, TestSamples.Of(shard), "w");
        store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var path = CampaignStore.PathIn(dir);
        // Checkpoint happened on close; scribble over the middle of the file.
        var bytes = File.ReadAllBytes(path);
        for (int i = bytes.Length / 3; i < bytes.Length / 3 + 3000 && i < bytes.Length; i++) bytes[i] = 0x5A;
        File.WriteAllBytes(path, bytes);
        // Damage is a failure (exit code 1), not a refusal the user can fix.
        var err = Assert.Throws<IOException>(() => CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir));
        Assert.Contains("corrupt", err.Message);
    }

    [Fact]
    public void A_truncated_database_is_detected()
    {
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir);
        var shard = new ShardKey(0, 0, 0, 300);
        store.CommitShard(shard, TestSamples.Of(shard), "w");
        store.Dispose();
        var path = CampaignStore.PathIn(dir);
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length / 2);
        var err = Assert.Throws<IOException>(() => CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir));
        Assert.Contains("corrupt", err.Message);
    }

    [Fact]
    public void Garbage_file_is_not_a_database()
    {
        var dir = TestCampaigns.TempDir();
        File.WriteAllText(CampaignStore.PathIn(dir), "this is not sqlite, just text that happens to be here....................................................................");
        var err = Assert.Throws<IOException>(() => CampaignStore.OpenForCampaign(dir, "{}", new string('a', 64), "n", dir));
        Assert.Contains("corrupt", err.Message);
    }

    [Fact]
    public void A_shard_blob_round_trips_every_field_bit_for_bit()
    {
        var shard = new ShardKey(3, 2, 40, 7);
        var samples = TestSamples.Of(shard).Select((r, i) => i switch
        {
            0 => r with { FinalLoss = -0.0, HitTime = double.PositiveInfinity },
            1 => r with { CriticalValue = double.NegativeInfinity, Label = "{0,1,2,3,4,5,6,7,8,9,10}" },
            _ => r,
        }).Select(r => r with { TraceTime = null, TraceLoss = null }).ToArray();
        var back = ShardBlob.Decode(3, ShardBlob.Encode(samples));
        Assert.Equal(samples, back);
        static long[] Bits(SampleRecord r) => new[] { r.FinalLoss, r.CriticalValue, r.StopTime, r.HitTime, r.GradientNorm, r.InvariantDrift }.Select(BitConverter.DoubleToInt64Bits).ToArray();
        Assert.Equal(samples.Select(Bits), back.Select(Bits));    // −0 and NaN payloads included
    }

    [Fact]
    public void A_store_of_another_schema_is_refused_and_left_untouched()
    {
        var dir = TestCampaigns.TempDir();
        var campaign = TestCampaigns.Parse();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        store.Dispose();
        string path = CampaignStore.PathIn(dir);
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            // A store of schema 1 had no metadata checksum either.
            cmd.CommandText = "UPDATE meta SET value = '1' WHERE key = 'schema'; DELETE FROM meta WHERE key = 'meta_sha256'";
            Assert.Equal(2, cmd.ExecuteNonQuery());
        }
        var before = File.ReadAllBytes(path);
        var error = Assert.Throws<UserError>(() => CampaignStore.Open(path, readOnly: true));
        Assert.Contains("schema 1", error.Message);
        var error2 = Assert.Throws<UserError>(() => CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir));
        Assert.Contains("schema 1", error2.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }
}

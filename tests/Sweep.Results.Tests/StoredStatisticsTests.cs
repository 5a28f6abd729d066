using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Sweep.Campaigns;
using Sweep.Numerics.Integration;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using Sweep.Results.Storage;

namespace Sweep.Results.Tests;

/// <summary>The statistics stored with each shard, merged without reading samples, against the full recomputation.</summary>
public class StoredStatisticsTests
{
    private static readonly string[] Labels = ["{}", "{0}", "{0,1}"];

    private static Campaign NewCampaign(int samples, int shardSize) =>
        TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23", $"\"samples\": {samples}").Replace("\"shard_size\": 5", $"\"shard_size\": {shardSize}"));

    /// <summary>Varied samples: every status and outcome, diverged ones without label, times 0, tiny, spread over the horizon, beyond it, or never.</summary>
    private static SampleRecord[] Samples(ShardKey s, Random rng, double horizon) => Enumerable.Range(0, s.Count).Select(i =>
    {
        var outcome = (Outcome)rng.Next(4);
        bool diverged = outcome == Outcome.Diverged;
        double Time() => rng.Next(10) switch
        {
            0 => double.NaN,
            1 => 0.0,
            2 => 1e-14 * horizon * rng.NextDouble(),
            3 => horizon * (1 + rng.NextDouble()),
            _ => horizon * Math.Pow(10, -6 * rng.NextDouble()),
        };
        string label = diverged ? "" : Labels[rng.Next(Labels.Length)];
        return new SampleRecord
        {
            Point = s.Point, Sample = s.FirstSample + i, Status = diverged ? SampleStatus.Diverged : (SampleStatus)rng.Next(2), Outcome = outcome,
            Label = label, CriticalValue = diverged ? double.NaN : label.Length * 0.125, FinalLoss = rng.NextDouble(), StopTime = horizon,
            HitTime = diverged ? double.NaN : Time(), GlobalTime = diverged ? double.NaN : Time(), Steps = 10, RhsEvaluations = 70,
        };
    }).ToArray();

    private static (string Dir, CampaignStore Store, Dictionary<ShardKey, SampleRecord[]> Stored) Fill(Campaign campaign, int seed, double keep, bool horizons = true)
    {
        var rng = new Random(seed);
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir,
            horizons ? campaign.Points.Select(p => p.Spec.Horizon).ToArray() : null);
        var stored = new Dictionary<ShardKey, SampleRecord[]>();
        foreach (var shard in ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize).OrderBy(_ => rng.Next()))
        {
            if (rng.NextDouble() > keep) continue;
            var samples = Samples(shard, rng, campaign.Points[shard.Point].Spec.Horizon);
            Assert.True(store.CommitShard(shard, samples, "w"));
            stored[shard] = samples;
        }
        return (dir, store, stored);
    }

    private static string Json(Campaign campaign, IReadOnlyList<PointStatistics> stats) =>
        OutputWriter.SummaryText(OutputWriter.Summary(campaign, stats, stats.Sum(s => s.Count), complete: false, markApproximate: true));

    /// <summary>The reference without stored statistics: every sample added to the point's statistics, times binned from the first.</summary>
    private static PointStatistics[] Binned(Campaign campaign, IEnumerable<SampleRecord> samples)
    {
        var all = OutputWriter.NewStatistics(campaign);
        var parts = campaign.Points.Select(p => PointStatistics.ForShard(p.Index, p.Spec.Horizon)).ToArray();
        foreach (var s in samples) parts[s.Point].Add(s);
        for (int p = 0; p < all.Length; p++) all[p].Merge(parts[p]);
        return all;
    }

    [Theory]
    [InlineData(1, 300, 7, 1.0)]
    [InlineData(2, 301, 50, 0.6)]
    [InlineData(3, 97, 1, 0.8)]
    [InlineData(4, 500, 500, 1.0)]
    public void Merged_shard_statistics_equal_the_full_recomputation_and_read_no_sample(int seed, int samples, int shardSize, double keep)
    {
        var campaign = NewCampaign(samples, shardSize);
        var (dir, store, stored) = Fill(campaign, seed, keep);
        using (store)
        {
            var all = stored.Values.SelectMany(s => s).ToList();
            // Bounded by the shard statistics alone: no sample blob is read, and counts, labels, outcomes, their exact
            // intervals and the binned time quantiles are those of every sample.
            using var reader = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true);
            var binned = StoredStatistics.Read(campaign, reader, exactUpTo: 0);
            Assert.Equal(0, reader.SampleBlobsRead);
            Assert.Equal(all.Count, binned.SamplesDone);
            Assert.Equal(stored.Count, binned.ShardsDone);
            Assert.Equal(Json(campaign, Binned(campaign, all)), Json(campaign, binned.Points));
            // Small points are read exactly: then equal to what summary.json computes from the samples.
            var exact = StoredStatistics.Read(campaign, reader);
            Assert.Equal(Json(campaign, OutputWriter.Aggregate(campaign, all)), Json(campaign, exact.Points));
            Assert.DoesNotContain("approximate", Json(campaign, exact.Points));
        }
    }

    [Fact]
    public void Damaged_statistics_are_reported_by_a_reader_that_writes_nothing_and_recomputed_by_a_resume()
    {
        var campaign = NewCampaign(60, 10);
        var (dir, store, stored) = Fill(campaign, 5, 1.0);
        store.Dispose();
        string path = CampaignStore.PathIn(dir);
        var victim = stored.Keys.OrderBy(k => (k.Point, k.Index)).ElementAt(7);
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            byte[] stats;
            using (var read = db.CreateCommand())
            {
                read.CommandText = "SELECT stats FROM shards WHERE point = $p AND shard = $s";
                read.Parameters.AddWithValue("$p", victim.Point);
                read.Parameters.AddWithValue("$s", victim.Index);
                stats = (byte[])read.ExecuteScalar()!;
            }
            // One bit of the statistics flipped; the samples and their checksum are intact.
            stats[20] ^= 1;
            using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE shards SET stats = $d WHERE point = $p AND shard = $s";
            cmd.Parameters.AddWithValue("$d", stats);
            cmd.Parameters.AddWithValue("$p", victim.Point);
            cmd.Parameters.AddWithValue("$s", victim.Index);
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        var bytes = File.ReadAllBytes(path);
        var mtime = File.GetLastWriteTimeUtc(path);
        using (var reader = CampaignStore.Open(path, readOnly: true))
        {
            var error = Assert.Throws<StoreDamagedException>(() => StoredStatistics.Read(campaign, reader, exactUpTo: 0));
            Assert.Contains($"point {victim.Point}, shard {victim.Index}", error.Message);
            Assert.Contains("sweep run", error.Message);
        }
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(path));
        Assert.Equal([path], Directory.GetFiles(dir).Where(f => f.Contains(CampaignStore.FileName)));

        // A resume deletes the damaged shard; recomputing it (the same samples: they depend on seed, point and sample
        // only) restores statistics equal to the full recomputation.
        var (resumed, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir, campaign.Points.Select(p => p.Spec.Horizon).ToArray());
        using (resumed)
        {
            Assert.Contains(resumed.Repaired, r => r.Contains($"point {victim.Point}, shard {victim.Index}"));
            Assert.DoesNotContain((victim.Point, victim.Index), resumed.CompletedShards());
            Assert.True(resumed.CommitShard(victim, stored[victim], "w"));
            var all = stored.Values.SelectMany(s => s).ToList();
            Assert.Equal(Json(campaign, Binned(campaign, all)), Json(campaign, StoredStatistics.Read(campaign, resumed, exactUpTo: 0).Points));
            Assert.Equal(0, resumed.SampleBlobsRead);
        }
    }

    [Fact]
    public void A_schema_4_store_is_read_as_it_is_and_upgraded_with_statistics_by_a_resume()
    {
        var campaign = NewCampaign(80, 9);
        var (dir, store, stored) = Fill(campaign, 6, 0.7, horizons: false);
        store.Dispose();
        string path = CampaignStore.PathIn(dir);
        MakeSchema4(path);
        var all = stored.Values.SelectMany(s => s).ToList();
        var bytes = File.ReadAllBytes(path);
        using (var reader = CampaignStore.Open(path, readOnly: true))
        {
            Assert.False(reader.HasShardStatistics);
            // Without stored statistics each shard is folded from its samples, one at a time.
            var read = StoredStatistics.Read(campaign, reader, exactUpTo: 0);
            Assert.Equal(stored.Count, reader.SampleBlobsRead);
            Assert.Equal(Json(campaign, Binned(campaign, all)), Json(campaign, read.Points));
        }
        Assert.Equal(bytes, File.ReadAllBytes(path));

        var (upgraded, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir, campaign.Points.Select(p => p.Spec.Horizon).ToArray());
        upgraded.Dispose();
        using var after = CampaignStore.Open(path, readOnly: true);
        Assert.True(after.HasShardStatistics);
        Assert.Equal("8", after.TryGetMeta("schema"));
        var merged = StoredStatistics.Read(campaign, after, exactUpTo: 0);
        Assert.Equal(0, after.SampleBlobsRead);
        Assert.Equal(Json(campaign, Binned(campaign, all)), Json(campaign, merged.Points));
    }

    /// <summary>Turns a store into what schema 4 wrote: no statistics columns, schema 4, the metadata checksum over that.</summary>
    private static void MakeSchema4(string path)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=false");
        db.Open();
        void Exec(string sql) { using var c = db.CreateCommand(); c.CommandText = sql; c.ExecuteNonQuery(); }
        LegacyChecksums.Unkey(db);
        Exec("ALTER TABLE shards DROP COLUMN stats; ALTER TABLE shards DROP COLUMN stats_sha256; UPDATE meta SET value = '4' WHERE key = 'schema'; DELETE FROM meta WHERE key = 'meta_sha256';");
        Reseal(db);
    }

    /// <summary>The columns of schema 5 (this version's before invariant_eigs and tail_rate).</summary>
    private static readonly string Schema5Columns = string.Join(';', SampleColumns.Fingerprint.Split(';').TakeWhile(c => !c.StartsWith("invariant_eigs:")));

    [Fact]
    public void A_schema_5_store_of_the_previous_columns_is_read_and_upgraded_by_a_resume()
    {
        var campaign = NewCampaign(80, 9);
        var (dir, store, stored) = Fill(campaign, 6, 0.7, horizons: true);
        store.Dispose();
        string path = CampaignStore.PathIn(dir);
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            LegacyChecksums.Unkey(db);
            using (var c = db.CreateCommand())
            {
                c.CommandText = "UPDATE meta SET value = '5' WHERE key = 'schema'; UPDATE meta SET value = $c WHERE key = 'columns'; DELETE FROM meta WHERE key = 'meta_sha256';";
                c.Parameters.AddWithValue("$c", Schema5Columns);
                c.ExecuteNonQuery();
            }
            Reseal(db);
        }
        using (var reader = CampaignStore.Open(path, readOnly: true))
            Assert.Equal(stored.Values.SelectMany(s => s).Count(), reader.ReadSamples().Count());
        var (upgraded, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir, campaign.Points.Select(p => p.Spec.Horizon).ToArray());
        upgraded.Dispose();
        using var after = CampaignStore.Open(path, readOnly: true);
        Assert.Equal("8", after.TryGetMeta("schema"));
        Assert.Equal(SampleColumns.Fingerprint, after.TryGetMeta("columns"));
        Assert.Equal(Schema5Columns, after.TryGetMeta("columns_format2"));

        // A layout that is not a prefix of this version's (a column renamed) is refused, naming the reason.
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            using (var c = db.CreateCommand())
            {
                c.CommandText = "UPDATE meta SET value = replace(value, 'tail_rate', 'tail_rate2') WHERE key = 'columns'; DELETE FROM meta WHERE key = 'meta_sha256';";
                c.ExecuteNonQuery();
            }
            Reseal(db);
        }
        var error = Assert.Throws<UserError>(() => CampaignStore.Open(path, readOnly: true));
        Assert.Contains("per-sample columns differ", error.Message);
    }

    /// <summary>Writes the metadata checksum over the metadata as it is now.</summary>
    internal static void Reseal(SqliteConnection db)
    {
        var meta = new List<(string, string)>();
        using (var c = db.CreateCommand())
        {
            c.CommandText = "SELECT key, value FROM meta";
            using var r = c.ExecuteReader();
            while (r.Read()) meta.Add((r.GetString(0), r.GetString(1)));
        }
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (k, v) in meta.OrderBy(m => m.Item1, StringComparer.Ordinal))
        {
            var kb = Encoding.UTF8.GetBytes(k);
            var vb = Encoding.UTF8.GetBytes(v);
            h.AppendData(BitConverter.GetBytes(kb.Length)); h.AppendData(kb);
            h.AppendData(BitConverter.GetBytes(vb.Length)); h.AppendData(vb);
        }
        using var ins = db.CreateCommand();
        ins.CommandText = "INSERT INTO meta(key, value) VALUES ('meta_sha256', $v)";
        ins.Parameters.AddWithValue("$v", Convert.ToHexString(h.GetHashAndReset()).ToLowerInvariant());
        ins.ExecuteNonQuery();
    }

    [Fact]
    public void Shard_statistics_round_trip_and_any_truncation_or_damage_is_invalid_data()
    {
        var campaign = NewCampaign(40, 40);
        var shard = new ShardKey(1, 0, 0, 40);
        var stats = PointStatistics.ForShard(1, 50);
        foreach (var s in Samples(shard, new Random(9), 50)) stats.Add(s);
        var data = stats.Encode();
        Assert.Equal(data, PointStatistics.Decode(1, 50, data).Encode());
        for (int n = 0; n < data.Length; n++)
            Assert.Throws<InvalidDataException>(() => PointStatistics.Decode(1, 50, data[..n]));
        Assert.Throws<InvalidDataException>(() => PointStatistics.Decode(1, 50, [.. data, 0]));
    }

    [Fact]
    public void Hessian_counts_per_label_survive_the_shard_encoding_and_the_merge()
    {
        var shards = new[] { new ShardKey(1, 0, 0, 40), new ShardKey(1, 1, 40, 40) };
        var rng = new Random(5);
        var full = PointStatistics.ForShard(1, 50);
        var merged = PointStatistics.ForShard(1, 50);
        foreach (var shard in shards)
        {
            var part = PointStatistics.ForShard(1, 50);
            // Every other non-diverged sample analysed; strict when it has a negative eigenvalue.
            foreach (var s in Samples(shard, rng, 50).Select((s, i) => s.Outcome == Outcome.Diverged || i % 2 == 1 ? s : s with { HessianMin = -0.5, HessianNegative = i % 3, HessianNull = 2 }))
            {
                part.Add(s);
                full.Add(s);
            }
            merged.Merge(PointStatistics.Decode(1, 50, part.Encode()));
        }
        var expected = full.Summarize().Hessian;
        Assert.NotEmpty(expected);
        Assert.Contains(expected, h => h.Strict > 0 && h.NonStrict > 0);
        Assert.Equal(expected, merged.Summarize().Hessian);
    }

    [Fact]
    public async Task Parquet_is_written_in_row_groups_with_the_same_rows_and_one_group_up_to_the_group_size()
    {
        var rows = Enumerable.Range(0, 50).Select(TestSamples.Random).ToList();
        var dir = TestCampaigns.TempDir();
        string one = Path.Combine(dir, "one.parquet"), many = Path.Combine(dir, "many.parquet");
        Assert.Equal(50, await Exporter.WriteParquetAsync(one, rows));
        Assert.Equal(50, await Exporter.WriteParquetAsync(many, rows, rowGroupSize: 7));
        await using (var r = await Parquet.ParquetReader.CreateAsync(one)) Assert.Equal(1, r.RowGroupCount);
        await using (var r = await Parquet.ParquetReader.CreateAsync(many)) Assert.Equal(8, r.RowGroupCount);
        Assert.Equal(rows, await Exporter.ReadParquetAsync(one));
        Assert.Equal(rows, await Exporter.ReadParquetAsync(many));
    }
}

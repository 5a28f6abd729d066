using Microsoft.Data.Sqlite;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Results.Tests;

/// <summary>
/// Schema 8: each shard row keeps what its samples cost (gradient evaluations, Hessians and the samples that counted
/// them), so a resumed run prices its points — the allocation's cost model and the time to go — from the stored shards
/// before it has solved any sample of them. Before, records read back carried no Hessian count and aggregate shards no
/// count at all: a resumed point was unpriced (Hessians NaN) until this run's own shards reached its prefix.
/// </summary>
public sealed class StoredShardCostTests
{
    private const string Target = "\"samples\": 10, \"max_samples\": 23, \"target\": { \"saddle_upper95\": 0.01 },";

    private static Campaign Aggregate() => TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23,", Target + " \"storage\": \"aggregate\","));

    private static Campaign Full() => TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23,", Target));

    private static double[] Horizons(Campaign c) => c.Points.Select(p => p.Spec.Horizon).ToArray();

    /// <summary>A shard's samples, with Hessians 3 × sample index on every sample of point 0 and on the even samples of point 1.</summary>
    private static SampleRecord[] Samples(ShardKey s) =>
        TestSamples.Of(s).Select(x => s.Point == 0 || x.Sample % 2 == 0 ? x with { HessianEvaluations = 3 * x.Sample } : x).ToArray();

    private static (double Evaluations, double Hessians) Means(Campaign campaign, int point, int prefixShards)
    {
        var prefix = campaign.Plan().Where(k => k.Point == point && k.Index < prefixShards).SelectMany(Samples).ToList();
        return (prefix.Average(x => (double)x.RhsEvaluations), prefix.Where(x => x.HessianEvaluations >= 0).Average(x => (double)x.HessianEvaluations));
    }

    private static CampaignStore Open(string dir, Campaign c) =>
        CampaignStore.OpenForCampaign(dir, c.NormalizedJson, c.Hash, c.Name, dir, Horizons(c), storage: c.AggregateOnly ? StorageMode.Aggregate : StorageMode.Full).Store;

    [Fact]
    public void An_aggregate_store_keeps_each_shards_cost_and_a_resumed_stream_prices_every_point_at_once()
    {
        var campaign = Aggregate();
        var dir = TestCampaigns.TempDir();
        var plan = campaign.Plan();
        using (var store = Open(dir, campaign))
            store.CommitShards(plan.Select(s => (s, (IReadOnlyList<SampleRecord>)[], "w",
                (ShardOutput?)ShardOutput.Encode(Samples(s), s.Point, campaign.Points[s.Point].Spec.Horizon, aggregate: true))).ToArray());

        using (var resumed = Open(dir, campaign))
        {
            var costs = resumed.StoredShardCosts();
            Assert.Equal(plan.Count(), costs.Count);
            foreach (var s in plan)
            {
                var samples = Samples(s);
                var counted = samples.Where(x => x.HessianEvaluations >= 0).ToList();
                Assert.Equal(new ShardCost(samples.Sum(x => x.RhsEvaluations), counted.Sum(x => x.HessianEvaluations), counted.Count), costs[(s.Point, s.Index)]);
            }

            // Resumed, the stream reports every point's cost as it walks the stored prefix, before any new shard.
            var priced = new ShardStatisticsStream(campaign, resumed.CompletedShards(), resumed.ReadShardStatistics, costs).TakeLooked();
            Assert.Equal(2, priced.Count);
            foreach (var l in priced)
            {
                Assert.True(l.PrefixShards > 0);
                var (evaluations, hessians) = Means(campaign, l.Point, l.PrefixShards);
                Assert.Equal(evaluations, l.EvaluationsPerSample, 12);
                Assert.Equal(hessians, l.HessiansPerSample, 12);
            }
            // Without the stored costs (a store of an older schema) the points are unpriced, as before.
            var unpriced = new ShardStatisticsStream(campaign, resumed.CompletedShards(), resumed.ReadShardStatistics).TakeLooked();
            Assert.All(unpriced, l => Assert.True(double.IsNaN(l.HessiansPerSample)));
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_full_store_keeps_the_hessian_counts_its_records_lose_and_a_resumed_samples_csv_stream_prices_at_once()
    {
        var campaign = Full();
        var dir = TestCampaigns.TempDir();
        var plan = campaign.Plan();
        using (var store = Open(dir, campaign))
            foreach (var s in plan) Assert.True(store.CommitShard(s, Samples(s), "w"));

        var outDir = TestCampaigns.TempDir();
        using (var resumed = Open(dir, campaign))
        {
            // The records read back have no Hessian count: the stored costs carry it.
            Assert.All(resumed.ReadShard(plan.First()), x => Assert.Equal(-1, x.HessianEvaluations));
            var costs = resumed.StoredShardCosts();
            using var priced = new SamplesCsvStream(campaign, outDir, resumed.CompletedShards(), resumed.ReadShard, storedCosts: costs);
            var looked = priced.TakeLooked();
            Assert.Equal(2, looked.Count);
            foreach (var l in looked)
            {
                var (evaluations, hessians) = Means(campaign, l.Point, l.PrefixShards);
                Assert.Equal(evaluations, l.EvaluationsPerSample, 12);
                Assert.Equal(hessians, l.HessiansPerSample, 12);
            }
        }
        Directory.Delete(dir, true);
        Directory.Delete(outDir, true);
    }

    [Fact]
    public void A_shard_that_waits_in_the_store_instead_of_the_buffer_keeps_its_hessian_count()
    {
        var campaign = Full();
        var plan = campaign.Plan().Where(s => s.Point == 0).ToList();
        var outDir = TestCampaigns.TempDir();
        // What the store gives back: the records without their Hessian counts.
        var store = plan.ToDictionary(s => s.Index, s => (IReadOnlyList<SampleRecord>)Samples(s).Select(x => x with { HessianEvaluations = -1 }).ToList());
        using var stream = new SamplesCsvStream(campaign, outDir, [], k => store[k.Index], maxBufferedSamples: 1);
        // The buffer holds one sample at most: every shard waits in the store, read back when its turn comes.
        foreach (var s in Enumerable.Reverse(plan)) stream.Add(s, Samples(s));
        var looked = stream.TakeLooked().Single(l => l.Point == 0);
        var (evaluations, hessians) = Means(campaign, 0, looked.PrefixShards);
        Assert.True(looked.PrefixShards >= 2);      // where the target's rule stops the point (every shard read back)
        Assert.Equal(evaluations, looked.EvaluationsPerSample, 12);
        Assert.Equal(hessians, looked.HessiansPerSample, 12);
        Directory.Delete(outDir, true);
    }

    [Theory]
    [InlineData(6)]     // plain checksums: the upgrade also binds its rows (a new store id)
    [InlineData(7)]
    public void An_older_store_reads_and_a_resume_adds_the_cost_columns_empty_and_prices_from_its_new_shards(int schema)
    {
        // Every sample certified global and room for 1000: the target's rule keeps the point open past these shards.
        var campaign = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23,", Target.Replace("23", "1000") + " \"storage\": \"aggregate\","));
        SampleRecord[] Global(ShardKey s) => Samples(s).Select(x => x with { Status = Sweep.Numerics.Integration.SampleStatus.Converged,
            Outcome = Sweep.Numerics.Integration.Outcome.Global, Label = "{0,1}", CriticalValue = 0 }).ToArray();
        var dir = TestCampaigns.TempDir();
        string path = CampaignStore.PathIn(dir);
        var plan = campaign.Plan().Where(s => s.Point == 0).Take(4).ToList();
        var encoded = plan.ToDictionary(s => s.Index, s => ShardOutput.Encode(Global(s), s.Point, campaign.Points[s.Point].Spec.Horizon, aggregate: true));
        using (var store = Open(dir, campaign))
            store.CommitShards(plan.Take(2).Select(s => (s, (IReadOnlyList<SampleRecord>)[], "w", (ShardOutput?)encoded[s.Index])).ToArray());
        string? id;
        using (var reader = CampaignStore.Open(path, readOnly: true)) id = reader.TryGetMeta("store_id");
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            if (schema == 6) LegacyChecksums.Unkey(db);
            else LegacyChecksums.DropCosts(db);
            LegacyChecksums.Exec(db, $"UPDATE meta SET value = '{schema}' WHERE key = 'schema'; DELETE FROM meta WHERE key = 'meta_sha256'");
            StoredStatisticsTests.Reseal(db);
        }
        var before = File.ReadAllBytes(path);
        using (var reader = CampaignStore.Open(path, readOnly: true))
        {
            Assert.Equal(2, reader.ReadShardStatistics().Count());
            Assert.Empty(reader.StoredShardCosts());
        }
        Assert.Equal(before, File.ReadAllBytes(path));      // readers upgrade nothing

        using (var resumed = Open(dir, campaign))
        {
            Assert.Empty(resumed.Repaired);
            Assert.Empty(resumed.StoredShardCosts());       // stored before the columns existed: not known
            resumed.CommitShards(plan.Skip(2).Take(2).Select(s => (s, (IReadOnlyList<SampleRecord>)[], "w", (ShardOutput?)encoded[s.Index])).ToArray());
            var costs = resumed.StoredShardCosts();
            Assert.Equal(new[] { (0, 2), (0, 3) }, costs.Keys.Order());

            // One prefix of old shards (no count) and new ones: the means are over the shards whose cost is known.
            var looked = new ShardStatisticsStream(campaign, resumed.CompletedShards(), resumed.ReadShardStatistics, costs).TakeLooked().Single(l => l.Point == 0);
            Assert.Equal(4, looked.PrefixShards);
            Assert.Null(looked.State!.Stopped);
            var known = plan.Skip(2).SelectMany(Global).ToList();
            Assert.Equal(known.Average(x => (double)x.RhsEvaluations), looked.EvaluationsPerSample, 12);
            Assert.Equal(known.Average(x => (double)x.HessianEvaluations), looked.HessiansPerSample, 12);
        }
        using (var after = CampaignStore.Open(path, readOnly: true))
        {
            Assert.Equal("8", after.TryGetMeta("schema"));
            if (schema == 7) Assert.Equal(id, after.TryGetMeta("store_id"));   // not rebound: its rows keep their keyed checksums
            else Assert.NotEqual(id, after.TryGetMeta("store_id"));
            Assert.Equal(4, after.ReadShardStatistics().Count());
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void An_upgrade_that_fails_says_so_and_leaves_the_store_as_it_was()
    {
        var campaign = Full();
        var dir = TestCampaigns.TempDir();
        string path = CampaignStore.PathIn(dir);
        var plan = campaign.Plan().Take(2).ToList();
        using (var store = Open(dir, campaign))
            foreach (var s in plan) Assert.True(store.CommitShard(s, Samples(s), "w"));
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            LegacyChecksums.DropCosts(db);
            LegacyChecksums.Exec(db, "UPDATE meta SET value = '7' WHERE key = 'schema'; DELETE FROM meta WHERE key = 'meta_sha256'");
            StoredStatisticsTests.Reseal(db);
            // Something the upgrade cannot get past (here a trigger; in the field, say, a lock or a constraint).
            LegacyChecksums.Exec(db, "CREATE TRIGGER refuse_insert BEFORE INSERT ON meta BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END;" +
                "CREATE TRIGGER refuse_update BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END;");
        }
        var e = Assert.ThrowsAny<IOException>(() => Open(dir, campaign));
        Assert.IsNotType<StoreDamagedException>(e);
        Assert.Contains("cannot upgrade the campaign store", e.Message);
        Assert.Contains("from schema 7 to 8", e.Message);
        Assert.Contains("the upgrade was rolled back", e.Message);
        using (var reader = CampaignStore.Open(path, readOnly: true))
        {
            Assert.Equal("7", reader.TryGetMeta("schema"));
            Assert.Equal(plan.Sum(s => s.Count), reader.ReadSamples().Count());
        }
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            LegacyChecksums.Exec(db, "DROP TRIGGER refuse_insert; DROP TRIGGER refuse_update;");
        }
        using (var resumed = Open(dir, campaign)) Assert.Empty(resumed.Repaired);
        using (var after = CampaignStore.Open(path, readOnly: true)) Assert.Equal("8", after.TryGetMeta("schema"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_grown_campaign_keeps_its_shards_costs()
    {
        Campaign WithSamples(int n) => TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23", $"\"samples\": {n}"));
        var (small, large) = (WithSamples(23), WithSamples(40));
        var dir = TestCampaigns.TempDir();
        (CampaignStore, bool) OpenGrowing(Campaign c) => CampaignStore.OpenForCampaign(dir, c.NormalizedJson, c.Hash, c.Name, dir, Horizons(c),
            grow: (json, hash, baseDir) => CampaignGrowth.Between(json, hash, baseDir, c, dir));
        var (store, _) = OpenGrowing(small);
        using (store)
            foreach (var s in small.Plan()) Assert.True(store.CommitShard(s, Samples(s), "w"));
        Dictionary<(int, int), ShardCost> before;
        using (var reader = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true)) before = reader.StoredShardCosts();
        Assert.Equal(small.Plan().Count(), before.Count);
        var (grown, _) = OpenGrowing(large);
        using (grown)
        {
            Assert.NotNull(grown.Grown);
            var after = grown.StoredShardCosts();
            // The shards the growth kept (all but each point's short last one) keep their costs.
            Assert.Equal(before.Count - 2, after.Count);
            Assert.All(after, kv => Assert.Equal(before[kv.Key], kv.Value));
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Implausible_stored_costs_are_not_used()
    {
        var campaign = Full();
        var dir = TestCampaigns.TempDir();
        var plan = campaign.Plan().Where(s => s.Point == 0).ToList();
        using (var store = Open(dir, campaign))
            foreach (var s in plan) Assert.True(store.CommitShard(s, Samples(s), "w"));
        using (var db = new SqliteConnection($"Data Source={CampaignStore.PathIn(dir)};Pooling=false"))
        {
            db.Open();
            LegacyChecksums.Exec(db, """
                UPDATE shards SET evaluations = -5 WHERE point = 0 AND shard = 0;
                UPDATE shards SET hessian_samples = count + 1 WHERE point = 0 AND shard = 1;
                UPDATE shards SET hessians = 'many' WHERE point = 0 AND shard = 2;
                UPDATE shards SET hessians = 7, hessian_samples = 0 WHERE point = 0 AND shard = 3;
                UPDATE shards SET evaluations = count * 1099511627776 + 1 WHERE point = 0 AND shard = 4;
                """);
        }
        using (var reader = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true))
        {
            Assert.Empty(reader.StoredShardCosts());
            Assert.Equal(plan.Sum(s => s.Count), reader.ReadSamples().Count());    // the results do not depend on the counts
        }
        Directory.Delete(dir, true);
    }
}

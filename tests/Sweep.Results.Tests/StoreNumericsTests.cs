using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Results.Tests;

/// <summary>
/// A store remembers the numerics fingerprint of the builds that ran it (with each build in its provenance): a resume by
/// a build that computes other numerics is refused before anything in the store changes, and one by another version
/// with the same numerics is not warned about. Builds older than fingerprints state none: they are warned about as before.
/// </summary>
public sealed class StoreNumericsTests
{
    private static readonly Provenance Build = new("1.0.0+aaaaaaa", "aaaaaaa", ".NET 10", "Linux", "AMD EPYC", 2, 512);

    private static Campaign WithSamples(int samples) => TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23", $"\"samples\": {samples}"));

    private static (CampaignStore Store, bool Resumed) Open(string dir, Campaign c, Provenance build) =>
        CampaignStore.OpenForCampaign(dir, c.NormalizedJson, c.Hash, c.Name, dir, c.Points.Select(p => p.Spec.Horizon).ToArray(), c.LegacyHash,
            grow: (json, hash, baseDir) => CampaignGrowth.Between(json, hash, baseDir, c, dir),
            admit: store => StoreProvenance.RefuseOtherNumerics(store, build, dir));

    private static string Created(Campaign c, Provenance build)
    {
        var dir = TestCampaigns.TempDir();
        var (store, _) = Open(dir, c, build);
        using (store)
        {
            foreach (var shard in c.Plan()) store.CommitShard(shard, TestSamples.Of(shard), "w");
            Assert.Null(StoreProvenance.Record(store, build));
        }
        return dir;
    }

    [Fact]
    public void A_resume_by_a_build_with_other_numerics_is_refused_before_the_store_changes_even_by_a_growth()
    {
        var small = WithSamples(23);
        var dir = Created(small, Build with { Numerics = "00000000000000aa" });
        byte[] before = File.ReadAllBytes(CampaignStore.PathIn(dir));

        var other = Build with { Version = "1.0.0+bbbbbbb", Commit = "bbbbbbb", Numerics = "00000000000000bb" };
        var e = Assert.Throws<UserError>(() => Open(dir, WithSamples(40), other));
        Assert.Contains("computed by sweep 1.0.0+aaaaaaa with numerics 00000000000000aa", e.Message);
        Assert.Contains("(sweep 1.0.0+bbbbbbb) computes 00000000000000bb", e.Message);
        Assert.Contains("left untouched", e.Message);

        // Not grown, not recorded: the file is as it was, and its own build resumes it.
        Assert.Equal(before, File.ReadAllBytes(CampaignStore.PathIn(dir)));
        var (store, resumed) = Open(dir, small, Build with { Numerics = "00000000000000aa" });
        using (store)
        {
            Assert.True(resumed);
            Assert.Equal(small.Hash, store.TryGetMeta("hash"));
            Assert.Equal(small.TotalSamples, store.SampleCount());
        }
    }

    [Fact]
    public void Another_version_with_the_same_numerics_resumes_without_a_warning_and_is_recorded()
    {
        var c = WithSamples(23);
        var dir = Created(c, Build with { Numerics = "00000000000000aa" });
        var newer = Build with { Version = "1.0.0+ccccccc", Commit = "ccccccc", Numerics = "00000000000000aa" };
        var (store, _) = Open(dir, c, newer);
        using (store)
        {
            Assert.Null(StoreProvenance.Record(store, newer));
            Assert.Equal(["1.0.0+aaaaaaa", "1.0.0+ccccccc"], StoreProvenance.Read(store).Builds.Select(b => b.Version));
            Assert.Equal("numerics 00000000000000aa", StoreProvenance.Lines(StoreProvenance.Read(store).Created, StoreProvenance.Read(store).Builds).Last());
        }
    }

    [Fact]
    public void A_store_of_builds_older_than_fingerprints_resumes_with_the_mixing_warning_and_then_holds_the_numerics()
    {
        var c = WithSamples(23);
        var dir = Created(c, Build);     // Numerics null: a build before fingerprints
        var newer = Build with { Version = "1.0.0+ddddddd", Commit = "ddddddd", Numerics = "00000000000000dd" };
        var (store, _) = Open(dir, c, newer);
        using (store)
        {
            var warning = StoreProvenance.Record(store, newer);
            Assert.Contains("last run by sweep 1.0.0+aaaaaaa, which predates numerics fingerprints", warning);
            var (created, builds) = StoreProvenance.Read(store);
            Assert.Equal("numerics 00000000000000dd (not stated by 1 older build)", StoreProvenance.Lines(created, builds, StoreProvenance.CampaignNumerics(store)).Last());
        }
        // Warned once: the next resume by the same build is silent.
        (store, _) = Open(dir, c, newer);
        using (store) Assert.Null(StoreProvenance.Record(store, newer));
        // From then on the store is bound to those numerics, even though its newest entry came after an unstated one.
        var e = Assert.Throws<UserError>(() => Open(dir, c, Build with { Version = "1.0.0+eeeeeee", Numerics = "00000000000000ee" }));
        Assert.Contains("with numerics 00000000000000dd", e.Message);
    }

    [Fact]
    public void The_same_version_on_a_machine_that_computes_other_numerics_is_refused_too()
    {
        var c = WithSamples(23);
        var dir = Created(c, Build with { Numerics = "00000000000000aa" });
        var e = Assert.Throws<UserError>(() => Open(dir, c, Build with { Cpu = "Other CPU", Numerics = "00000000000000ff" }));
        Assert.Contains("computes 00000000000000ff", e.Message);
    }

    [Fact]
    public void An_older_build_that_rewrites_the_build_list_without_fingerprints_does_not_unbind_the_store()
    {
        var c = WithSamples(23);
        var dir = Created(c, Build);     // created before fingerprints
        var stated = Build with { Version = "1.0.0+ddddddd", Commit = "ddddddd", Numerics = "00000000000000dd" };
        var (store, _) = Open(dir, c, stated);
        using (store) StoreProvenance.Record(store, stated);
        // What a build before fingerprints writes on its resume: the list again, each entry without `numerics`.
        using (var older = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: false))
        {
            var (_, builds) = StoreProvenance.Read(older);
            var rewritten = builds.Select(b => b with { Numerics = null }).Append(Build).Select(b => (System.Text.Json.Nodes.JsonNode)b.ToJson());
            older.SetMeta(StoreProvenance.BuildsKey, new System.Text.Json.Nodes.JsonArray(rewritten.ToArray()).ToJsonString());
        }
        var e = Assert.Throws<UserError>(() => Open(dir, c, Build with { Version = "1.0.0+eeeeeee", Numerics = "00000000000000ee" }));
        Assert.Contains("with numerics 00000000000000dd", e.Message);
    }

    [Fact]
    public void A_refused_resume_leaves_a_killed_runs_write_ahead_log_pending_and_every_file_as_it_was()
    {
        var c = WithSamples(23);
        var dir = TestCampaigns.TempDir();
        var killed = TestCampaigns.TempDir();
        var (store, _) = Open(dir, c, Build with { Numerics = "00000000000000aa" });
        using (store)
        {
            StoreProvenance.Record(store, Build with { Numerics = "00000000000000aa" });
            foreach (var shard in c.Plan()) store.CommitShard(shard, TestSamples.Of(shard), "w");
            // The files as a kill -9 leaves them: the committed shards still in the write-ahead log.
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                File.Copy(CampaignStore.PathIn(dir) + suffix, CampaignStore.PathIn(killed) + suffix);
        }
        Assert.True(new FileInfo(CampaignStore.PathIn(killed) + "-wal").Length > 0);
        var before = new[] { "", "-wal", "-shm" }.Select(x => File.ReadAllBytes(CampaignStore.PathIn(killed) + x)).ToArray();

        Assert.Throws<UserError>(() => Open(killed, c, Build with { Numerics = "00000000000000bb" }));

        var after = new[] { "", "-wal", "-shm" }.Select(x => File.ReadAllBytes(CampaignStore.PathIn(killed) + x)).ToArray();
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1], after[1]);
        // And its own numerics resume it with every committed shard.
        (store, _) = Open(killed, c, Build with { Numerics = "00000000000000aa" });
        using (store) Assert.Equal(c.TotalSamples, store.SampleCount());
    }
}

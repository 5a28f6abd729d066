using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Results.Tests;

/// <summary>`status`'s lines on the builds that ran a campaign: one per platform, not one per build.</summary>
public sealed class StoreProvenanceLinesTests
{
    private static readonly Provenance Here = new("1.0.0+98a1119018fd315a59a13d3c9e9fb9e7e28dde8b", "98a1119018fd315a59a13d3c9e9fb9e7e28dde8b",
        ".NET 10.0.12", "Debian GNU/Linux 12 (bookworm) (X64)", "AMD EPYC", 2, 512);

    private static Provenance Build(string commit, Provenance? on = null) => (on ?? Here) with { Version = $"1.0.0+{commit}", Commit = commit };

    [Fact]
    public void Builds_on_the_creating_platform_share_one_line_and_others_get_one_each()
    {
        var laptop = Here with { Cpu = "Intel Core i7", LogicalCpus = 8, SimdWidth = 256 };
        var builds = new List<Provenance>
        {
            Here, Build("64d0bdd865ba67b2d758ab5c998c289b82f47b58"), Build("c882eda238b1a317c279b74463e9c542c97280fb"),
            Build("0b80c1bef8513e3326eb8b0fb69d90bdfaa6a5e5", laptop), Build("e02cc1c9a0c3a3c659166632edf33b076b91905b"),
            Build("0.9.0-local", laptop) with { Version = "0.9.0-local" }, Build("720d1fec982e921ff1db69585703f7e4bc607016.dirty"),
        };
        var lines = StoreProvenance.Lines(Here, builds).ToList();
        Assert.Equal(
        [
            $"created by {Here}",
            "also run by sweep 1.0.0+64d0bdd, 1.0.0+c882eda, 1.0.0+e02cc1c, 1.0.0+720d1fe.dirty (on the same platform)",
            "also run by sweep 1.0.0+0b80c1b, 0.9.0-local on .NET 10.0.12, Debian GNU/Linux 12 (bookworm) (X64), Intel Core i7 (8 logical CPUs), 256-bit SIMD",
        ], lines);
    }

    [Fact]
    public void A_store_without_its_creator_names_every_build_with_its_platform()
    {
        var lines = StoreProvenance.Lines(null, [Build("64d0bdd865ba67b2d758ab5c998c289b82f47b58")]).ToList();
        Assert.Equal(["also run by sweep 1.0.0+64d0bdd on .NET 10.0.12, Debian GNU/Linux 12 (bookworm) (X64), AMD EPYC (2 logical CPUs), 512-bit SIMD"], lines);
        Assert.Empty(StoreProvenance.Lines(null, []));
    }
}

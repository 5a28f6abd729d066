using System.Text.Json.Nodes;
using Sweep.Results.Storage;

namespace Sweep.Cli.Tests;

/// <summary>`--set key=value` on `run`: applied before validation, stored with the campaign, part of its identity.</summary>
public class SetOverrideTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private const string Small = """
        { "name": "set", "seed": 2, "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.6], "input_dim": 3 },
          "network": { "hidden": [3] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "t_max": 60 }, "stop": { "grad_tol_rel": 1e-6, "eps_hit": 1e-3 },
          "samples": 40, "shard_size": 10 }
        """;

    [Fact]
    public void Run_with_set_stores_the_overridden_campaign_and_resumes_only_with_the_same_set()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Small);
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", file, "--out", outDir, "--workers", "2",
            "--set", "samples=12", "--set", "init.scale=0.2", "--set", "name=renamed", "--set", "network.hidden.0=4");
        Assert.True(exit == 0, stdout + stderr);
        Assert.Equal(13, File.ReadAllLines(Path.Combine(outDir, "samples.csv")).Length);
        using (var store = CampaignStore.OpenForReading(CampaignStore.PathIn(outDir)))
        {
            var stored = JsonNode.Parse(store.TryGetMeta("campaign")!)!;
            Assert.Equal(12, stored["samples"]!.GetValue<long>());
            Assert.Equal(0.2, stored["init"]!["scale"]!.GetValue<double>());
            Assert.Equal("renamed", stored["name"]!.GetValue<string>());
            Assert.Equal(4, stored["network"]!["hidden"]![0]!.GetValue<long>());
        }
        // The same --set resumes; without it the file is another campaign, refused (exit 2, DIR untouched).
        var again = SweepProcess.Run(Timeout, "run", file, "--out", outDir, "--workers", "2", "--set", "samples=12", "--set", "init.scale=0.2", "--set", "name=renamed", "--set", "network.hidden.0=4");
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.Contains("resuming", again.Out);
        var other = SweepProcess.Run(Timeout, "run", file, "--out", outDir, "--workers", "2");
        Assert.Equal(2, other.Exit);
        Assert.Contains("different campaign", other.Err);
    }

    [Theory]
    [InlineData("network.hiden=[3]", "network.hiden")]
    [InlineData("samples=many", "samples")]
    [InlineData("samples.first=1", "samples")]
    [InlineData("init.scale", "expected key=value")]
    [InlineData("network.hidden.3=4", "network.hidden.3")]
    [InlineData("sweep.samples=[1, 2]", "sweep")]
    public void A_bad_set_is_refused_naming_the_field(string set, string named)
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Small);
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", file, "--out", outDir, "--set", set);
        Assert.True(exit == 2, stdout + stderr);
        Assert.Contains(named, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(outDir));
    }
}

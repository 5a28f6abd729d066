using System.Text.Json.Nodes;

namespace Sweep.Cli.Tests;

/// <summary>
/// Campaigns that grow: `run` on a DIR whose campaign asked for fewer samples (or a looser target) extends it, and its
/// outputs equal those of the larger campaign run at once, byte for byte; lowering or any other change is refused.
/// </summary>
public class GrowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    // 200 is not a multiple of 64: the first run's last shard (192..199) is short, and the grown plan cuts it 192..255.
    private const string Fixed = """
        { "name": "grow", "seed": 5, "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.6], "input_dim": 3 },
          "network": { "hidden": [3] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "t_max": 60 }, "stop": { "grad_tol_rel": 1e-6, "eps_hit": 1e-3 },
          "samples": 200, "shard_size": 64, "trace_samples": 1 }
        """;

    [Fact]
    public void Two_hundred_then_four_hundred_by_set_equals_four_hundred_at_once_and_lowering_is_refused()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Fixed);
        var grown = Path.Combine(dir, "grown");
        var first = SweepProcess.Run(Timeout, "run", file, "--out", grown, "--workers", "2");
        Assert.True(first.Exit == 0, first.Out + first.Err);
        Assert.Equal(201, File.ReadAllLines(Path.Combine(grown, "samples.csv")).Length);

        var grow = SweepProcess.Run(Timeout, "run", file, "--out", grown, "--workers", "2", "--set", "samples=400");
        Assert.True(grow.Exit == 0, grow.Out + grow.Err);
        Assert.Contains("growing 'grow' in", grow.Out);
        Assert.Contains("samples 200 → 400; 1 short shard(s)", grow.Out);
        // 192..399: the short shard's 8 samples again, and the 200 new ones.
        Assert.Contains("solved 208 samples", grow.Out);

        // The same campaign written with 400 in the file, run at once: the same identity and the same outputs.
        var onceFile = Temp.Campaign(dir, Fixed.Replace("\"samples\": 200", "\"samples\": 400"), "once.json");
        var once = Path.Combine(dir, "once");
        var at = SweepProcess.Run(Timeout, "run", onceFile, "--out", once, "--workers", "2");
        Assert.True(at.Exit == 0, at.Out + at.Err);
        Campaigns.AssertSameOutputs(once, grown);
        Assert.Equal(401, File.ReadAllLines(Path.Combine(grown, "samples.csv")).Length);

        // The readers read the grown store as any other.
        var status = SweepProcess.Run(Timeout, "status", grown, "--json");
        Assert.Equal(0, status.Exit);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(once, "summary.json")))!;
        var live = JsonNode.Parse(status.Out)!;
        Assert.True((bool)live["complete"]!);
        Assert.Equal(summary["hash"]!.ToString(), live["hash"]!.ToString());
        Assert.Equal(summary["points"]!.ToJsonString(), live["points"]!.ToJsonString());
        var text = SweepProcess.Run(Timeout, "status", grown);
        Assert.Equal(0, text.Exit);
        Assert.Matches(@"grown \S+ [0-9a-f]{12} → [0-9a-f]{12}: samples 200 → 400", text.Out);
        var export = SweepProcess.Run(Timeout, "export", grown, "--to", Path.Combine(dir, "export.csv"));
        Assert.Equal(0, export.Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(once, "samples.csv")), Campaigns.WithoutParameters(File.ReadAllText(Path.Combine(dir, "export.csv"))));

        // Lowering is refused naming the key and both values; a change outside samples/max_samples/target is another campaign.
        var lower = SweepProcess.Run(Timeout, "run", file, "--out", grown, "--set", "samples=300");
        Assert.Equal(2, lower.Exit);
        Assert.Contains("error: samples: 300 is lower than the 400", lower.Err);
        Assert.Single(lower.Err.Trim().Split('\n'));
        var other = SweepProcess.Run(Timeout, "run", file, "--out", grown, "--set", "samples=800", "--set", "init.scale=0.2");
        Assert.Equal(2, other.Exit);
        Assert.Contains("different campaign", other.Err);
        Campaigns.AssertSameOutputs(once, grown);
        Directory.Delete(dir, true);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]     // join tokens are mode 0600 files
    public void A_coordinator_grows_its_campaign_and_binds_its_workers_to_the_grown_hash_only()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Fixed.Replace("\"samples\": 200, \"shard_size\": 64", "\"samples\": 20, \"shard_size\": 8"));
        var out_ = Path.Combine(dir, "out");
        var first = SweepProcess.Run(Timeout, "coordinator", file, "--out", out_, "--port", ClusterTests.FreePort().ToString(), "--workers", "2");
        Assert.True(first.Exit == 0, first.Out + first.Err);
        var oldToken = JoinTokenFile.Read(JoinTokenFile.PathIn(out_));
        string oldCopy = Path.Combine(dir, "old-token");
        File.Copy(JoinTokenFile.PathIn(out_), oldCopy);

        // A token issued for the grown campaign (credential takes the same --set) opens it; the old one does not.
        string token = Path.Combine(dir, "token");
        Assert.Equal(0, SweepProcess.Run(Timeout, "credential", file, "-o", token, "--set", "samples=40").Exit);
        var refused = SweepProcess.Run(Timeout, "coordinator", file, "--out", out_, "--port", ClusterTests.FreePort().ToString(), "--workers", "2", "--set", "samples=40", "--join-token", oldCopy);
        Assert.Equal(2, refused.Exit);
        Assert.Contains($"opens campaign {oldToken.ShortHash}", refused.Err);
        var grow = SweepProcess.Run(Timeout, "coordinator", file, "--out", out_, "--port", ClusterTests.FreePort().ToString(), "--workers", "2", "--set", "samples=40", "--join-token", token);
        Assert.True(grow.Exit == 0, grow.Out + grow.Err);
        Assert.Contains("growing 'grow' in", grow.Out);
        string hash = JsonNode.Parse(File.ReadAllText(Path.Combine(out_, "summary.json")))!["hash"]!.ToString();
        Assert.NotEqual(oldToken.CampaignHash, hash);
        Assert.Equal(hash, JoinTokenFile.Read(token).CampaignHash);
        Assert.Contains($"campaign 'grow' {hash[..12]}: workers serve only it", grow.Out);
        Assert.Equal(41, File.ReadAllLines(Path.Combine(out_, "samples.csv")).Length);
        Directory.Delete(dir, true);
    }

    // A target met after a few dozen samples per point at 0.2; 0.03 needs more than a hundred.
    private const string Target = """
        { "name": "grow-target", "seed": 7, "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.6], "input_dim": 3 },
          "network": { "hidden": [3] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "t_max": 60 }, "stop": { "until": "certified" },
          "samples": 20, "max_samples": 4000, "shard_size": 8,
          "target": { "saddle_upper95": 0.2 }, "sweep": { "init.scale": [0.1, 0.3] } }
        """;

    private static long[] PointSamples(string dir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["points"]!.AsArray().Select(p => (long)p!["samples"]!).ToArray();

    [Fact]
    public void A_stricter_target_extends_every_point_as_the_stricter_campaign_run_at_once_and_a_looser_one_is_refused()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Target);
        var grown = Path.Combine(dir, "grown");
        var first = SweepProcess.Run(Timeout, "run", file, "--out", grown, "--workers", "2");
        Assert.True(first.Exit == 0, first.Out + first.Err);
        var before = PointSamples(grown);

        var grow = SweepProcess.Run(Timeout, "run", file, "--out", grown, "--workers", "2", "--set", "target.saddle_upper95=0.03");
        Assert.True(grow.Exit == 0, grow.Out + grow.Err);
        Assert.Contains("target.saddle_upper95 0.2 → 0.03", grow.Out);
        var after = PointSamples(grown);
        Assert.All(before.Zip(after), p => Assert.True(p.Second > p.First, $"{p.First} → {p.Second} samples"));

        var once = Path.Combine(dir, "once");
        var at = SweepProcess.Run(Timeout, "run", Temp.Campaign(dir, Target.Replace("0.2 }", "0.03 }"), "once.json"), "--out", once, "--workers", "2");
        Assert.True(at.Exit == 0, at.Out + at.Err);
        Campaigns.AssertSameOutputs(once, grown);

        var looser = SweepProcess.Run(Timeout, "run", file, "--out", grown, "--set", "target.saddle_upper95=0.05");
        Assert.Equal(2, looser.Exit);
        Assert.Contains("target.saddle_upper95: 0.05 is looser than the 0.03", looser.Err);
        Directory.Delete(dir, true);
    }
}

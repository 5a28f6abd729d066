namespace Sweep.Cli.Tests;

/// <summary>Campaigns and checks shared by the multi-process tests.</summary>
internal static class Campaigns
{
    /// <summary>Several seconds on two cores, in small shards, so that kills land between and inside shard commits.</summary>
    public const string SeveralSeconds = """
        { "name": "kill-test", "seed": 13,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4, 4] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 150 },
          "samples": 200, "shard_size": 8, "trace_samples": 1,
          "sweep": { "init.scale": [0.1, 0.3] } }
        """;

    public static void AssertSameOutputs(string expectedDir, string actualDir)
    {
        Assert.Equal(File.ReadAllText(Path.Combine(expectedDir, "samples.csv")), File.ReadAllText(Path.Combine(actualDir, "samples.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(expectedDir, "summary.json")), File.ReadAllText(Path.Combine(actualDir, "summary.json")));
    }
}

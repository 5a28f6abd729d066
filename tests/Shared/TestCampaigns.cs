using Sweep.Campaigns;

namespace Sweep.Testing;

internal static class TestCampaigns
{
    public const string Small = """
        {
          "name": "small",
          "seed": 3,
          "problem": { "kind": "canonical", "singular_values": [2, 1], "input_dim": 2 },
          "network": { "hidden": [2] },
          "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "t_max": 50 },
          "samples": 23,
          "shard_size": 5,
          "sweep": { "init.scale": [0.2, 0.4] }
        }
        """;

    public static Campaign Parse(string json = Small, string? dir = null)
    {
        return CampaignLoader.Parse(json, dir ?? Path.GetTempPath());
    }

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "sweep-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}

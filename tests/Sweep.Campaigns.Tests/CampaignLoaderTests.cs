using System.Text.Json.Nodes;
using Sweep.Campaigns;

namespace Sweep.Campaigns.Tests;

public class CampaignLoaderTests
{
    [Fact]
    public void Sweep_is_the_cartesian_product_in_key_order()
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json["sweep"] = JsonNode.Parse("""{ "init.scale": [0.1, 0.2], "network.hidden": [[2], [3, 3], [4]] }""");
        var c = TestCampaigns.Parse(json.ToJsonString());
        Assert.Equal(6, c.Points.Count);
        var combos = c.Points.Select(p => (p.Spec.InitScale, string.Join("x", p.Spec.Hidden))).ToList();
        Assert.Equal([(0.1, "2"), (0.1, "3x3"), (0.1, "4"), (0.2, "2"), (0.2, "3x3"), (0.2, "4")], combos);
        Assert.Equal("init.scale", c.Points[3].Params[0].Key);
        Assert.Equal(0.2, c.Points[3].Params[0].Value!.GetValue<double>());
    }

    [Fact]
    public void No_sweep_gives_one_point_and_defaults_apply()
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json.Remove("sweep");
        json.Remove("shard_size");
        var c = TestCampaigns.Parse(json.ToJsonString());
        Assert.Single(c.Points);
        Assert.Equal(250, c.ShardSize);
        Assert.Equal(1e-6, c.Points[0].Spec.GradTolRel);
        Assert.Equal(1e-3, c.Points[0].Spec.EpsHit);
        Assert.Equal(1e-8, c.Points[0].Spec.Dynamics.RelTol);
    }

    [Fact]
    public void Hash_ignores_formatting_but_not_content()
    {
        var a = TestCampaigns.Parse();
        var b = TestCampaigns.Parse(TestCampaigns.Small.Replace("\n", "\n\n  "));
        Assert.Equal(a.Hash, b.Hash);
        var c = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"seed\": 3", "\"seed\": 4"));
        Assert.NotEqual(a.Hash, c.Hash);
    }

    [Fact]
    public void Data_problem_reads_csvs_relative_to_the_campaign_and_hashes_their_content()
    {
        var dir = TestCampaigns.TempDir();
        File.WriteAllText(Path.Combine(dir, "X.csv"), "1,0,0.5,2\n0,1,1,-1\n");
        File.WriteAllText(Path.Combine(dir, "Y.csv"), "2,0.1,1.4,3.9\n");
        string json = """
            { "name": "d", "seed": 1, "problem": { "kind": "data", "x_csv": "X.csv", "y_csv": "Y.csv" },
              "network": { "hidden": [2] }, "init": { "kind": "gaussian", "scale": 0.1 },
              "dynamics": { "method": "gd", "learning_rate": 0.01, "max_iters": 100 }, "samples": 4 }
            """;
        var c1 = TestCampaigns.Parse(json, dir);
        Assert.False(c1.Points[0].Spec.Problem.Canonical);
        Assert.Equal(4, c1.Points[0].Spec.Problem.Cxx.Length);
        File.WriteAllText(Path.Combine(dir, "Y.csv"), "2,0.1,1.4,3.8\n");
        var c2 = TestCampaigns.Parse(json, dir);
        Assert.NotEqual(c1.Hash, c2.Hash);
    }

    public static TheoryData<string, string, string> BadEdits() => new()
    {
        // (JSON path to set, new raw JSON value, expected field in the error)
        { "nmae", "\"x\"", "nmae" },
        { "samples", "0", "samples" },
        { "samples", "-5", "samples" },
        { "samples", "\"100\"", "samples" },
        { "samples", "2.5", "samples" },
        { "shard_size", "0", "shard_size" },
        { "seed", "\"seven\"", "seed" },
        { "problem.kind", "\"canon\"", "problem.kind" },
        { "problem.singular_values", "[2, 2]", "problem.singular_values[1]" },
        { "problem.singular_values", "[2, 0]", "problem.singular_values[1]" },
        { "problem.singular_values", "[1, 2]", "problem.singular_values[1]" },
        { "problem.singular_values", "[]", "problem.singular_values" },
        { "problem.input_dim", "1", "problem.input_dim" },
        { "problem.extra", "1", "problem.extra" },
        { "network.hidden", "[1]", "network.hidden[0]" },
        { "network.hidden", "[2, 0]", "network.hidden[1]" },
        { "network.hidden", "[]", "network.hidden" },
        { "init.scale", "0", "init.scale" },
        { "init.scale", "-0.1", "init.scale" },
        { "init.scal", "0.1", "init.scal" },
        { "init.kind", "\"uniform\"", "init.kind" },
        { "init.suppress_modes", "[5]", "init.suppress_modes" },
        { "init.suppress_modes", "[0, 0]", "init.suppress_modes" },
        { "dynamics.method", "\"rk4\"", "dynamics.method" },
        { "dynamics.t_max", "0", "dynamics.t_max" },
        { "dynamics.rtol", "-1e-8", "dynamics.rtol" },
        { "dynamics.atol", "0", "dynamics.atol" },
        { "dynamics.learning_rate", "0.1", "dynamics.learning_rate" },
        { "stop", "{ \"grad_tol_rel\": 0 }", "stop.grad_tol_rel" },
        { "stop", "{ \"eps_hit\": -1 }", "stop.eps_hit" },
        { "stop", "{ \"grad_tol\": 1e-6 }", "stop.grad_tol" },
        { "sweep", "{ \"init.scale\": [] }", "sweep.init.scale" },
        { "sweep", "{ \"init.scale\": [0.1, -1] }", "init.scale" },
        { "sweep", "{ \"samples\": [10, 20] }", "sweep.samples" },
        { "sweep", "{ \"nope.deeper\": [1] }", "sweep.nope.deeper" },
        { "sweep", "[1]", "sweep" },
    };

    [Theory]
    [MemberData(nameof(BadEdits))]
    public void Bad_fields_are_refused_with_the_field_named(string path, string rawValue, string field)
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json.Remove("sweep");
        var parts = path.Split('.');
        JsonObject target = json;
        foreach (var p in parts[..^1]) target = target[p]!.AsObject();
        target[parts[^1]] = JsonNode.Parse(rawValue);
        var e = Assert.Throws<UserError>(() => CampaignLoader.Parse(json.ToJsonString(), Path.GetTempPath()));
        Assert.Equal(field, e.Field);
        Assert.StartsWith(field + ": ", e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
    }

    [Fact]
    public void Invalid_json_and_missing_sections_are_refused()
    {
        Assert.Contains("not valid JSON", Assert.Throws<UserError>(() => CampaignLoader.Parse("{ \"name\": ", ".")).Message);
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json.Remove("network");
        Assert.Equal("network", Assert.Throws<UserError>(() => CampaignLoader.Parse(json.ToJsonString(), ".")).Field);
    }

    [Fact]
    public void Missing_or_malformed_data_files_are_refused()
    {
        var dir = TestCampaigns.TempDir();
        File.WriteAllText(Path.Combine(dir, "X.csv"), "1,0,a\n0,1,1\n");
        File.WriteAllText(Path.Combine(dir, "Y.csv"), "1,2,3\n");
        File.WriteAllText(Path.Combine(dir, "Xr.csv"), "1,2,3\n2,4,6\n");
        string Campaign(string x, string y) => $$"""
            { "name": "d", "seed": 1, "problem": { "kind": "data", "x_csv": "{{x}}", "y_csv": "{{y}}" },
              "network": { "hidden": [2] }, "init": { "kind": "gaussian", "scale": 0.1 },
              "dynamics": { "method": "flow", "t_max": 1 }, "samples": 4 }
            """;
        var missing = Assert.Throws<UserError>(() => CampaignLoader.Parse(Campaign("nope.csv", "Y.csv"), dir));
        Assert.Equal("problem.x_csv", missing.Field);
        var bad = Assert.Throws<UserError>(() => CampaignLoader.Parse(Campaign("X.csv", "Y.csv"), dir));
        Assert.Equal("problem.x_csv", bad.Field);
        Assert.Contains("line 1, column 3", bad.Message);
        var rankDeficient = Assert.Throws<UserError>(() => CampaignLoader.Parse(Campaign("Xr.csv", "Y.csv"), dir));
        Assert.Equal("problem.x_csv", rankDeficient.Field);
        Assert.Contains("rank", rankDeficient.Message);
    }
}

using Sweep.Numerics.Integration;

namespace Sweep.Campaigns.Tests;

/// <summary><c>dynamics.integrator</c>, optional <c>t_max</c>, <c>max_steps</c>, and the identity of campaigns run before <c>auto</c> existed.</summary>
public class FlowIntegratorTests
{
    private static string Campaign(string dynamics) => $$"""
        { "name": "i", "seed": 1, "problem": { "kind": "canonical", "singular_values": [3, 1], "input_dim": 2 },
          "network": { "hidden": [2, 2] }, "init": { "kind": "gaussian", "scale": 0.1 }, "dynamics": {{dynamics}}, "samples": 10 }
        """;

    private static GradientFlowSettings Flow(Campaign c) => Assert.IsType<GradientFlowSettings>(Assert.Single(c.Points).Spec.Dynamics);

    [Fact]
    public void A_flow_without_an_integrator_runs_auto_and_keeps_the_hash_it_had_before_auto_existed_as_its_legacy_hash()
    {
        string json = Campaign("""{ "method": "flow", "t_max": 100 }""");
        var c = CampaignLoader.Parse(json, ".");
        Assert.Equal(FlowIntegrator.Auto, Flow(c).Integrator);
        Assert.Equal(long.MaxValue, Flow(c).MaxSteps);   // a horizon and no max_steps: no step budget, as before
        Assert.NotNull(c.LegacyHash);
        Assert.NotEqual(c.Hash, c.LegacyHash);
        // Read as it was run before auto existed: dp45, under the old hash.
        var old = CampaignLoader.Parse(json, ".", FlowIntegrator.Dp45);
        Assert.Equal(FlowIntegrator.Dp45, Flow(old).Integrator);
        Assert.Equal(c.LegacyHash, old.Hash);
        Assert.Null(old.LegacyHash);
    }

    [Theory]
    [InlineData("auto", FlowIntegrator.Auto)]
    [InlineData("dp45", FlowIntegrator.Dp45)]
    [InlineData("radau5", FlowIntegrator.Radau5)]
    public void A_named_integrator_is_taken_as_named_and_has_no_legacy_hash(string name, FlowIntegrator expected)
    {
        var c = CampaignLoader.Parse(Campaign($$"""{ "method": "flow", "t_max": 100, "integrator": "{{name}}" }"""), ".");
        Assert.Equal(expected, Flow(c).Integrator);
        Assert.Null(c.LegacyHash);
        Assert.Equal(c.Hash, CampaignLoader.Parse(Campaign($$"""{ "method": "flow", "t_max": 100, "integrator": "{{name}}" }"""), ".", FlowIntegrator.Dp45).Hash);
    }

    [Fact]
    public void Without_t_max_the_step_budget_bounds_each_trajectory()
    {
        var c = CampaignLoader.Parse(Campaign("""{ "method": "flow" }"""), ".");
        Assert.True(double.IsPositiveInfinity(Flow(c).TMax));
        Assert.Equal(GradientFlowSettings.DefaultMaxSteps, Flow(c).MaxSteps);
        Assert.Equal(GradientFlowSettings.UnboundedTimeScale, c.Points[0].Spec.Horizon);
        var d = CampaignLoader.Parse(Campaign("""{ "method": "flow", "max_steps": 777 }"""), ".");
        Assert.Equal(777, Flow(d).MaxSteps);
    }

    [Theory]
    [InlineData("""{ "method": "flow", "integrator": "rk4" }""", "dynamics.integrator")]
    [InlineData("""{ "method": "flow", "integrator": 3 }""", "dynamics.integrator")]
    [InlineData("""{ "method": "flow", "max_steps": 0 }""", "dynamics.max_steps")]
    [InlineData("""{ "method": "flow", "max_steps": 1.5 }""", "dynamics.max_steps")]
    [InlineData("""{ "method": "flow", "t_max": -1 }""", "dynamics.t_max")]
    [InlineData("""{ "method": "gd", "learning_rate": 0.1, "max_iters": 10, "integrator": "auto" }""", "dynamics.integrator")]
    public void Bad_integrator_settings_are_refused_naming_the_field(string dynamics, string field)
    {
        var e = Assert.Throws<UserError>(() => CampaignLoader.Parse(Campaign(dynamics), "."));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Radau5_is_accepted_beyond_the_dense_hessian_limit()
    {
        // 840 parameters: beyond RadauIIA5.DenseLimit, integrated by the matrix-free (Krylov) path.
        string json = """
            { "name": "big", "seed": 1, "problem": { "kind": "canonical", "singular_values": [3, 1], "input_dim": 20 },
              "network": { "hidden": [20, 20] }, "init": { "kind": "gaussian", "scale": 0.1 },
              "dynamics": { "method": "flow", "integrator": "radau5" }, "samples": 10 }
            """;
        Assert.Equal(FlowIntegrator.Radau5, Flow(CampaignLoader.Parse(json, ".")).Integrator);
        Assert.Equal(FlowIntegrator.Auto, Flow(CampaignLoader.Parse(json.Replace("radau5", "auto"), ".")).Integrator);
    }
}

/// <summary>Found by the loader fuzz test: an escaped lone surrogate is valid JSON but no text.</summary>
public class LoneSurrogateTests
{
    [Theory]
    [InlineData("""{ "name": "x", "seed": 1, "samples": 1, "init": { "scale": "\ud800" } }""", "init.scale")]
    [InlineData("""{ "name": "x\udc00", "seed": 1 }""", "name")]
    [InlineData("""{ "name": "x", "seed": 1, "init": { "\ud800": 1 } }""", "init")]
    public void Is_refused_naming_the_field(string json, string field)
    {
        var e = Assert.Throws<UserError>(() => CampaignLoader.Parse(json, "."));
        Assert.Equal(field, e.Field);
        Assert.Contains("surrogate", e.Message);
    }
}

/// <summary>Found by the loader fuzz test: a data path with a NUL made Path.GetFullPath throw ArgumentException.</summary>
public class DataPathTests
{
    [Theory]
    [InlineData("\u0000")]
    [InlineData("X\u0001.csv")]
    [InlineData("")]
    public void A_path_that_is_no_file_name_is_refused_naming_the_field(string path)
    {
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "d", ["seed"] = 1, ["samples"] = 1,
            ["problem"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "data", ["x_csv"] = path, ["y_csv"] = "Y.csv" },
            ["network"] = new System.Text.Json.Nodes.JsonObject { ["hidden"] = new System.Text.Json.Nodes.JsonArray(2) },
            ["init"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "gaussian", ["scale"] = 0.1 },
            ["dynamics"] = new System.Text.Json.Nodes.JsonObject { ["method"] = "flow" },
        };
        var e = Assert.Throws<UserError>(() => CampaignLoader.Parse(json.ToJsonString(), Path.GetTempPath()));
        Assert.Equal("problem.x_csv", e.Field);
    }
}

using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
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
        Assert.Equal(1e-8, ((Sweep.Numerics.Integration.GradientFlowSettings)c.Points[0].Spec.Dynamics).RelTol);
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
        var data = Assert.IsType<CovarianceProblemData>(c1.Points[0].Spec.Problem);
        Assert.Equal(4, data.Cxx.Length);
        File.WriteAllText(Path.Combine(dir, "Y.csv"), "2,0.1,1.4,3.8\n");
        var c2 = TestCampaigns.Parse(json, dir);
        Assert.NotEqual(c1.Hash, c2.Hash);
    }

    [Fact]
    public void Analysis_and_initialisation_families_are_read_and_default_to_nothing_extra()
    {
        var plain = TestCampaigns.Parse();
        Assert.Equal(HessianScope.None, plain.Points[0].Spec.Analyses.Hessian);
        Assert.Equal(InitKind.Gaussian, plain.Points[0].Spec.InitKind);
        Assert.Null(plain.Points[0].Spec.LayerScales);

        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json.Remove("sweep");
        json["analysis"] = JsonNode.Parse("""{ "hessian": "uncertified" }""");
        json["init"] = JsonNode.Parse("""{ "kind": "gaussian", "scale": 0.1, "layer_scales": [1, 0.5, 2] }""");
        json["network"] = JsonNode.Parse("""{ "hidden": [2, 2] }""");
        // layer_scales belongs to the Gaussian and orthogonal families: sweep the whole init object instead.
        json["sweep"] = JsonNode.Parse("""{ "init": [{ "kind": "gaussian", "scale": 0.1, "layer_scales": [1, 0.5, 2] }, { "kind": "orthogonal", "scale": 0.1 }, { "kind": "balanced", "scale": 0.1 }], "analysis.hessian": ["all", "uncertified"] }""");
        var c = TestCampaigns.Parse(json.ToJsonString());
        Assert.Equal([InitKind.Gaussian, InitKind.Gaussian, InitKind.Orthogonal, InitKind.Orthogonal, InitKind.Balanced, InitKind.Balanced], c.Points.Select(p => p.Spec.InitKind));
        Assert.Equal([1, 0.5, 2], c.Points[0].Spec.LayerScales!);
        Assert.Equal([HessianScope.All, HessianScope.Uncertified], c.Points.Take(2).Select(p => p.Spec.Analyses.Hessian));
        Assert.IsType<Sweep.Numerics.Sampling.BalancedInitializer>(c.Points[4].Spec.Initializer());
    }

    [Fact]
    public void Orthogonal_layer_scales_and_prop2_enter_the_hash_only_when_set()
    {
        var plain = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        plain.Remove("sweep");
        plain["init"] = JsonNode.Parse("""{ "kind": "orthogonal", "scale": 0.1 }""");
        var without = TestCampaigns.Parse(plain.ToJsonString());
        Assert.Null(without.Points[0].Spec.LayerScales);
        Assert.False(without.Points[0].Spec.Analyses.Prop2);
        // The same campaign with the defaults written out has another identity only through the keys written.
        var scaled = plain.DeepClone().AsObject();
        scaled["init"] = JsonNode.Parse("""{ "kind": "orthogonal", "scale": 0.1, "layer_scales": [1, 2] }""");
        scaled["analysis"] = JsonNode.Parse("""{ "prop2": true }""");
        var with = TestCampaigns.Parse(scaled.ToJsonString());
        Assert.Equal([1, 2], with.Points[0].Spec.LayerScales!);
        Assert.True(with.Points[0].Spec.Analyses.Prop2);
        Assert.IsType<Sweep.Numerics.Sampling.OrthogonalInitializer>(with.Points[0].Spec.Initializer());
        Assert.Equal([1, 2], ((Sweep.Numerics.Sampling.OrthogonalInitializer)with.Points[0].Spec.Initializer()).LayerScales!);
        Assert.NotEqual(without.Hash, with.Hash);
        Assert.Equal(without.Hash, TestCampaigns.Parse(plain.ToJsonString()).Hash);
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
        { "init.layer_scales", "[1, 2, 3]", "init.layer_scales" },
        { "init.layer_scales", "[1, 0]", "init.layer_scales[1]" },
        { "init", "{ \"kind\": \"balanced\", \"scale\": 0.1, \"layer_scales\": [1, 1] }", "init.layer_scales" },
        { "init", "{ \"kind\": \"orthogonal\", \"scale\": 0.1, \"layer_scales\": [1, 2, 3] }", "init.layer_scales" },
        { "analysis", "{ \"prop2\": 1 }", "analysis.prop2" },
        { "analysis", "{ \"hessian\": \"some\" }", "analysis.hessian" },
        { "analysis", "{ \"hesian\": \"all\" }", "analysis.hesian" },
        { "analysis", "{ \"hessian\": true }", "analysis.hessian" },
        { "analysis", "[]", "analysis" },
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
        { "max_samples", "100", "max_samples" },                                          // without a target
        { "target", "{ \"saddle_upper95\": 1e-5 }", "max_samples" },                      // target without a budget
        { "target", "{ \"saddle_upper\": 1e-5 }", "target.saddle_upper" },
        { "target", "{ \"saddle_upper95\": 0 }", "target.saddle_upper95" },
        { "target", "{ \"saddle_upper95\": 1 }", "target.saddle_upper95" },
        { "target", "{ \"saddle_upper95\": 0.1, \"of\": \"outcome:global\" }", "target.of" },
        { "target", "{ \"saddle_upper95\": 0.1, \"ci_halfwidth\": 0.1 }", "target" },
        { "target", "{ \"ci_halfwidth\": 0.01 }", "target.of" },
        { "target", "{ \"ci_halfwidth\": 0.01, \"of\": \"label:{0}\" }", "target.of" },
        { "target", "{ \"ci_halfwidth\": 0.5, \"of\": \"outcome:global\" }", "target.ci_halfwidth" },
        { "target", "[1]", "target" },
        { "sweep", "{ \"max_samples\": [10, 20] }", "sweep.max_samples" },
    };

    [Fact]
    public void A_target_makes_samples_the_first_batch_and_max_samples_the_budget()
    {
        var json = TestCampaigns.Small.Replace("\"samples\": 23,", "\"samples\": 10, \"max_samples\": 40, \"target\": { \"ci_halfwidth\": 0.05, \"of\": \"outcome:unresolved\" },");
        var c = TestCampaigns.Parse(json);
        Assert.Equal(new SampleTarget(TargetKind.CiHalfwidth, 0.05, Sweep.Numerics.Integration.Outcome.Unresolved), c.Target);
        Assert.Equal((10L, 40L, 40L), (c.Samples, c.MaxSamples, c.PlannedSamples));
        Assert.Equal(2 * 40, c.TotalSamples);
        Assert.Equal(2 * 8, c.Plan().Count);
        Assert.Throws<UserError>(() => TestCampaigns.Parse(json.Replace("\"max_samples\": 40", "\"max_samples\": 5")));
        Assert.Null(TestCampaigns.Parse().Target);
        Assert.Equal(23, TestCampaigns.Parse().PlannedSamples);
    }

    [Theory]
    [InlineData("""{ "method": "momentum", "learning_rate": 0.05, "beta": 0.9, "max_iters": 100 }""", "momentum")]
    [InlineData("""{ "method": "nesterov", "learning_rate": 0.05, "beta": 0, "max_iters": 100 }""", "nesterov")]
    [InlineData("""{ "method": "adam", "learning_rate": 0.01, "max_iters": 100 }""", "adam")]
    [InlineData("""{ "method": "adam", "learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "max_iters": 100 }""", "adam-full")]
    public void Optimizer_dynamics_are_read(string dynamics, string kind)
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json.Remove("sweep");
        json["dynamics"] = JsonNode.Parse(dynamics);
        var d = TestCampaigns.Parse(json.ToJsonString()).Points[0].Spec.Dynamics;
        Dynamics expected = kind switch
        {
            "momentum" => new MomentumSettings(0.05, 0.9, 100),
            "nesterov" => new NesterovSettings(0.05, 0, 100),
            "adam" => new AdamSettings(0.01, 0.9, 0.999, 1e-8, 100),
            _ => new AdamSettings(0.01, 0.8, 0.99, 1e-6, 100),
        };
        Assert.Equal(expected, d);
        Assert.Equal(100, d.Horizon);
    }

    [Fact]
    public void Optimizer_hyper_parameters_and_whole_dynamics_objects_can_be_swept()
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json["dynamics"] = JsonNode.Parse("""{ "method": "momentum", "learning_rate": 0.05, "beta": 0.9, "max_iters": 100 }""");
        json["sweep"] = JsonNode.Parse("""{ "dynamics.beta": [0, 0.5, 0.9] }""");
        var c = TestCampaigns.Parse(json.ToJsonString());
        Assert.Equal([0, 0.5, 0.9], c.Points.Select(p => ((MomentumSettings)p.Spec.Dynamics).Beta));
        json["sweep"] = JsonNode.Parse("""{ "dynamics": [{ "method": "gd", "learning_rate": 0.05, "max_iters": 100 }, { "method": "adam", "learning_rate": 0.01, "max_iters": 100 }] }""");
        c = TestCampaigns.Parse(json.ToJsonString());
        Assert.IsType<GradientDescentSettings>(c.Points[0].Spec.Dynamics);
        Assert.IsType<AdamSettings>(c.Points[1].Spec.Dynamics);
    }

    private static string SgdCampaign(string dir, string dynamics, string problemExtra = "")
    {
        // m = 6 examples, d_x = 2, d_y = 1.
        File.WriteAllText(Path.Combine(dir, "X.csv"), "1,0,0.5,2,-1,0.3\n0,1,1,-1,0.2,0.7\n");
        File.WriteAllText(Path.Combine(dir, "Y.csv"), "2,0.1,1.4,3.9,-1.5,0.2\n");
        return $$"""
            { "name": "d", "seed": 1, "problem": { "kind": "data", "x_csv": "X.csv", "y_csv": "Y.csv"{{problemExtra}} },
              "network": { "hidden": [2] }, "init": { "kind": "gaussian", "scale": 0.1 },
              "dynamics": {{dynamics}}, "samples": 4 }
            """;
    }

    [Fact]
    public void Sgd_reads_its_hyper_parameters_and_carries_the_raw_examples()
    {
        var dir = TestCampaigns.TempDir();
        var c = TestCampaigns.Parse(SgdCampaign(dir, """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 2, "decay_every": 100, "decay_factor": 0.3, "max_iters": 1000 }"""), dir);
        Assert.Equal(new SgdSettings(0.01, 2, 100, 0.3, 1000), c.Points[0].Spec.Dynamics);
        var data = Assert.IsType<CovarianceProblemData>(c.Points[0].Spec.Problem);
        Assert.Equal([1, 0, 0, 1, 0.5, 1, 2, -1, -1, 0.2, 0.3, 0.7], data.ExamplesX!);
        Assert.Equal([2, 0.1, 1.4, 3.9, -1.5, 0.2], data.ExamplesY!);
        Assert.Equal(6, c.Points[0].Problem.Examples!.Count);
        // The defaults: no decay; gd points carry no examples.
        c = TestCampaigns.Parse(SgdCampaign(dir, """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 6, "max_iters": 10 }"""), dir);
        Assert.Equal(new SgdSettings(0.01, 6, 0, SgdSettings.DefaultDecayFactor, 10), c.Points[0].Spec.Dynamics);
        c = TestCampaigns.Parse(SgdCampaign(dir, """{ "method": "gd", "learning_rate": 0.01, "max_iters": 10 }"""), dir);
        Assert.Null(((CovarianceProblemData)c.Points[0].Spec.Problem).ExamplesX);
        Assert.Null(c.Points[0].Problem.Examples);
    }

    public static TheoryData<string, string, string, string> BadSgd() => new()
    {
        { """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 7, "max_iters": 10 }""", "", "dynamics.batch_size", "m = 6" },
        { """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 0, "max_iters": 10 }""", "", "dynamics.batch_size", "" },
        { """{ "method": "sgd", "learning_rate": 0.01, "max_iters": 10 }""", "", "dynamics.batch_size", "is required" },
        { """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 2, "decay_factor": 0.5, "max_iters": 10 }""", "", "dynamics.decay_factor", "decay_every" },
        { """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 2, "decay_every": 5, "decay_factor": 1.5, "max_iters": 10 }""", "", "dynamics.decay_factor", "(0, 1]" },
        { """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 2, "decay_every": -1, "max_iters": 10 }""", "", "dynamics.decay_every", "" },
        { """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 2, "beta": 0.9, "max_iters": 10 }""", "", "dynamics.beta", "" },
        { """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 2, "max_iters": 10 }""", ", \"whiten\": true", "dynamics.method", "whiten" },
    };

    [Theory]
    [MemberData(nameof(BadSgd))]
    public void Bad_sgd_fields_are_refused_with_the_field_named(string dynamics, string problemExtra, string field, string reason)
    {
        var dir = TestCampaigns.TempDir();
        var e = Assert.Throws<UserError>(() => TestCampaigns.Parse(SgdCampaign(dir, dynamics, problemExtra), dir));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void Sgd_on_a_canonical_problem_is_refused_naming_the_method()
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json.Remove("sweep");
        json["dynamics"] = JsonNode.Parse("""{ "method": "sgd", "learning_rate": 0.01, "batch_size": 2, "max_iters": 10 }""");
        var e = Assert.Throws<UserError>(() => CampaignLoader.Parse(json.ToJsonString(), Path.GetTempPath()));
        Assert.Equal("dynamics.method", e.Field);
        Assert.Contains("problem.kind = \"data\"", e.Reason);
    }

    public static TheoryData<string, string, string> BadOptimizerDynamics() => new()
    {
        { """{ "method": "momentum", "learning_rate": 0.05, "max_iters": 100 }""", "dynamics.beta", "is required" },
        { """{ "method": "momentum", "learning_rate": 0.05, "beta": 0.9, "max_iters": 100, "betta": 1 }""", "dynamics.betta", "did you mean \"beta\"" },
        { """{ "method": "momentum", "learning_rate": 0.05, "beta": 1, "max_iters": 100 }""", "dynamics.beta", "[0, 1)" },
        { """{ "method": "momentum", "learning_rate": 0.05, "beta": -0.1, "max_iters": 100 }""", "dynamics.beta", "[0, 1)" },
        { """{ "method": "momentum", "beta": 0.5, "max_iters": 100 }""", "dynamics.learning_rate", "is required" },
        { """{ "method": "nesterov", "learning_rate": 0.05, "beta": 0.5 }""", "dynamics.max_iters", "is required" },
        { """{ "method": "nesterov", "learning_rate": 0.05, "beta": 1.5, "max_iters": 100 }""", "dynamics.beta", "[0, 1)" },
        { """{ "method": "nesterov", "learning_rate": 0.05, "beta": 0.5, "beta1": 0.9, "max_iters": 100 }""", "dynamics.beta1", "did you mean \"beta\"" },
        { """{ "method": "adam", "learning_rate": 0.01 }""", "dynamics.max_iters", "is required" },
        { """{ "method": "adam", "max_iters": 100 }""", "dynamics.learning_rate", "is required" },
        { """{ "method": "adam", "learning_rate": 0.01, "beta": 0.9, "max_iters": 100 }""", "dynamics.beta", "did you mean \"beta1\"" },
        { """{ "method": "adam", "learning_rate": 0.01, "beta1": 1, "max_iters": 100 }""", "dynamics.beta1", "[0, 1)" },
        { """{ "method": "adam", "learning_rate": 0.01, "beta2": -1, "max_iters": 100 }""", "dynamics.beta2", "[0, 1)" },
        { """{ "method": "adam", "learning_rate": 0.01, "epsilon": 0, "max_iters": 100 }""", "dynamics.epsilon", "> 0" },
        { """{ "method": "adma", "learning_rate": 0.01, "max_iters": 100 }""", "dynamics.method", "\"adam\"" },
    };

    [Theory]
    [MemberData(nameof(BadOptimizerDynamics))]
    public void Bad_optimizer_fields_are_refused_with_the_field_named(string dynamics, string field, string reason)
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json.Remove("sweep");
        json["dynamics"] = JsonNode.Parse(dynamics);
        var e = Assert.Throws<UserError>(() => CampaignLoader.Parse(json.ToJsonString(), Path.GetTempPath()));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
    }

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

public class CampaignWarningTests
{
    private static string Canonical(string sigmas, string stop = "") => $$"""
        { "name": "w", "seed": 1, "problem": { "kind": "canonical", "singular_values": {{sigmas}}, "input_dim": 3 },
          "network": { "hidden": [3] }, "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 10 }, {{stop}} "samples": 4 }
        """;

    [Fact]
    public void Well_separated_values_and_a_small_eps_hit_warn_of_nothing() => Assert.Empty(TestCampaigns.Parse(Canonical("[3, 1.5, 0.4]")).Warnings);

    [Fact]
    public void Nearly_equal_singular_values_warn_that_plateau_labels_are_arbitrary()
    {
        var w = Assert.Single(TestCampaigns.Parse(Canonical("[3, 2.9995, 1]")).Warnings);
        Assert.Contains("singular values 0 and 1", w);
        Assert.Contains("arbitrary", w);
        Assert.Empty(TestCampaigns.Parse(Canonical("[3, 2.99, 1]")).Warnings);     // a gap of 3.3e-3 is above the threshold
    }

    [Fact]
    public void An_eps_hit_not_below_half_the_smallest_squared_singular_value_warns()
    {
        var w = Assert.Single(TestCampaigns.Parse(Canonical("[3, 1.5, 0.4]", """ "stop": { "eps_hit": 0.0801 }, """)).Warnings);
        Assert.Contains("s_min²/2", w);
        Assert.Empty(TestCampaigns.Parse(Canonical("[3, 1.5, 0.4]", """ "stop": { "eps_hit": 0.079 }, """)).Warnings);
    }

    [Fact]
    public void Ill_conditioned_data_warns_with_its_condition_number()
    {
        var dir = TestCampaigns.TempDir();
        // Two inputs that differ by 5e-4 in one example: X Xᵀ has condition number ~1e9, yet full rank.
        File.WriteAllText(Path.Combine(dir, "X.csv"), "1,2,3,4\n1,2,3,4.0005\n");
        File.WriteAllText(Path.Combine(dir, "Y.csv"), "1,0,2,1\n");
        string json = """
            { "name": "d", "seed": 1, "problem": { "kind": "data", "x_csv": "X.csv", "y_csv": "Y.csv" },
              "network": { "hidden": [2] }, "init": { "kind": "gaussian", "scale": 0.1 },
              "dynamics": { "method": "flow", "t_max": 10 }, "samples": 4 }
            """;
        var warnings = TestCampaigns.Parse(json, dir).Warnings;
        Assert.Contains(warnings, w => w.Contains("condition number") && w.Contains("whiten"));
        File.WriteAllText(Path.Combine(dir, "X.csv"), "1,0,0.5,2\n0,1,1,-1\n");
        Assert.DoesNotContain(TestCampaigns.Parse(json, dir).Warnings, w => w.Contains("condition number"));
    }
}

using Sweep.Numerics.Integration;

namespace Sweep.Campaigns.Tests;

/// <summary>
/// Which changes grow a stored campaign (CampaignGrowth): more samples, a larger max_samples, a target added or made
/// stricter; a lower value, a looser or another target, and any change outside samples/max_samples/target are refused.
/// </summary>
public class CampaignGrowthTests
{
    private static string Json(string counts, string integrator = ", \"integrator\": \"dp45\"") => $$"""
        { "name": "g", "seed": 4, "problem": { "kind": "canonical", "singular_values": [3, 1], "input_dim": 2 },
          "network": { "hidden": [2] }, "init": { "kind": "gaussian", "scale": 0.2 },
          "dynamics": { "method": "flow", "t_max": 50{{integrator}} }, "shard_size": 64, {{counts}} }
        """;

    private static Campaign Parse(string counts) => CampaignLoader.Parse(Json(counts), ".");

    /// <summary>The growth from a store holding <paramref name="stored"/> to <paramref name="next"/>.</summary>
    private static Growth? Grow(string stored, string next)
    {
        var s = Parse(stored);
        return CampaignGrowth.Between(s.NormalizedJson, s.Hash, ".", Parse(next), ".");
    }

    [Fact]
    public void The_growth_identity_leaves_out_samples_max_samples_and_target_only()
    {
        var a = Parse("\"samples\": 200");
        var b = Parse("\"samples\": 400, \"max_samples\": 900, \"target\": { \"saddle_upper95\": 0.01 }");
        Assert.NotEqual(a.Hash, b.Hash);
        Assert.Equal(a.GrowthHash, b.GrowthHash);
        Assert.NotEqual(a.GrowthHash, CampaignLoader.Parse(Json("\"samples\": 200").Replace("\"seed\": 4", "\"seed\": 5"), ".").GrowthHash);
        Assert.NotEqual(a.GrowthHash, CampaignLoader.Parse(Json("\"samples\": 200").Replace("\"shard_size\": 64", "\"shard_size\": 32"), ".").GrowthHash);
    }

    [Fact]
    public void More_samples_grow_and_the_new_plan_and_hash_are_the_new_campaigns()
    {
        var growth = Grow("\"samples\": 200", "\"samples\": 400");
        Assert.NotNull(growth);
        var next = Parse("\"samples\": 400");
        Assert.Equal(next.Hash, growth.Hash);
        Assert.Equal(400, growth.Plan.SamplesPerPoint);
        Assert.Equal("samples 200 → 400", growth.Describe());
        // 200 is not a multiple of 64: shard 3 was 192..199 and is 192..255 now.
        Assert.Equal(new ShardKey(0, 3, 192, 64), growth.Plan.Shard(0, 3));
    }

    [Fact]
    public void Lowering_samples_is_refused_naming_the_key_and_both_values()
    {
        var e = Assert.Throws<UserError>(() => Grow("\"samples\": 400", "\"samples\": 200"));
        Assert.Equal("samples", e.Field);
        Assert.Contains("200", e.Reason);
        Assert.Contains("400", e.Reason);
    }

    [Fact]
    public void A_change_outside_the_growable_keys_is_another_campaign()
    {
        var s = Parse("\"samples\": 200");
        var other = CampaignLoader.Parse(Json("\"samples\": 400").Replace("\"scale\": 0.2", "\"scale\": 0.3"), ".");
        Assert.Null(CampaignGrowth.Between(s.NormalizedJson, s.Hash, ".", other, "."));
        // A stored campaign that no longer yields its own hash (another build's, or its data changed) does not grow.
        Assert.Null(CampaignGrowth.Between(s.NormalizedJson, new string('0', 64), ".", Parse("\"samples\": 400"), "."));
    }

    [Theory]
    [InlineData("\"saddle_upper95\": 0.02", "\"saddle_upper95\": 0.01", "target.saddle_upper95 0.02 → 0.01")]
    [InlineData("\"ci_halfwidth\": 0.05, \"of\": \"outcome:global\"", "\"ci_halfwidth\": 0.02, \"of\": \"outcome:global\"", "target.ci_halfwidth 0.05 → 0.02")]
    public void A_stricter_target_of_the_same_kind_grows(string before, string after, string described)
    {
        var growth = Grow($"\"samples\": 50, \"max_samples\": 1000, \"target\": {{ {before} }}", $"\"samples\": 50, \"max_samples\": 2000, \"target\": {{ {after} }}");
        Assert.NotNull(growth);
        Assert.Equal($"max_samples 1000 → 2000; {described}", growth.Describe());
    }

    [Theory]
    [InlineData("\"saddle_upper95\": 0.02", "target.saddle_upper95", "0.03")]
    [InlineData("\"ci_halfwidth\": 0.02, \"of\": \"outcome:global\"", "target", "outcome:saddle")]
    [InlineData("\"ci_halfwidth\": 0.02, \"of\": \"outcome:global\"", "target", "saddle_upper95")]
    public void A_looser_or_another_target_is_refused(string before, string key, string shown)
    {
        string after = shown switch
        {
            "0.03" => "\"saddle_upper95\": 0.03",
            "outcome:saddle" => "\"ci_halfwidth\": 0.02, \"of\": \"outcome:saddle\"",
            _ => "\"saddle_upper95\": 0.02",
        };
        var e = Assert.Throws<UserError>(() => Grow($"\"samples\": 50, \"max_samples\": 1000, \"target\": {{ {before} }}", $"\"samples\": 50, \"max_samples\": 1000, \"target\": {{ {after} }}"));
        Assert.Equal(key, e.Field);
        Assert.Contains(shown, e.Reason);
    }

    [Fact]
    public void A_target_may_be_added_and_dropped_only_when_every_stored_sample_stays_in_the_plan()
    {
        var added = Grow("\"samples\": 200", "\"samples\": 200, \"max_samples\": 5000, \"target\": { \"saddle_upper95\": 0.01 }");
        Assert.Equal("max_samples none → 5000; target none → {\"saddle_upper95\": 0.01}", added!.Describe());
        // With a target, samples is the first batch: it must still cover the 200 every point had.
        var early = Assert.Throws<UserError>(() => Grow("\"samples\": 200", "\"samples\": 100, \"max_samples\": 5000, \"target\": { \"saddle_upper95\": 0.01 }"));
        Assert.Equal("samples", early.Field);

        const string target = "\"samples\": 50, \"max_samples\": 1000, \"target\": { \"saddle_upper95\": 0.01 }";
        Assert.NotNull(Grow(target, "\"samples\": 1000"));
        var dropped = Assert.Throws<UserError>(() => Grow(target, "\"samples\": 600"));
        Assert.Equal("samples", dropped.Field);
        Assert.Contains("600", dropped.Reason);
        Assert.Contains("1000", dropped.Reason);
        var budget = Assert.Throws<UserError>(() => Grow(target, "\"samples\": 50, \"max_samples\": 900, \"target\": { \"saddle_upper95\": 0.01 }"));
        Assert.Equal("max_samples", budget.Field);
        Assert.Contains("900", budget.Reason);
    }

    [Fact]
    public void A_store_written_before_auto_grows_under_its_legacy_hash()
    {
        // A flow point that names no integrator: the store holds the hash the file had when dp45 was the default.
        var stored = CampaignLoader.Parse(Json("\"samples\": 20", integrator: ""), ".");
        var next = CampaignLoader.Parse(Json("\"samples\": 40", integrator: ""), ".");
        Assert.NotNull(stored.LegacyHash);
        var growth = CampaignGrowth.Between(stored.NormalizedJson, stored.LegacyHash!, ".", next, ".");
        Assert.NotNull(growth);
        Assert.Equal(next.LegacyHash, growth.Hash);
        // The same store under the current hash grows to the current hash.
        Assert.Equal(next.Hash, CampaignGrowth.Between(stored.NormalizedJson, stored.Hash, ".", next, ".")!.Hash);
        Assert.Equal(FlowIntegrator.Auto, ((GradientFlowSettings)next.Points[0].Spec.Dynamics).Integrator);
    }
}

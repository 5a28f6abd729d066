using System.Text.Json.Nodes;
using Sweep.Campaigns;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;
using Sweep.Testing;

namespace Sweep.Campaigns.Tests;

public class AnalysisAndRandomDataTests
{
    private static JsonObject Small() => JsonNode.Parse(TestCampaigns.Small)!.AsObject();

    private static Campaign Parse(JsonObject json) => TestCampaigns.Parse(json.ToJsonString());

    private static UserError Refused(JsonObject json) => Assert.Throws<UserError>(() => Parse(json));

    [Fact]
    public void Analysis_itinerary_is_off_by_default_and_read_as_a_boolean()
    {
        Assert.All(Parse(Small()).Points, p => Assert.False(p.Spec.Analyses.Itinerary));
        var json = Small();
        json["analysis"] = JsonNode.Parse("""{ "itinerary": true }""");
        Assert.All(Parse(json).Points, p => Assert.True(p.Spec.Analyses.Itinerary));
        json["analysis"] = JsonNode.Parse("""{ "itinerary": "yes" }""");
        Assert.Equal("analysis.itinerary", Refused(json).Field);
        json["analysis"] = JsonNode.Parse("""{ "itinerery": true }""");
        var e = Refused(json);
        Assert.Equal("analysis.itinerery", e.Field);
        Assert.Contains("did you mean \"itinerary\"", e.Message);
    }

    [Fact]
    public void Analysis_invariants_and_tail_rate_are_off_by_default_read_as_booleans_and_hashed_only_when_set()
    {
        var plain = Parse(Small());
        Assert.All(plain.Points, p => Assert.False(p.Spec.Analyses.TailRate || p.Spec.Analyses.Invariants));
        var json = Small();
        json["analysis"] = JsonNode.Parse("""{ "invariants": true, "tail_rate": true }""");
        var asked = Parse(json);
        Assert.All(asked.Points, p => Assert.True(p.Spec.Analyses.TailRate && p.Spec.Analyses.Invariants));
        Assert.NotEqual(plain.Hash, asked.Hash);
        // A campaign without the keys keeps its hash (the identity is the file as written).
        Assert.Equal(plain.Hash, Parse(Small()).Hash);
        foreach (var key in new[] { "invariants", "tail_rate", "prop2" })
        {
            json["analysis"] = JsonNode.Parse($$"""{ "{{key}}": 1 }""");
            var e = Refused(json);
            Assert.Equal($"analysis.{key}", e.Field);
            Assert.Contains("true or false", e.Message);
        }
        json["analysis"] = JsonNode.Parse("""{ "tail_rates": true }""");
        Assert.Contains("did you mean \"tail_rate\"", Refused(json).Message);
    }

    private static JsonObject Random(string extra = "", string sweep = """{ "problem.replica": [0, 1], "init.scale": [0.1, 0.2] }""")
    {
        var json = Small();
        json["problem"] = JsonNode.Parse($$"""{ "kind": "random", "input_dim": 3, "output_dim": 2, "examples": 12{{extra}} }""");
        json["sweep"] = JsonNode.Parse(sweep);
        return json;
    }

    [Fact]
    public void Random_data_depend_on_the_seed_and_replica_only()
    {
        var c = Parse(Random());
        // Points: (replica 0, 0.1), (0, 0.2), (1, 0.1), (1, 0.2).
        Assert.Equal([0L, 0L, 1L, 1L], c.Points.Select(p => p.RandomReplica!.Value));
        var s = c.Points.Select(p => p.Problem.Spectrum.SingularValues).ToArray();
        Assert.Equal(s[0], s[1]);
        Assert.Equal(s[2], s[3]);
        Assert.NotEqual(s[0], s[2]);
        // The data are those RandomData draws for (seed, replica): an independent evaluation of the singular values.
        var (x, y) = RandomData.Draw(3, 1, 3, 2, 12);
        var direct = LinearNetworkProblem.FromData(x, y, [2], whiten: false).Value!.Spectrum.SingularValues;
        for (int i = 0; i < 2; i++) Assert.Equal(direct[i], s[2][i], 12);
        // Another campaign seed draws other data, and the identity follows.
        var other = Random();
        other["seed"] = 4;
        var c2 = Parse(other);
        Assert.NotEqual(s[0], c2.Points[0].Problem.Spectrum.SingularValues);
        Assert.NotEqual(c.Hash, c2.Hash);
        Assert.Null(Parse(Small()).Points[0].RandomReplica);
    }

    [Fact]
    public void Random_data_gaps_are_measured_down_to_zero()
    {
        Assert.Equal(0.25, RandomData.SmallestRelativeGap([4, 3, 2]), 12);       // min(1, 1, 2) / 4
        Assert.Equal(0.1, RandomData.SmallestRelativeGap([10, 5, 1]), 12);       // the last value's gap to zero
    }

    [Theory]
    [InlineData(""", "examples": 2""", "problem.examples")]          // m < d_x: X Xᵀ singular
    [InlineData(""", "output_dim": 4""", "problem.output_dim")]      // d_y > d_x
    [InlineData(""", "replica": -1""", "problem.replica")]
    [InlineData(""", "seed": 1""", "problem.seed")]
    public void Random_data_refuse_degenerate_shapes_naming_the_field(string change, string field)
    {
        var json = Random(sweep: "{}");
        var problem = json["problem"]!.AsObject();
        var patch = JsonNode.Parse("{" + change.TrimStart(',') + "}")!.AsObject();
        foreach (var (k, v) in patch) problem[k] = v?.DeepClone();
        Assert.Equal(field, Refused(json).Field);
    }
}

using System.Text.Json.Nodes;
using Sweep.Campaigns;

namespace Sweep.Campaigns.Tests;

/// <summary><c>"storage"</c>: "full" (the default) keeps every campaign's identity; "aggregate" enters it; what it cannot serve is refused.</summary>
public class StorageModeTests
{
    private static Campaign With(string key, JsonNode? value)
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json[key] = value;
        return TestCampaigns.Parse(json.ToJsonString());
    }

    [Fact]
    public void Full_is_the_default_and_keeps_the_hash_aggregate_changes_it()
    {
        var plain = TestCampaigns.Parse();
        var full = With("storage", "full");
        var aggregate = With("storage", "aggregate");
        Assert.Equal(StorageMode.Full, plain.Storage);
        Assert.Equal(StorageMode.Full, full.Storage);
        Assert.Equal(plain.Hash, full.Hash);
        Assert.Equal(plain.NormalizedJson, full.NormalizedJson);
        Assert.Equal(StorageMode.Aggregate, aggregate.Storage);
        Assert.True(aggregate.AggregateOnly);
        Assert.NotEqual(plain.Hash, aggregate.Hash);
    }

    [Theory]
    [InlineData("\"rows\"", "storage")]
    [InlineData("1", "storage")]
    public void An_unknown_storage_is_refused_naming_the_field(string value, string field)
    {
        var e = Assert.Throws<UserError>(() => With("storage", JsonNode.Parse(value)));
        Assert.Equal(field, e.Field);
    }

    [Theory]
    [InlineData("trace_samples", "2", "trace_samples")]
    [InlineData("analysis", "{ \"itinerary\": true }", "analysis.itinerary")]
    [InlineData("analysis", "{ \"tail_rate\": true }", "analysis.tail_rate")]
    [InlineData("analysis", "{ \"invariants\": true }", "analysis.invariants")]
    public void Per_sample_analyses_are_refused_with_aggregate_storage(string key, string value, string field)
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json["storage"] = "aggregate";
        json[key] = JsonNode.Parse(value);
        var e = Assert.Throws<UserError>(() => TestCampaigns.Parse(json.ToJsonString()));
        Assert.Equal(field, e.Field);
        Assert.Contains("aggregate", e.Message);
        // Hessian counts are per-shard statistics: allowed.
        json[key] = key == "analysis" ? JsonNode.Parse("{ \"hessian\": \"all\" }") : 0;
        Assert.True(TestCampaigns.Parse(json.ToJsonString()).AggregateOnly);
    }

    [Fact]
    public void Storage_cannot_be_swept()
    {
        var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
        json["sweep"] = JsonNode.Parse("""{ "storage": ["full", "aggregate"] }""");
        Assert.Throws<UserError>(() => TestCampaigns.Parse(json.ToJsonString()));
    }
}

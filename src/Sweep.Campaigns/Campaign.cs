using System.Text.Json.Nodes;
using Sweep.Numerics.Problems;

namespace Sweep.Campaigns;

/// <summary>A validated campaign: its identity (hash of the normalised file and any data it reads) and its points.</summary>
public sealed record Campaign(
    string Name,
    long Seed,
    long Samples,
    int ShardSize,
    string NormalizedJson,
    string Hash,
    IReadOnlyList<CampaignPoint> Points,
    IReadOnlyList<string> Warnings)
{
    public CampaignSpec Spec => new(Hash, Seed, Points.Select(p => p.Spec).ToArray());
    public long TotalSamples => Samples * Points.Count;
}

/// <summary>One parameter point: the swept values (dotted path → value), the wire spec and the validated problem.</summary>
public sealed record CampaignPoint(int Index, IReadOnlyList<KeyValuePair<string, JsonNode?>> Params, PointSpec Spec, LinearNetworkProblem Problem)
{
    /// <summary>The replica of a random data problem (<c>problem.kind = "random"</c>), null for other problems.</summary>
    public long? RandomReplica { get; init; }
}

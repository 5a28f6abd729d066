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
    public CampaignSpec Spec => new(Hash, Seed, Points.Select(p => p.Spec).ToArray()) { Aggregate = AggregateOnly };

    /// <summary>
    /// The hash this file had before the flow integrator <c>auto</c> existed, when some flow point names no integrator
    /// (null otherwise): a store recorded under it was run by dp45 and resumes by dp45, never a mix.
    /// </summary>
    public string? LegacyHash { get; init; }

    /// <summary>
    /// The identity without the keys a campaign grows by (<c>samples</c>, <c>max_samples</c>, <c>target</c>): two
    /// campaigns with the same growth hash differ at most in how many samples they ask for (<see cref="CampaignGrowth"/>).
    /// </summary>
    public string GrowthHash { get; init; } = "";

    /// <summary>The sequential target (null: every point gets exactly <see cref="Samples"/>).</summary>
    public SampleTarget? Target { get; init; }

    /// <summary>What the campaign keeps: every sample's row, or per-shard statistics only (<c>"storage"</c>).</summary>
    public StorageMode Storage { get; init; }

    /// <summary>Per-shard statistics only: no per-sample rows in the store, no samples.csv.</summary>
    public bool AggregateOnly => Storage == StorageMode.Aggregate;

    /// <summary>The budget per point: <c>max_samples</c> with a target (then <see cref="Samples"/> is the first batch), else <see cref="Samples"/>.</summary>
    public long MaxSamples { get; init; }

    /// <summary>Samples per point the shard plan covers: the budget.</summary>
    public long PlannedSamples => Target is null ? Samples : MaxSamples;

    /// <summary>Samples in the whole plan (with a target: at most this many are solved).</summary>
    public long TotalSamples => PlannedSamples * Points.Count;

    /// <summary>The shard plan over <see cref="PlannedSamples"/>.</summary>
    public ShardPlan Plan() => ShardPlan.Create(Points.Count, PlannedSamples, ShardSize);
}

/// <summary>One parameter point: the swept values (dotted path → value), the wire spec and the validated problem.</summary>
public sealed record CampaignPoint(int Index, IReadOnlyList<KeyValuePair<string, JsonNode?>> Params, PointSpec Spec, LinearNetworkProblem Problem)
{
    /// <summary>The replica of a random data problem (<c>problem.kind = "random"</c>), null for other problems.</summary>
    public long? RandomReplica { get; init; }
}

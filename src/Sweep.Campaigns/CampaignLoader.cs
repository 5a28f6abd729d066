using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Campaigns.Methods;
using Sweep.Numerics.Integration;
using Sweep.Campaigns.Loading;
using Sweep.Numerics.Problems;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns;

/// <summary>
/// Reads and validates a campaign file (docs/campaign.md). Strict: unknown keys, wrong types, non-positive counts or
/// tolerances and every violated assumption of the paper are errors naming the field. Nothing is written.
/// </summary>
public static class CampaignLoader
{
    private static readonly string[] TopKeys = ["name", "seed", "problem", "network", "init", "dynamics", "stop", "samples", "shard_size", "trace_samples", "analysis", "sweep", "target", "max_samples", "storage"];

    /// <summary>Reads and validates a campaign file; <see cref="UserError"/> (naming the field) when it is refused.</summary>
    /// <param name="overrides">`--set key=value` overrides, applied before validation (<see cref="CampaignOverrides"/>).</param>
    public static Campaign Load(string path, FlowIntegrator defaultIntegrator = FlowIntegrator.Auto, IReadOnlyList<string>? overrides = null)
    {
        // Bounded before a byte is parsed: a campaign is a few kilobytes (a long sweep list a few hundred).
        string what = $"campaign file '{BoundedInput.Quote(path, 200)}'";
        string text = BoundedInput.Decode(BoundedInput.ReadAll(path, MaxCampaignFileBytes, what), what);
        return Parse(text, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".", defaultIntegrator, overrides);
    }

    /// <summary>Validates a campaign; <see cref="UserError"/> (naming the field) when it is refused.</summary>
    /// <param name="defaultIntegrator">
    /// The flow integrator of a point that names none: <c>auto</c>; <c>dp45</c> to read a campaign whose store was
    /// written before <c>auto</c> existed (<see cref="Campaign.LegacyHash"/>).
    /// </param>
    /// <param name="overrides">`--set key=value` overrides, applied before validation (<see cref="CampaignOverrides"/>).</param>
    public static Campaign Parse(string json, string baseDirectory, FlowIntegrator defaultIntegrator = FlowIntegrator.Auto, IReadOnlyList<string>? overrides = null)
    {
        // One strictness, documented in docs/campaign.md: a UTF-8 byte-order mark is accepted; comments and trailing commas
        // are not (strict JSON), and a key given twice in an object is an error naming it.
        JsonNode? root;
        try
        {
            if (json.Length > 0 && json[0] == '\uFEFF') json = json[1..];
            using (var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false }))
                CheckDuplicateKeys(doc.RootElement, "");
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw Fail("", $"the campaign file is not valid JSON: {e.Message}");
        }
        if (root is not JsonObject top) throw Fail("", "the campaign file must be a JSON object");
        if (overrides is { Count: > 0 }) CampaignOverrides.Apply(top, overrides);
        CheckKeys(top, "", TopKeys);

        string name = ReadString(top, "name", "");
        if (name.Length == 0) throw Fail("name", "must not be empty");
        if (name.Length > MaxNameLength) throw Fail("name", $"is {name.Length} characters long; at most {MaxNameLength} are supported ('{BoundedInput.Quote(name)}')");
        // A name is printed on terminals and in logs: control characters (ANSI escapes, newlines) could fake output.
        if (name.Any(char.IsControl)) throw Fail("name", "must not contain control characters (escapes, newlines, tabs)");
        long seed = ReadInteger(top, "seed", "", min: long.MinValue);
        long samples = ReadInteger(top, "samples", "", min: 1);
        int shardSize = (int)ReadInteger(top, "shard_size", "", min: 1, fallback: 250, max: 1_000_000);
        var target = TargetSection.Read(top);
        long maxSamples = samples;
        if (target is not null)
        {
            maxSamples = ReadInteger(top, "max_samples", "", min: 1);
            if (maxSamples < samples) throw Fail("max_samples", $"must be ≥ samples ({samples}), the first batch (got {maxSamples})");
        }
        else if (top.ContainsKey("max_samples")) throw Fail("max_samples", "applies only with a \"target\" (without one, every point gets exactly \"samples\")");
        var storage = ReadStorage(top);
        long planned = maxSamples;
        string plannedKey = target is null ? "samples" : "max_samples";

        var axes = SweepGrid.Read(top);
        var data = new DataCache(baseDirectory);
        var points = new List<CampaignPoint>();
        var warnings = new List<string>();
        bool defaulted = false;
        int total = axes.Aggregate(1, (n, a) => checked(n * a.Values.Count));
        if (total > 100_000) throw Fail("sweep", $"the grid has {total} points; at most 100000 are supported");
        if (planned > MaxSamplesPerPoint) throw Fail(plannedKey, $"must be ≤ {MaxSamplesPerPoint:0} (10^12) per point (got {planned})");
        if ((double)planned * total > MaxTotalSamples)
            throw Fail(plannedKey, $"{planned} samples × {total} points = {(double)planned * total:G3} samples in all; at most {MaxTotalSamples:G3} (10^13) are supported");
        long shards = (planned + shardSize - 1) / shardSize * total;
        if (shards > ShardPlan.MaxShards)
            throw Fail("shard_size", $"{planned} samples per point in shards of {shardSize} over {total} point(s) make {shards} shards; at most {ShardPlan.MaxShards} are supported: raise shard_size");
        for (int index = 0; index < total; index++)
        {
            var (node, chosen) = SweepGrid.Point(top, axes, index);
            string context = axes.Count == 0 ? "" : $"sweep point {index} ({string.Join(", ", chosen.Select(c => $"{BoundedInput.Quote(c.Key)} = {BoundedInput.Quote(c.Value?.ToJsonString() ?? "null")}"))}): ";
            try
            {
                var (spec, problem, replica, w) = ParsePoint(node, index, data, shardSize);
                // A flow point that names no integrator runs the default (auto, or dp45 for a store written before auto).
                if (spec.Dynamics is GradientFlowSettings flow && node["dynamics"] is JsonObject d && !d.ContainsKey("integrator"))
                {
                    defaulted = true;
                    spec = spec with { Dynamics = flow with { Integrator = defaultIntegrator } };
                }
                points.Add(new CampaignPoint(index, chosen, spec, problem) { RandomReplica = replica });
                foreach (var x in w) if (!warnings.Contains(x)) warnings.Add(x);
            }
            catch (UserError e) when (context.Length > 0)
            {
                throw Fail(e.Field, context + e.Reason);
            }
        }

        if (storage == StorageMode.Aggregate) CheckAggregate(points);
        double carriedTotal = points.Sum(p => p.Spec.Problem is CovarianceProblemData { ExamplesX: { } ex, ExamplesY: { } ey } ? 8.0 * (ex.Length + ey.Length) : 0);
        if (carriedTotal > MaxCarriedExampleBytesTotal)
            throw Fail("problem.x_csv", $"the campaign's \"sgd\" points send {carriedTotal / (1 << 20):G3} MiB of raw examples to each worker (one copy per point); at most {MaxCarriedExampleBytesTotal / (1 << 20):G3} MiB are supported: sweep fewer sgd points or use fewer examples");

        var normalized = top.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        var identity = normalized + "\n" + string.Join("\n", data.FileHashes.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}"));
        static string Sha(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
        // The default integrator is part of the identity: the same file read before `auto` existed (every flow by dp45)
        // hashed without this line, and its stores resume by dp45 (Campaign.LegacyHash), never a mix.
        bool legacy = defaulted && defaultIntegrator != FlowIntegrator.Dp45;
        string integratorLine = legacy ? "\nintegrator=" + FlowMethod.IntegratorName(defaultIntegrator) : "";
        var hash = Sha(identity + integratorLine);
        // The growth identity: the same, without the keys a campaign may grow by (CampaignGrowth).
        var trunk = (JsonObject)top.DeepClone();
        foreach (var key in CampaignGrowth.GrowableKeys) trunk.Remove(key);
        var growthHash = Sha(trunk.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + identity[normalized.Length..] + integratorLine);
        return new Campaign(name, seed, samples, shardSize, normalized, hash, points, warnings)
            { Target = target, MaxSamples = maxSamples, LegacyHash = legacy ? Sha(identity) : null, GrowthHash = growthHash, Storage = storage };
    }

    /// <summary>
    /// <c>"storage"</c>: "full" (the default) or "aggregate". "full" is removed before the file is hashed, so only
    /// "aggregate" enters the campaign's identity and every existing campaign keeps its hash.
    /// </summary>
    private static StorageMode ReadStorage(JsonObject top)
    {
        if (!top.ContainsKey("storage")) return StorageMode.Full;
        string mode = ReadString(top, "storage", "");
        switch (mode)
        {
            case "full": top.Remove("storage"); return StorageMode.Full;
            case "aggregate": return StorageMode.Aggregate;
            default: throw Fail("storage", $"must be \"full\" or \"aggregate\" (got \"{BoundedInput.Quote(mode)}\")");
        }
    }

    /// <summary>
    /// What aggregate storage cannot serve: the per-shard statistics hold counts, labels and binned times, not the
    /// per-sample values that traces, itineraries, tail rates and invariant eigenvalues are summarised from.
    /// </summary>
    private static void CheckAggregate(IReadOnlyList<CampaignPoint> points)
    {
        foreach (var p in points)
        {
            var a = p.Spec.Analyses;
            string? field = p.Spec.TraceSamples > 0 ? "trace_samples"
                : a.Itinerary ? "analysis.itinerary" : a.TailRate ? "analysis.tail_rate" : a.Invariants ? "analysis.invariants" : null;
            if (field is not null)
                throw Fail(field, "needs per-sample results, which \"storage\": \"aggregate\" does not keep (it stores per-shard statistics only); drop it or use \"storage\": \"full\"");
        }
    }

    /// <summary>
    /// The raw examples an sgd point carries to the workers (8 bytes × m × (d_x + d_y)) may not exceed this, and all the
    /// campaign's sgd points together not <see cref="MaxCarriedExampleBytesTotal"/>: the campaign travels to each worker
    /// in one message, within the remoting frame of 16 MiB.
    /// </summary>
    public const double MaxCarriedExampleBytes = 4 << 20;
    /// <summary>See <see cref="MaxCarriedExampleBytes"/>.</summary>
    public const double MaxCarriedExampleBytesTotal = 12 << 20;

    /// <summary>At most this many samples per point (docs/campaign.md, limits).</summary>
    public const long MaxSamplesPerPoint = 1_000_000_000_000;
    /// <summary>At most this many samples in a campaign (docs/campaign.md, limits).</summary>
    public const double MaxTotalSamples = 1e13;
    /// <summary>The estimated working memory of one trajectory may not exceed this (docs/campaign.md, limits).</summary>
    public const double MaxTrajectoryBytes = 1L << 30;
    /// <summary>The estimated working memory of one shard (its trajectories' invariants and results) may not exceed this.</summary>
    public const double MaxShardBytes = 4L << 30;

    /// <summary>
    /// One point of the grid, section by section in the order the file is checked (the first refusal is the one
    /// reported, so the order is part of the behaviour).
    /// </summary>
    private static (PointSpec, LinearNetworkProblem, long? Replica, IReadOnlyList<string>) ParsePoint(JsonObject top, int index, DataCache data, int shardSize)
    {
        var problemNode = ReadObject(top, "problem", "");
        var network = ReadObject(top, "network", "");
        var init = ReadObject(top, "init", "");
        var dynamics = ReadObject(top, "dynamics", "");
        var stop = top.ContainsKey("stop") ? ReadObject(top, "stop", "") : new JsonObject();
        int traceSamples = (int)ReadInteger(top, "trace_samples", "", min: 0, fallback: 0, max: 1_000_000);

        var hidden = NetworkSection.Read(network);
        var point = ProblemSection.Read(top, problemNode, hidden, data, shardSize);
        var (initKind, scale, layerScales, suppress) = InitSection.Read(init, hidden, point.Data);
        (var dyn, point) = DynamicsSection.Read(dynamics, point);
        var (until, gradTol, epsHit) = StopSection.Read(stop);
        var problem = point.Problem;

        var warnings = new List<string>(problem.Warnings);
        var cv = problem.Value!.CriticalValues;
        double nearestSaddle = cv.GapAboveMinimum(cv.GlobalMask & ~(1 << (cv.Modes - 1)));
        if (epsHit >= nearestSaddle)
            warnings.Add($"point {index}: stop.eps_hit = {epsHit} is not below s_min²/2 = {nearestSaddle:G4}, the gap to the nearest saddle; a saddle would count as a hit");
        warnings.AddRange(ProblemSection.RiskWarnings(index, problem.Value!));

        var analysis = AnalysisSection.Read(top);
        var spec = new PointSpec(index, point.Data, hidden, scale, suppress, dyn, gradTol, epsHit, traceSamples, until, initKind, layerScales, analysis);
        return (spec, problem.Value!, point.Replica, warnings);
    }

    /// <summary>Critical values, ||Y||² and the covariances must stay below this, with room for the loss and its gradient.</summary>
    public const double MaxMagnitude = 1e300;

    /// <summary>Relative gap below which the plateaus between two modes cannot tell which was learned first.</summary>
    public const double CloseSingularValuesGap = 1e-3;
    /// <summary>Condition number of Cxx above which the data problem's losses and labels lose accuracy.</summary>
    public const double IllConditionedCovariance = 1e8;

    /// <summary>Random data sets with more entries than this, (d_x + d_y) · m, are refused (docs/campaign.md).</summary>
    public const double MaxRandomEntries = 5e7;

    /// <summary>Campaign files larger than this are refused before they are parsed (docs/campaign.md, limits).</summary>
    public const long MaxCampaignFileBytes = 4L << 20;
    /// <summary>A campaign's name (printed on terminals, in logs and file names) may not be longer than this.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Data CSVs larger than this are refused (docs/campaign.md).</summary>
    public const long MaxDataFileBytes = 1L << 30;
}

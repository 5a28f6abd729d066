using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;

namespace Sweep.Campaigns;

/// <summary>
/// Reads and validates a campaign file (CONTRACT.md). Strict: unknown keys, wrong types, non-positive counts or
/// tolerances and every violated assumption of the paper are errors naming the field. Nothing is written.
/// </summary>
public static class CampaignLoader
{
    private static readonly string[] TopKeys = ["name", "seed", "problem", "network", "init", "dynamics", "stop", "samples", "shard_size", "trace_samples", "analysis", "sweep", "target", "max_samples"];
    /// <summary>The keys of <c>analysis</c> (README, Analysis).</summary>
    private static readonly string[] AnalysisKeys = ["hessian", "itinerary", "invariants", "tail_rate"];
    private static readonly string[] Unsweepable = ["name", "seed", "samples", "shard_size", "sweep", "target", "max_samples"];

    /// <summary>Reads and validates a campaign file; <see cref="UserError"/> (naming the field) when it is refused.</summary>
    public static Campaign Load(string path, FlowIntegrator defaultIntegrator = FlowIntegrator.Auto)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserError($"cannot read campaign file '{path}': {e.Message}");
        }
        return Parse(text, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".", defaultIntegrator);
    }

    /// <summary>Validates a campaign; <see cref="UserError"/> (naming the field) when it is refused.</summary>
    /// <param name="defaultIntegrator">
    /// The flow integrator of a point that names none: <c>auto</c>; <c>dp45</c> to read a campaign whose store was
    /// written before <c>auto</c> existed (<see cref="Campaign.LegacyHash"/>).
    /// </param>
    public static Campaign Parse(string json, string baseDirectory, FlowIntegrator defaultIntegrator = FlowIntegrator.Auto)
    {
        // One strictness, documented in the README: a UTF-8 byte-order mark is accepted; comments and trailing commas
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
        CheckKeys(top, "", TopKeys);

        string name = ReadString(top, "name", "");
        if (name.Length == 0) throw Fail("name", "must not be empty");
        // A name is printed on terminals and in logs: control characters (ANSI escapes, newlines) could fake output.
        if (name.Any(char.IsControl)) throw Fail("name", "must not contain control characters (escapes, newlines, tabs)");
        long seed = ReadInteger(top, "seed", "", min: long.MinValue);
        long samples = ReadInteger(top, "samples", "", min: 1);
        int shardSize = (int)ReadInteger(top, "shard_size", "", min: 1, fallback: 250, max: 1_000_000);
        var target = ReadTarget(top);
        long maxSamples = samples;
        if (target is not null)
        {
            maxSamples = ReadInteger(top, "max_samples", "", min: 1);
            if (maxSamples < samples) throw Fail("max_samples", $"must be ≥ samples ({samples}), the first batch (got {maxSamples})");
        }
        else if (top.ContainsKey("max_samples")) throw Fail("max_samples", "applies only with a \"target\" (without one, every point gets exactly \"samples\")");
        long planned = maxSamples;
        string plannedKey = target is null ? "samples" : "max_samples";

        var axes = ReadSweep(top);
        var data = new DataCache(baseDirectory);
        var integrators = new IntegratorDefault(defaultIntegrator);
        var points = new List<CampaignPoint>();
        var warnings = new List<string>();
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
            var node = (JsonObject)top.DeepClone();
            node.Remove("sweep");
            var chosen = new List<KeyValuePair<string, JsonNode?>>();
            int rest = index;
            var picks = new int[axes.Count];
            for (int a = axes.Count - 1; a >= 0; a--) { picks[a] = rest % axes[a].Values.Count; rest /= axes[a].Values.Count; }
            for (int a = 0; a < axes.Count; a++)
            {
                var value = axes[a].Values[picks[a]]?.DeepClone();
                Assign(node, axes[a].Path, value);
                chosen.Add(new(axes[a].Path, value?.DeepClone()));
            }
            string context = axes.Count == 0 ? "" : $"sweep point {index} ({string.Join(", ", chosen.Select(c => $"{c.Key} = {c.Value?.ToJsonString()}"))}): ";
            try
            {
                var (spec, problem, replica, w) = ParsePoint(node, index, data, shardSize, integrators);
                points.Add(new CampaignPoint(index, chosen, spec, problem) { RandomReplica = replica });
                foreach (var x in w) if (!warnings.Contains(x)) warnings.Add(x);
            }
            catch (UserError e) when (context.Length > 0)
            {
                throw Fail(e.Field, context + e.Reason);
            }
        }

        double carriedTotal = points.Sum(p => p.Spec.Problem is CovarianceProblemData { ExamplesX: { } ex, ExamplesY: { } ey } ? 8.0 * (ex.Length + ey.Length) : 0);
        if (carriedTotal > MaxCarriedExampleBytesTotal)
            throw Fail("problem.x_csv", $"the campaign's \"sgd\" points send {carriedTotal / (1 << 20):G3} MiB of raw examples to each worker (one copy per point); at most {MaxCarriedExampleBytesTotal / (1 << 20):G3} MiB are supported: sweep fewer sgd points or use fewer examples");

        var normalized = top.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        var identity = normalized + "\n" + string.Join("\n", data.FileHashes.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}"));
        static string Sha(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
        // A flow point that names no integrator runs the default, which is part of the identity: the same file read
        // before `auto` existed (every flow by dp45) hashed without this line, and its stores resume by dp45.
        bool defaulted = integrators.Used && defaultIntegrator != FlowIntegrator.Dp45;
        var hash = Sha(defaulted ? identity + "\nintegrator=" + IntegratorName(defaultIntegrator) : identity);
        return new Campaign(name, seed, samples, shardSize, normalized, hash, points, warnings)
            { Target = target, MaxSamples = maxSamples, LegacyHash = defaulted ? Sha(identity) : null };
    }

    /// <summary><c>"target": {"saddle_upper95": b}</c> or <c>{"ci_halfwidth": h, "of": "outcome:NAME"}</c>; null when absent.</summary>
    private static SampleTarget? ReadTarget(JsonObject top)
    {
        if (!top.ContainsKey("target")) return null;
        var t = ReadObject(top, "target", "");
        CheckKeys(t, "target", ["saddle_upper95", "ci_halfwidth", "of"]);
        bool upper = t.ContainsKey("saddle_upper95"), half = t.ContainsKey("ci_halfwidth");
        if (upper == half) throw Fail("target", "needs exactly one of \"saddle_upper95\" or \"ci_halfwidth\"");
        if (upper)
        {
            if (t.ContainsKey("of")) throw Fail("target.of", "applies only to \"ci_halfwidth\" (saddle_upper95 is about the saddle-basin mass)");
            double b = ReadNumber(t, "saddle_upper95", "target", positive: true);
            if (!(b < 1)) throw Fail("target.saddle_upper95", $"must be in (0, 1) (got {b.ToString(CultureInfo.InvariantCulture)})");
            return new SampleTarget(TargetKind.SaddleUpper95, b);
        }
        double h = ReadNumber(t, "ci_halfwidth", "target", positive: true);
        if (!(h < 0.5)) throw Fail("target.ci_halfwidth", $"must be in (0, 0.5) (got {h.ToString(CultureInfo.InvariantCulture)})");
        string of = ReadString(t, "of", "target");
        var outcome = of switch
        {
            "outcome:global" => Outcome.Global,
            "outcome:saddle" => Outcome.Saddle,
            "outcome:unresolved" => Outcome.Unresolved,
            "outcome:diverged" => Outcome.Diverged,
            _ => throw Fail("target.of", $"must be one of outcome:global, outcome:saddle, outcome:unresolved, outcome:diverged (got \"{of}\")"),
        };
        return new SampleTarget(TargetKind.CiHalfwidth, h, outcome);
    }

    private static void CheckDuplicateKeys(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    string field = Path(path, p.Name);
                    if (!seen.Add(p.Name)) throw Fail(field, "appears twice in the same object (each key may be given once)");
                    CheckDuplicateKeys(p.Value, field);
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in e.EnumerateArray()) CheckDuplicateKeys(item, $"{path}[{i++}]");
                break;
        }
    }

    private sealed record Axis(string Path, IReadOnlyList<JsonNode?> Values);

    private static List<Axis> ReadSweep(JsonObject top)
    {
        var axes = new List<Axis>();
        if (!top.TryGetPropertyValue("sweep", out var sweep) || sweep is null) return axes;
        if (sweep is not JsonObject obj) throw Fail("sweep", "must be an object mapping dotted paths to lists of values");
        foreach (var (key, value) in obj)
        {
            string field = $"sweep.{key}";
            if (key.Length == 0 || Unsweepable.Contains(key.Split('.')[0]))
                throw Fail(field, $"'{key}' cannot be swept");
            if (value is not JsonArray arr || arr.Count == 0) throw Fail(field, "must be a non-empty list of values");
            if (!PathExistsOrParentDoes(top, key)) throw Fail(field, $"'{key}' is not a path into the campaign");
            axes.Add(new Axis(key, arr.ToList()));
        }
        return axes;
    }

    private static bool PathExistsOrParentDoes(JsonObject top, string path)
    {
        var parts = path.Split('.');
        JsonNode? node = top;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(parts[i], out node)) return false;
        }
        return node is JsonObject;
    }

    private static void Assign(JsonObject node, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        JsonObject current = node;
        for (int i = 0; i < parts.Length - 1; i++) current = (JsonObject)current[parts[i]]!;
        current[parts[^1]] = value;
    }

    /// <summary>
    /// The raw examples an sgd point carries to the workers (8 bytes × m × (d_x + d_y)) may not exceed this, and all the
    /// campaign's sgd points together not <see cref="MaxCarriedExampleBytesTotal"/>: the campaign travels to each worker
    /// in one message, within the remoting frame of 16 MiB.
    /// </summary>
    public const double MaxCarriedExampleBytes = 4 << 20;
    /// <summary>See <see cref="MaxCarriedExampleBytes"/>.</summary>
    public const double MaxCarriedExampleBytesTotal = 12 << 20;

    /// <summary>At most this many samples per point (README, limits).</summary>
    public const long MaxSamplesPerPoint = 1_000_000_000_000;
    /// <summary>At most this many samples in a campaign (README, limits).</summary>
    public const double MaxTotalSamples = 1e13;
    /// <summary>The estimated working memory of one trajectory may not exceed this (README, limits).</summary>
    public const double MaxTrajectoryBytes = 1L << 30;
    /// <summary>The estimated working memory of one shard (its trajectories' invariants and results) may not exceed this.</summary>
    public const double MaxShardBytes = 4L << 30;

    /// <summary>
    /// Refuses networks and inputs that cannot be solved in memory, before anything is allocated for them. The estimate
    /// (bytes) of one trajectory: the integrator's 10 stage buffers and 4 scalar ones for P parameters over 8 SIMD lanes,
    /// the monitor's and classifier's products (widest layer × max(d_x, d_y) per lane), Cxx (d_x × d_x, twice) and the
    /// invariants Σ d_i² (twice); of one shard: that, plus the initial invariants and a result per sample.
    /// </summary>
    internal static void CheckMemory(int dx, int dy, int[] hidden, int shardSize, bool canonical)
    {
        double[] dims = [dx, .. hidden.Select(h => (double)h), dy];
        double parameters = 0, invariants = 0, widest = dims.Max();
        for (int i = 0; i + 1 < dims.Length; i++) parameters += dims[i] * dims[i + 1];
        foreach (double h in hidden) invariants += h * h;
        const int Lanes = 8;
        double integrator = 8.0 * (Lanes * 10 * parameters + 4 * parameters);
        double products = 8.0 * Lanes * 4 * widest * Math.Max(dx, dy);
        double covariance = 8.0 * 2 * (double)dx * dx;
        double invariantBytes = 8.0 * 2 * invariants;
        double trajectory = integrator + products + covariance + invariantBytes;
        static string GiB(double b) => (b / (1L << 30)).ToString("G3", CultureInfo.InvariantCulture) + " GiB";
        if (trajectory > MaxTrajectoryBytes)
        {
            // Name the input that dominates the estimate.
            string field = covariance >= Math.Max(integrator, invariantBytes) ? (canonical ? "problem.input_dim" : "problem.x_csv") : "network.hidden";
            throw Fail(field, $"one trajectory would need about {GiB(trajectory)} of memory (estimate: {parameters:G3} parameters × {Lanes} lanes × 10 buffers = {GiB(integrator)}, "
                + $"d_x × d_x covariance {GiB(covariance)}, invariants Σ d_i² = {invariants:G3} entries {GiB(invariantBytes)}); at most {GiB(MaxTrajectoryBytes)} per trajectory is supported");
        }
        double shard = trajectory + (double)shardSize * (8.0 * invariants + 256);
        if (shard > MaxShardBytes)
            throw Fail("shard_size", $"one shard of {shardSize} samples would need about {GiB(shard)} of memory (the initial invariants Σ d_i² = {invariants:G3} entries per sample); at most {GiB(MaxShardBytes)} is supported: lower shard_size");
    }

    /// <summary>The flow integrator a point gets when it names none, and whether any point did.</summary>
    private sealed class IntegratorDefault(FlowIntegrator value)
    {
        public FlowIntegrator Value { get; } = value;
        public bool Used { get; set; }
    }

    private static readonly (string Name, FlowIntegrator Value)[] Integrators = [("auto", FlowIntegrator.Auto), ("dp45", FlowIntegrator.Dp45), ("radau5", FlowIntegrator.Radau5)];

    private static string IntegratorName(FlowIntegrator i) => Integrators.First(x => x.Value == i).Name;

    private static (PointSpec, LinearNetworkProblem, long? Replica, IReadOnlyList<string>) ParsePoint(JsonObject top, int index, DataCache data, int shardSize, IntegratorDefault integrators)
    {
        var problemNode = ReadObject(top, "problem", "");
        var network = ReadObject(top, "network", "");
        var init = ReadObject(top, "init", "");
        var dynamics = ReadObject(top, "dynamics", "");
        var stop = top.ContainsKey("stop") ? ReadObject(top, "stop", "") : new JsonObject();
        int traceSamples = (int)ReadInteger(top, "trace_samples", "", min: 0, fallback: 0, max: 1_000_000);

        CheckKeys(network, "network", ["hidden"]);
        var hidden = ReadIntegerList(network, "hidden", "network", min: 1);
        if (hidden.Length == 0) throw Fail("network.hidden", "needs at least one hidden layer");

        string kind = ReadString(problemNode, "kind", "problem");
        double[,]? rawX = null, rawY = null;
        ProblemData problemData;
        Validated<LinearNetworkProblem> problem;
        long? replica = null;
        switch (kind)
        {
            case "canonical":
            {
                CheckKeys(problemNode, "problem", ["kind", "singular_values", "input_dim"]);
                var sigmas = ReadNumberList(problemNode, "singular_values", "problem");
                if (sigmas.Length == 0) throw Fail("problem.singular_values", "needs at least one value");
                if (sigmas.Length > 30) throw Fail("problem.singular_values", "at most 30 output dimensions are supported");
                int dx = (int)ReadInteger(problemNode, "input_dim", "problem", min: 1, max: 100_000);
                CheckMemory(dx, sigmas.Length, hidden, shardSize, canonical: true);
                problem = LinearNetworkProblem.Canonical(sigmas, dx, hidden);
                problemData = new CanonicalProblemData(sigmas, dx);
                break;
            }
            case "data":
            {
                CheckKeys(problemNode, "problem", ["kind", "x_csv", "y_csv", "whiten"]);
                bool whiten = ReadBool(problemNode, "whiten", "problem", false);
                var x = data.Read(ReadString(problemNode, "x_csv", "problem"), "problem.x_csv");
                var y = data.Read(ReadString(problemNode, "y_csv", "problem"), "problem.y_csv");
                if (y.GetLength(0) > 30) throw Fail("problem.y_csv", "at most 30 output dimensions (rows of Y) are supported");
                if (x.GetLength(1) != y.GetLength(1))
                    throw Fail("problem.y_csv", $"Y has {y.GetLength(1)} columns (examples) but X has {x.GetLength(1)}; both hold one column per example");
                CheckMemory(x.GetLength(0), y.GetLength(0), hidden, shardSize, canonical: false);
                var (cxx, cyx, yy) = LinearNetworkProblem.Covariances(x, y);
                int dx = x.GetLength(0), dy = y.GetLength(0);
                // L_min from X and Y directly (shipped to workers with the covariances), never as ½||Y||² − ½Σs².
                double globalMinimum = LinearNetworkProblem.LeastSquaresResidual(x, y);
                problem = LinearNetworkProblem.FromCovariances(cxx, cyx, yy, globalMinimum, dx, dy, hidden, whiten);
                if (problem.Error?.Kind == ProblemErrorKind.RankDeficientData && x.GetLength(1) < dx)
                    throw Fail("problem.x_csv", $"{problem.Error.Message}; there are only m = {x.GetLength(1)} examples for d_x = {dx} inputs");
                problemData = new CovarianceProblemData(dx, dy, cxx, cyx, yy, globalMinimum, whiten);
                (rawX, rawY) = (x, y);
                break;
            }
            case "random":
            {
                CheckKeys(problemNode, "problem", ["kind", "input_dim", "output_dim", "examples", "replica", "whiten"]);
                int dx = (int)ReadInteger(problemNode, "input_dim", "problem", min: 1, max: 100_000);
                int dy = (int)ReadInteger(problemNode, "output_dim", "problem", min: 1, max: 30);
                int m = (int)ReadInteger(problemNode, "examples", "problem", min: 1, max: 10_000_000);
                replica = ReadInteger(problemNode, "replica", "problem", min: 0, fallback: 0);
                bool whiten = ReadBool(problemNode, "whiten", "problem", false);
                if (dy > dx) throw Fail("problem.output_dim", $"d_y = {dy} exceeds d_x = {dx}: Cyx Cxx^(-1/2) would have zero singular values");
                if (m < dx) throw Fail("problem.examples", $"m = {m} examples for d_x = {dx} inputs: X Xᵀ would be singular (need m ≥ d_x)");
                if ((double)(dx + dy) * m > MaxRandomEntries)
                    throw Fail("problem.examples", $"(d_x + d_y) · m = {(double)(dx + dy) * m:G3} entries; at most {MaxRandomEntries:G2} are drawn");
                CheckMemory(dx, dy, hidden, shardSize, canonical: false);
                long seed = ReadInteger(top, "seed", "", min: long.MinValue);
                var (x, y) = data.Random(seed, replica.Value, dx, dy, m);
                var (cxx, cyx, yy) = LinearNetworkProblem.Covariances(x, y);
                double globalMinimum = LinearNetworkProblem.LeastSquaresResidual(x, y);
                problem = LinearNetworkProblem.FromCovariances(cxx, cyx, yy, globalMinimum, dx, dy, hidden, whiten);
                // A degenerate draw (rank-deficient X, repeated or zero singular values) has probability 0 but is refused like data.
                if (!problem.IsValid && problem.Error!.Kind is not ProblemErrorKind.OutputWiderThanHidden)
                    throw Fail("problem.replica", $"replica {replica} (data drawn from seed {seed}) is degenerate: {problem.Error.Message}; choose another replica");
                problemData = new CovarianceProblemData(dx, dy, cxx, cyx, yy, globalMinimum, whiten);
                break;
            }
            default:
                throw Fail("problem.kind", $"must be \"canonical\", \"data\" or \"random\" (got \"{kind}\")");
        }
        if (!problem.IsValid) throw Fail(FieldOf(problem.Error!, problemData is CanonicalProblemData), problem.Error!.Message);
        CheckMagnitudes(problem.Value!, problemData is CanonicalProblemData);

        string initKindName = ReadString(init, "kind", "init");
        InitKind initKind = initKindName switch
        {
            "gaussian" => InitKind.Gaussian,
            "orthogonal" => InitKind.Orthogonal,
            "balanced" => InitKind.Balanced,
            _ => throw Fail("init.kind", $"must be \"gaussian\", \"orthogonal\" or \"balanced\" (got \"{initKindName}\")"),
        };
        CheckKeys(init, "init", initKind == InitKind.Gaussian ? ["kind", "scale", "suppress_modes", "layer_scales"] : ["kind", "scale", "suppress_modes"], $"for kind \"{initKindName}\"");
        double scale = ReadNumber(init, "scale", "init", positive: true);
        double[]? layerScales = null;
        if (init.ContainsKey("layer_scales"))
        {
            layerScales = ReadNumberList(init, "layer_scales", "init");
            if (layerScales.Length != hidden.Length + 1)
                throw Fail("init.layer_scales", $"needs one scale per weight matrix: {hidden.Length + 1} for {hidden.Length} hidden layer(s) (got {layerScales.Length})");
            for (int i = 0; i < layerScales.Length; i++)
                if (!(layerScales[i] > 0)) throw Fail($"init.layer_scales[{i}]", $"must be > 0 (got {layerScales[i]})");
        }
        var suppress = init.ContainsKey("suppress_modes") ? ReadIntegerList(init, "suppress_modes", "init", min: 0) : [];
        if (suppress.Length > 0 && problemData is not CanonicalProblemData)
            throw Fail("init.suppress_modes", "is only available for canonical problems (the invariant manifold is exact only in the canonical basis)");
        foreach (var m in suppress)
            if (m >= problemData.OutputDim) throw Fail("init.suppress_modes", $"mode {m} does not exist (modes are 0..{problemData.OutputDim - 1})");
        if (suppress.Distinct().Count() != suppress.Length) throw Fail("init.suppress_modes", "lists a mode twice");

        string method = ReadString(dynamics, "method", "dynamics");
        Dynamics dyn;
        switch (method)
        {
            case "flow":
                CheckKeys(dynamics, "dynamics", ["method", "t_max", "rtol", "atol", "integrator", "max_steps"], "for method \"flow\"");
                FlowIntegrator integrator;
                if (dynamics.ContainsKey("integrator"))
                {
                    string named = ReadString(dynamics, "integrator", "dynamics");
                    var match = Integrators.FirstOrDefault(x => x.Name == named);
                    if (match.Name is null)
                        throw Fail("dynamics.integrator", $"unknown integrator '{named}'; expected one of {string.Join(", ", Integrators.Select(x => $"\"{x.Name}\""))}");
                    integrator = match.Value;
                }
                else
                {
                    integrator = integrators.Value;
                    integrators.Used = true;
                }
                // Without a horizon a trajectory runs until its until condition holds or its step budget is spent.
                double tMax = dynamics.ContainsKey("t_max") ? ReadNumber(dynamics, "t_max", "dynamics", positive: true) : double.PositiveInfinity;
                long maxSteps = dynamics.ContainsKey("max_steps") ? ReadInteger(dynamics, "max_steps", "dynamics", min: 1)
                    : double.IsFinite(tMax) ? long.MaxValue : GradientFlowSettings.DefaultMaxSteps;
                var flow = new GradientFlowSettings(tMax,
                    ReadNumber(dynamics, "rtol", "dynamics", positive: true, fallback: 1e-8),
                    ReadNumber(dynamics, "atol", "dynamics", positive: true, fallback: 1e-10), integrator, maxSteps);
                if (flow.RelTol >= 1) throw Fail("dynamics.rtol", "must be < 1");
                dyn = flow;
                break;
            case "gd":
                CheckKeys(dynamics, "dynamics", ["method", "learning_rate", "max_iters"], "for method \"gd\"");
                dyn = new GradientDescentSettings(ReadNumber(dynamics, "learning_rate", "dynamics", positive: true),
                    ReadInteger(dynamics, "max_iters", "dynamics", min: 1));
                break;
            case "momentum":
            case "nesterov":
                CheckKeys(dynamics, "dynamics", ["method", "learning_rate", "beta", "max_iters"], $"for method \"{method}\"");
                double lr = ReadNumber(dynamics, "learning_rate", "dynamics", positive: true);
                double beta = ReadFraction(dynamics, "beta", "dynamics", null);
                long iters = ReadInteger(dynamics, "max_iters", "dynamics", min: 1);
                dyn = method == "momentum" ? new MomentumSettings(lr, beta, iters) : new NesterovSettings(lr, beta, iters);
                break;
            case "adam":
                CheckKeys(dynamics, "dynamics", ["method", "learning_rate", "beta1", "beta2", "epsilon", "max_iters"], "for method \"adam\"");
                dyn = new AdamSettings(ReadNumber(dynamics, "learning_rate", "dynamics", positive: true),
                    ReadFraction(dynamics, "beta1", "dynamics", AdamSettings.DefaultBeta1),
                    ReadFraction(dynamics, "beta2", "dynamics", AdamSettings.DefaultBeta2),
                    ReadNumber(dynamics, "epsilon", "dynamics", positive: true, fallback: AdamSettings.DefaultEpsilon),
                    ReadInteger(dynamics, "max_iters", "dynamics", min: 1));
                break;
            case "sgd":
            {
                CheckKeys(dynamics, "dynamics", ["method", "learning_rate", "batch_size", "decay_every", "decay_factor", "max_iters"], "for method \"sgd\"");
                if (problemData is not CovarianceProblemData { Whiten: false } || rawX is null || rawY is null)
                    throw Fail("dynamics.method", problemData is CanonicalProblemData
                        ? "\"sgd\" draws minibatches of examples, so it needs a data problem (problem.kind = \"data\"); a canonical problem has none"
                        : "\"sgd\" needs \"problem.whiten\": false (its minibatch statistics are those of the examples as given; whiten the data files beforehand)");
                int m = rawX.GetLength(1);
                double rate = ReadNumber(dynamics, "learning_rate", "dynamics", positive: true);
                int batch = (int)ReadInteger(dynamics, "batch_size", "dynamics", min: 1, max: int.MaxValue);
                if (batch > m) throw Fail("dynamics.batch_size", $"is {batch}, more than the m = {m} examples of the data");
                long decayEvery = ReadInteger(dynamics, "decay_every", "dynamics", min: 0, fallback: 0);
                if (dynamics.ContainsKey("decay_factor") && decayEvery == 0)
                    throw Fail("dynamics.decay_factor", "has no effect without \"decay_every\" (the iterations between decays, ≥ 1)");
                double decayFactor = ReadNumber(dynamics, "decay_factor", "dynamics", positive: true, fallback: SgdSettings.DefaultDecayFactor);
                if (decayFactor > 1) throw Fail("dynamics.decay_factor", $"must be in (0, 1] (got {decayFactor})");
                double carried = 8.0 * m * (rawX.GetLength(0) + rawY.GetLength(0));
                if (carried > MaxCarriedExampleBytes)
                    throw Fail("problem.x_csv", $"\"sgd\" sends the raw examples to the workers: {carried / (1 << 20):G3} MiB for this point, at most {MaxCarriedExampleBytes / (1 << 20):G3} MiB are supported");
                dyn = new SgdSettings(rate, batch, decayEvery, decayFactor, ReadInteger(dynamics, "max_iters", "dynamics", min: 1));
                var examples = DataExamples.FromColumns(rawX, rawY);
                problemData = (CovarianceProblemData)problemData with { ExamplesX = examples.X, ExamplesY = examples.Y };
                problem = Validated<LinearNetworkProblem>.Ok(problem.Value!.WithExamples(examples), problem.Warnings);
                break;
            }
            default:
                throw Fail("dynamics.method", $"must be \"flow\", \"gd\", \"momentum\", \"nesterov\", \"adam\" or \"sgd\" (got \"{method}\")");
        }

        CheckKeys(stop, "stop", ["grad_tol_rel", "eps_hit", "until"]);
        string untilName = stop.ContainsKey("until") ? ReadString(stop, "until", "stop") : "hit";
        Until until = untilName switch
        {
            "certified" => Until.Certified,
            "hit" => Until.Hit,
            "converged" => Until.Converged,
            _ => throw Fail("stop.until", $"must be \"certified\", \"hit\" or \"converged\" (got \"{untilName}\")"),
        };
        double gradTol = ReadNumber(stop, "grad_tol_rel", "stop", positive: true, fallback: 1e-6);
        double epsHit = ReadNumber(stop, "eps_hit", "stop", positive: true, fallback: 1e-3);

        var warnings = new List<string>(problem.Warnings);
        var cv = problem.Value!.CriticalValues;
        double nearestSaddle = cv.GapAboveMinimum(cv.GlobalMask & ~(1 << (cv.Modes - 1)));
        if (epsHit >= nearestSaddle)
            warnings.Add($"point {index}: stop.eps_hit = {epsHit} is not below s_min²/2 = {nearestSaddle:G4}, the gap to the nearest saddle; a saddle would count as a hit");
        warnings.AddRange(RiskWarnings(index, problem.Value!));

        var analysis = ReadAnalysis(top);
        bool itinerary = top["analysis"] is JsonObject analysisNode && ReadBool(analysisNode, "itinerary", "analysis", fallback: false);
        bool tailRate = top["analysis"] is JsonObject tailNode && ReadBool(tailNode, "tail_rate", "analysis", fallback: false);
        var spec = new PointSpec(index, problemData, hidden, scale, suppress, dyn, gradTol, epsHit, traceSamples, until, initKind, layerScales, analysis)
        { Itinerary = itinerary, TailRate = tailRate };
        return (spec, problem.Value!, replica, warnings);
    }

    /// <summary>
    /// The optional <c>analysis</c> object: one entry per analysis, each read on its own (defaults: nothing extra).
    /// </summary>
    private static AnalysisSettings ReadAnalysis(JsonObject top)
    {
        if (!top.ContainsKey("analysis")) return AnalysisSettings.Default;
        var analysis = ReadObject(top, "analysis", "");
        CheckKeys(analysis, "analysis", AnalysisKeys);
        var settings = AnalysisSettings.Default;
        if (analysis.ContainsKey("hessian"))
        {
            string scope = ReadString(analysis, "hessian", "analysis");
            settings = settings with
            {
                Hessian = scope switch
                {
                    "none" => HessianScope.None,
                    "uncertified" => HessianScope.Uncertified,
                    "all" => HessianScope.All,
                    _ => throw Fail("analysis.hessian", $"must be \"none\", \"uncertified\" or \"all\" (got \"{scope}\")"),
                },
            };
        }
        return settings with { Invariants = ReadBool(analysis, "invariants", "analysis", fallback: false) };
    }

    /// <summary>Critical values, ||Y||² and the covariances must stay below this, with room for the loss and its gradient.</summary>
    public const double MaxMagnitude = 1e300;

    /// <summary>Refuses problems whose critical values, ||Y||² or covariances overflow (or come close): nothing could be reported for them.</summary>
    private static void CheckMagnitudes(LinearNetworkProblem problem, bool canonical)
    {
        var cv = problem.CriticalValues;
        double highest = cv.Value(0);       // nothing learned: ½ Σ s_i² above the minimum
        static bool Ok(double v) => double.IsFinite(v) && Math.Abs(v) <= MaxMagnitude;
        if (!Ok(highest) || !Ok(cv.GlobalMinimum) || !Ok(problem.YNormSquared) || !Ok(problem.CyxNorm)
            || problem.Cxx.Any(v => !Ok(v)) || problem.Cyx.Any(v => !Ok(v)))
            throw Fail(canonical ? "problem.singular_values" : "problem.y_csv",
                $"the values are too large: the critical values (½ Σ s_i² = {highest.ToString("G4", CultureInfo.InvariantCulture)}) or ||Y||² overflow or exceed {MaxMagnitude:G1}; rescale the problem");
    }

    /// <summary>Relative gap below which the plateaus between two modes cannot tell which was learned first.</summary>
    public const double CloseSingularValuesGap = 1e-3;
    /// <summary>Condition number of Cxx above which the data problem's losses and labels lose accuracy.</summary>
    public const double IllConditionedCovariance = 1e8;

    /// <summary>Warnings that name a risk to the results, not an error in the input (issue: honest outcomes).</summary>
    private static IEnumerable<string> RiskWarnings(int index, LinearNetworkProblem problem)
    {
        var s = problem.Spectrum.SingularValues;
        for (int i = 0; i + 1 < s.Length; i++)
        {
            double gap = (s[i] - s[i + 1]) / s[0];
            if (gap < CloseSingularValuesGap)
                yield return $"point {index}: singular values {i} and {i + 1} ({s[i]:G6}, {s[i + 1]:G6}) differ by only {gap:G3} of the largest; labels on the plateaus between them are arbitrary (which of the two is learned first is decided by noise)";
        }
        // 1 for canonical problems: only data can be ill-conditioned.
        double condition = problem.CovarianceCondition;
        if (condition > IllConditionedCovariance)
            yield return $"point {index}: X Xᵀ has condition number {condition:G3} (above {IllConditionedCovariance:G1}); losses, gradients and labels of this data problem lose about log10 of that many digits — consider \"whiten\": true or rescaling the inputs";
    }

    private static string FieldOf(ProblemError e, bool canonical) => e.Kind switch
    {
        ProblemErrorKind.OutputWiderThanHidden => $"network.hidden[{e.Index}]",
        ProblemErrorKind.OutputWiderThanInput => canonical ? "problem.input_dim" : "problem.y_csv",
        ProblemErrorKind.RankDeficientData => "problem.x_csv",
        ProblemErrorKind.SingularValueNotPositive or ProblemErrorKind.SingularValuesNotDistinct or ProblemErrorKind.SingularValuesNotDecreasing
            => canonical ? $"problem.singular_values[{e.Index}]" : "problem.y_csv",
        ProblemErrorKind.NonFinite => canonical ? "problem.singular_values" : "problem",
        _ => "problem",
    };

    // ---- typed readers -------------------------------------------------------------------------------------------

    private static UserError Fail(string field, string message) => new(field, message);

    private static string Path(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    private static void CheckKeys(JsonObject obj, string parent, string[] allowed, string qualifier = "")
    {
        foreach (var (key, _) in obj)
            if (!allowed.Contains(key))
            {
                var near = allowed.OrderBy(a => Levenshtein(a, key)).First();
                string hint = Levenshtein(near, key) <= 2 ? $" (did you mean \"{near}\"?)" : $" (allowed: {string.Join(", ", allowed)})";
                throw Fail(Path(parent, key), $"unknown key{(qualifier.Length > 0 ? " " + qualifier : "")}{hint}");
            }
    }

    private static JsonNode Required(JsonObject obj, string key, string parent) =>
        obj.TryGetPropertyValue(key, out var v) && v is not null ? v : throw Fail(Path(parent, key), "is required");

    private static JsonObject ReadObject(JsonObject obj, string key, string parent) =>
        Required(obj, key, parent) as JsonObject ?? throw Fail(Path(parent, key), "must be an object");

    private static string ReadString(JsonObject obj, string key, string parent, string? fallback = null)
    {
        if (!obj.ContainsKey(key) && fallback is not null) return fallback;
        var v = Required(obj, key, parent);
        return v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>() : throw Fail(Path(parent, key), $"must be a string (got {Describe(v)})");
    }

    private static bool ReadBool(JsonObject obj, string key, string parent, bool fallback)
    {
        if (!obj.ContainsKey(key)) return fallback;
        var v = Required(obj, key, parent);
        return v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail(Path(parent, key), $"must be true or false (got {Describe(v)})"),
        };
    }

    private static double ReadNumber(JsonObject obj, string key, string parent, bool positive, double? fallback = null)
    {
        if (!obj.ContainsKey(key) && fallback is not null) return fallback.Value;
        var v = Required(obj, key, parent);
        double x = AsNumber(v, Path(parent, key));
        if (positive && !(x > 0)) throw Fail(Path(parent, key), $"must be > 0 (got {x.ToString(CultureInfo.InvariantCulture)})");
        return x;
    }

    private static double AsNumber(JsonNode v, string field)
    {
        if (v.GetValueKind() != JsonValueKind.Number) throw Fail(field, $"must be a number (got {Describe(v)})");
        double x = v.GetValue<double>();
        if (!double.IsFinite(x)) throw Fail(field, "must be a finite number");
        return x;
    }

    private static long ReadInteger(JsonObject obj, string key, string parent, long min, long? fallback = null, long max = long.MaxValue)
    {
        if (!obj.ContainsKey(key) && fallback is not null) return fallback.Value;
        var v = Required(obj, key, parent);
        long n = AsInteger(v, Path(parent, key));
        if (n < min) throw Fail(Path(parent, key), min == 1 ? $"must be a positive integer (got {n})" : $"must be ≥ {min} (got {n})");
        if (n > max) throw Fail(Path(parent, key), $"must be ≤ {max} (got {n})");
        return n;
    }

    /// <summary>A number in [0, 1): a momentum or moment-decay coefficient.</summary>
    private static double ReadFraction(JsonObject obj, string key, string parent, double? fallback)
    {
        double x = ReadNumber(obj, key, parent, positive: false, fallback);
        if (!(x >= 0 && x < 1)) throw Fail(Path(parent, key), $"must be in [0, 1) (got {x.ToString(CultureInfo.InvariantCulture)})");
        return x;
    }

    private static long AsInteger(JsonNode v, string field)
    {
        if (v.GetValueKind() != JsonValueKind.Number) throw Fail(field, $"must be an integer (got {Describe(v)})");
        var e = v.GetValue<JsonElement>();
        if (e.TryGetInt64(out var n)) return n;
        if (e.TryGetDouble(out var d) && Math.Floor(d) == d && Math.Abs(d) < 9e15) return (long)d;
        throw Fail(field, $"must be an integer (got {e.GetRawText()})");
    }

    private static double[] ReadNumberList(JsonObject obj, string key, string parent)
    {
        var v = Required(obj, key, parent);
        if (v is not JsonArray arr) throw Fail(Path(parent, key), $"must be a list of numbers (got {Describe(v)})");
        return arr.Select((x, i) => x is null ? throw Fail($"{Path(parent, key)}[{i}]", "must be a number (got null)") : AsNumber(x, $"{Path(parent, key)}[{i}]")).ToArray();
    }

    private static int[] ReadIntegerList(JsonObject obj, string key, string parent, int min)
    {
        var v = Required(obj, key, parent);
        if (v is not JsonArray arr) throw Fail(Path(parent, key), $"must be a list of integers (got {Describe(v)})");
        return arr.Select((x, i) =>
        {
            string f = $"{Path(parent, key)}[{i}]";
            if (x is null) throw Fail(f, "must be an integer (got null)");
            long n = AsInteger(x, f);
            if (n < min || n > 1_000_000) throw Fail(f, min == 1 ? $"must be a positive integer (got {n})" : $"must be ≥ {min} (got {n})");
            return (int)n;
        }).ToArray();
    }

    private static string Describe(JsonNode v) => v.GetValueKind() switch
    {
        JsonValueKind.String => $"the string {v.ToJsonString()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => v.ToJsonString(),
    };

    private static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>Random data sets with more entries than this, (d_x + d_y) · m, are refused (README).</summary>
    public const double MaxRandomEntries = 5e7;

    /// <summary>Data CSVs larger than this are refused (README).</summary>
    public const long MaxDataFileBytes = 1L << 30;

    /// <summary>
    /// Reads each CSV once and draws each random data set once, and remembers their content hashes (part of the
    /// campaign's identity: the data actually used, not only the keys that chose them).
    /// </summary>
    private sealed class DataCache(string baseDirectory)
    {
        private readonly Dictionary<string, double[,]> _matrices = new();
        private readonly Dictionary<string, (double[,], double[,])> _random = new();
        public Dictionary<string, string> FileHashes { get; } = new();

        public (double[,] X, double[,] Y) Random(long seed, long replica, int dx, int dy, int m)
        {
            string key = $"random:replica={replica}:dx={dx}:dy={dy}:m={m}";
            if (_random.TryGetValue(key, out var drawn)) return drawn;
            drawn = Sweep.Numerics.Sampling.RandomData.Draw(seed, replica, dx, dy, m);
            var bytes = new byte[8 * (drawn.Item1.Length + drawn.Item2.Length)];
            Buffer.BlockCopy(drawn.Item1, 0, bytes, 0, 8 * drawn.Item1.Length);
            Buffer.BlockCopy(drawn.Item2, 0, bytes, 8 * drawn.Item1.Length, 8 * drawn.Item2.Length);
            FileHashes[key] = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
            _random[key] = drawn;
            return drawn;
        }

        public double[,] Read(string relative, string field)
        {
            string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, relative));
            if (_matrices.TryGetValue(full, out var m)) return m;
            byte[] bytes;
            try
            {
                // Only regular files (a link to one is followed): a FIFO would block forever, a device never end.
                string target = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
                var kind = FileKind.Of(target);
                if (kind == FileKind.Kind.Missing) throw new FileNotFoundException($"Could not find file '{full}'.");
                if (kind != FileKind.Kind.Regular) throw Fail(field, $"'{relative}' is {FileKind.Describe(kind)}, not a regular file");
                using var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                if (stream.Length > MaxDataFileBytes)
                    throw Fail(field, $"'{relative}' is {stream.Length} bytes; data files of at most {MaxDataFileBytes} bytes (1 GiB) are supported");
                // Bounded even if the file grows while it is read.
                using var buffer = new MemoryStream((int)stream.Length);
                var chunk = new byte[1 << 16];
                int n;
                while ((n = stream.Read(chunk)) > 0)
                {
                    if (buffer.Length + n > MaxDataFileBytes) throw Fail(field, $"'{relative}' is larger than {MaxDataFileBytes} bytes (1 GiB), the most supported");
                    buffer.Write(chunk, 0, n);
                }
                bytes = buffer.ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw Fail(field, $"cannot read '{relative}': {e.Message}");
            }
            var rows = new List<double[]>();
            var lines = Encoding.UTF8.GetString(bytes).Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim().TrimStart('\uFEFF');
                if (line.Length == 0) continue;
                var cells = line.Split(',');
                var row = new double[cells.Length];
                for (int j = 0; j < cells.Length; j++)
                {
                    if (!double.TryParse(cells[j].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out row[j]))
                        throw Fail(field, $"'{relative}' line {i + 1}, column {j + 1}: '{cells[j].Trim()}' is not a number (no header row is allowed)");
                    if (!double.IsFinite(row[j])) throw Fail(field, $"'{relative}' line {i + 1}, column {j + 1}: NaN or infinite value");
                }
                if (rows.Count > 0 && row.Length != rows[0].Length)
                    throw Fail(field, $"'{relative}' line {i + 1} has {row.Length} values but the first row has {rows[0].Length}");
                rows.Add(row);
            }
            if (rows.Count == 0) throw Fail(field, $"'{relative}' is empty");
            m = new double[rows.Count, rows[0].Length];
            for (int i = 0; i < rows.Count; i++) for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
            _matrices[full] = m;
            FileHashes[relative] = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
            return m;
        }
    }
}

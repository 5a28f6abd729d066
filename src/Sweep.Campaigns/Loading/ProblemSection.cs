using System.Globalization;
using System.Text.Json.Nodes;
using Sweep.Numerics.Problems;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

/// <summary>
/// One point's problem as read: its wire form, the validated problem, the raw examples of a data problem (an sgd point
/// carries them) and the replica of a random one.
/// </summary>
internal sealed record PointProblem(ProblemData Data, Validated<LinearNetworkProblem> Problem, double[,]? RawX, double[,]? RawY, long? Replica);

/// <summary>
/// The <c>problem</c> object (<c>canonical</c>, <c>data</c> or <c>random</c>), with the checks that refuse a problem
/// before anything is allocated for it (memory) or after it is built (magnitudes), and the warnings that name a risk.
/// </summary>
internal static class ProblemSection
{
    internal static PointProblem Read(JsonObject top, JsonObject problemNode, int[] hidden, DataCache data, int shardSize)
    {
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
                if ((double)(dx + dy) * m > CampaignLoader.MaxRandomEntries)
                    throw Fail("problem.examples", $"(d_x + d_y) · m = {(double)(dx + dy) * m:G3} entries; at most {CampaignLoader.MaxRandomEntries:G2} are drawn");
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
        return new PointProblem(problemData, problem, rawX, rawY, replica);
    }

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
        if (trajectory > CampaignLoader.MaxTrajectoryBytes)
        {
            // Name the input that dominates the estimate.
            string field = covariance >= Math.Max(integrator, invariantBytes) ? (canonical ? "problem.input_dim" : "problem.x_csv") : "network.hidden";
            throw Fail(field, $"one trajectory would need about {GiB(trajectory)} of memory (estimate: {parameters:G3} parameters × {Lanes} lanes × 10 buffers = {GiB(integrator)}, "
                + $"d_x × d_x covariance {GiB(covariance)}, invariants Σ d_i² = {invariants:G3} entries {GiB(invariantBytes)}); at most {GiB(CampaignLoader.MaxTrajectoryBytes)} per trajectory is supported");
        }
        double shard = trajectory + (double)shardSize * (8.0 * invariants + 256);
        if (shard > CampaignLoader.MaxShardBytes)
            throw Fail("shard_size", $"one shard of {shardSize} samples would need about {GiB(shard)} of memory (the initial invariants Σ d_i² = {invariants:G3} entries per sample); at most {GiB(CampaignLoader.MaxShardBytes)} is supported: lower shard_size");
    }

    /// <summary>Refuses problems whose critical values, ||Y||² or covariances overflow (or come close): nothing could be reported for them.</summary>
    private static void CheckMagnitudes(LinearNetworkProblem problem, bool canonical)
    {
        var cv = problem.CriticalValues;
        double highest = cv.Value(0);       // nothing learned: ½ Σ s_i² above the minimum
        static bool Ok(double v) => double.IsFinite(v) && Math.Abs(v) <= CampaignLoader.MaxMagnitude;
        if (!Ok(highest) || !Ok(cv.GlobalMinimum) || !Ok(problem.YNormSquared) || !Ok(problem.CyxNorm)
            || problem.Cxx.Any(v => !Ok(v)) || problem.Cyx.Any(v => !Ok(v)))
            throw Fail(canonical ? "problem.singular_values" : "problem.y_csv",
                $"the values are too large: the critical values (½ Σ s_i² = {highest.ToString("G4", CultureInfo.InvariantCulture)}) or ||Y||² overflow or exceed {CampaignLoader.MaxMagnitude:G1}; rescale the problem");
    }

    /// <summary>Warnings that name a risk to the results, not an error in the input (issue: honest outcomes).</summary>
    internal static IEnumerable<string> RiskWarnings(int index, LinearNetworkProblem problem)
    {
        var s = problem.Spectrum.SingularValues;
        for (int i = 0; i + 1 < s.Length; i++)
        {
            double gap = (s[i] - s[i + 1]) / s[0];
            if (gap < CampaignLoader.CloseSingularValuesGap)
                yield return $"point {index}: singular values {i} and {i + 1} ({s[i]:G6}, {s[i + 1]:G6}) differ by only {gap:G3} of the largest; labels on the plateaus between them are arbitrary (which of the two is learned first is decided by noise)";
        }
        // 1 for canonical problems: only data can be ill-conditioned.
        double condition = problem.CovarianceCondition;
        if (condition > CampaignLoader.IllConditionedCovariance)
            yield return $"point {index}: X Xᵀ has condition number {condition:G3} (above {CampaignLoader.IllConditionedCovariance:G1}); losses, gradients and labels of this data problem lose about log10 of that many digits — consider \"whiten\": true or rescaling the inputs";
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
}

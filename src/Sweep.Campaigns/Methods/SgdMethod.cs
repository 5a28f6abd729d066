using System.Text.Json.Nodes;
using Sweep.Campaigns.Loading;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Methods;

/// <summary>
/// <c>"sgd"</c>: minibatch SGD (<see cref="SgdSettings"/>). Its point also takes the raw examples into its problem
/// (its minibatches need them), so they travel to the workers.
/// </summary>
public sealed class SgdMethod : MethodDescriptor<SgdSettings>
{
    public override string Name => "sgd";
    public override string[] Keys => ["method", "learning_rate", "batch_size", "decay_every", "decay_factor", "max_iters"];
    public override byte WireTag => 6;

    internal override (SgdSettings Settings, PointProblem Point) ParseSettings(JsonObject dynamics, PointProblem point)
    {
        var (problemData, problem, rawX, rawY) = (point.Data, point.Problem, point.RawX, point.RawY);
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
        if (carried > CampaignLoader.MaxCarriedExampleBytes)
            throw Fail("problem.x_csv", $"\"sgd\" sends the raw examples to the workers: {carried / (1 << 20):G3} MiB for this point, at most {CampaignLoader.MaxCarriedExampleBytes / (1 << 20):G3} MiB are supported");
        var sgd = new SgdSettings(rate, batch, decayEvery, decayFactor, ReadInteger(dynamics, "max_iters", "dynamics", min: 1));
        var examples = DataExamples.FromColumns(rawX, rawY);
        problemData = (CovarianceProblemData)problemData with { ExamplesX = examples.X, ExamplesY = examples.Y };
        problem = Validated<LinearNetworkProblem>.Ok(problem.Value!.WithExamples(examples), problem.Warnings);
        return (sgd, point with { Data = problemData, Problem = problem });
    }

    protected override void WriteSettings(BinaryWriter w, SgdSettings s)
    {
        w.Write(s.LearningRate); w.Write(s.BatchSize); w.Write(s.DecayEvery); w.Write(s.DecayFactor); w.Write(s.MaxIters);
    }

    protected override SgdSettings ReadSettings(BinaryReader r) => new(r.ReadDouble(), r.ReadInt32(), r.ReadInt64(), r.ReadDouble(), r.ReadInt64());

    protected override string LabelOf(SgdSettings s, Func<double, string> F) =>
        $"sgd η={F(s.LearningRate)} b={s.BatchSize}" + (s.DecayEvery > 0 ? $" ×{F(s.DecayFactor)}/{s.DecayEvery}" : "");

    /// <summary>With batch_size &lt; m the iterates do not converge, so a sample that runs to max_iters reports the mean of its last iterates.</summary>
    protected override string? LabelRuleOf(SgdSettings sgd, LinearNetworkProblem problem) =>
        problem.Examples is { } examples && sgd.AverageWindow(examples.Count) is > 0 and var window
            ? $"sgd with batch_size {sgd.BatchSize} < m = {examples.Count}: a sample that reaches max_iters reports the mean of its last {window} iterates "
              + "(label, final_loss, grad_norm, invariant_drift), not its last noisy iterate; global is certified only by convergence at the global label "
              + "(full gradient and minibatch step over the base rate both within grad_tol_rel·||Cyx||, reached once the step decay has shrunk the noise)"
            : null;
}

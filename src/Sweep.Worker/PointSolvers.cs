using Sweep.Messages;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;
using Sweep.Numerics;
using Sweep.Campaigns;
using Sweep.Results;

namespace Sweep.Worker;

/// <summary>Turns the wire description of a point into the numerics' problem, initializer, dynamics and stop rule.</summary>
public static class PointSolvers
{
    public static Validated<LinearNetworkProblem> Problem(PointSpec spec)
    {
        var p = spec.Problem;
        return p.Canonical
            ? LinearNetworkProblem.Canonical(p.SingularValues, p.InputDim, spec.Hidden)
            // TODO: pass the least-squares residual shipped with the point (LinearNetworkProblem.LeastSquaresResidual(X, Y),
            // computed where X and Y are read) instead of the old formula ½||Y||² − ½Σs², which cancels when the residual is small.
            : LinearNetworkProblem.FromCovariances(p.Cxx, p.Cyx, p.YNormSquared,
                LinearNetworkProblem.GlobalMinimumFromSpectrum(p.Cxx, p.Cyx, p.YNormSquared, p.InputDim, p.OutputDim), p.InputDim, p.OutputDim, spec.Hidden, p.Whiten);
    }

    public static Dynamics Dynamics(DynamicsData d) => d.Method switch
    {
        "flow" => new GradientFlowSettings(d.TMax, d.RelTol, d.AbsTol),
        "gd" => new GradientDescentSettings(d.LearningRate, d.MaxIters),
        _ => throw new ArgumentException($"unknown dynamics method '{d.Method}'"),
    };

    public static TrajectorySolver Solver(PointSpec spec, LinearNetworkProblem problem) =>
        new(problem, new GaussianInitializer(spec.InitScale, spec.SuppressModes), Dynamics(spec.Dynamics), new StopRule(spec.GradTolRel, spec.EpsHit));

    public static SampleRecord ToRecord(SampleResult r) => new(
        r.Point, r.Sample, (byte)r.Status, r.Label, r.FinalLoss, r.CriticalValue, r.StopTime, r.HitTime ?? double.NaN,
        r.Steps, r.RhsEvaluations, r.GradientNorm, r.InvariantDrift,
        r.Trace?.Select(t => t.Time).ToArray(), r.Trace?.Select(t => t.Loss).ToArray());
}

/// <summary>
/// Solves the samples of shards of one campaign. Holds one solver per point (each owns its workspace), so one
/// instance per thread.
/// </summary>
public sealed class ShardRunner
{
    private readonly CampaignSpec _campaign;
    private readonly Dictionary<int, (PointSpec Spec, TrajectorySolver Solver)> _solvers = new();

    public ShardRunner(CampaignSpec campaign) => _campaign = campaign;

    public string CampaignHash => _campaign.Hash;

    public SampleRecord[] Run(int point, long firstSample, int count)
    {
        if (!_solvers.TryGetValue(point, out var entry))
        {
            var spec = _campaign.Points[point];
            var problem = PointSolvers.Problem(spec);
            if (!problem.IsValid) throw new InvalidOperationException($"point {point}: {problem.Error!.Message}");
            entry = (spec, PointSolvers.Solver(spec, problem.Value!));
            _solvers[point] = entry;
        }
        return entry.Solver.SolveMany(_campaign.Seed, point, firstSample, count, traceBelow: entry.Spec.TraceSamples).Select(PointSolvers.ToRecord).ToArray();
    }
}

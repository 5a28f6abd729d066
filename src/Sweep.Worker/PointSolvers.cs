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
        return spec.Problem switch
        {
            CanonicalProblemData c => LinearNetworkProblem.Canonical(c.SingularValues, c.InputDim, spec.Hidden),
            CovarianceProblemData d => WithExamples(LinearNetworkProblem.FromCovariances(d.Cxx, d.Cyx, d.YNormSquared, d.GlobalMinimum, d.InputDim, d.OutputDim, spec.Hidden, d.Whiten), d.Examples),
            var other => throw new ArgumentException($"unknown problem data {other.GetType().Name}"),
        };
    }

    private static Validated<LinearNetworkProblem> WithExamples(Validated<LinearNetworkProblem> problem, DataExamples? examples) =>
        problem.IsValid && examples is not null ? Validated<LinearNetworkProblem>.Ok(problem.Value!.WithExamples(examples), problem.Warnings) : problem;

    public static TrajectorySolver Solver(PointSpec spec, LinearNetworkProblem problem) =>
        new(problem, spec.Initializer(), spec.Dynamics, new StopRule(spec.GradTolRel, spec.EpsHit, spec.Until), analysis: spec.Analyses);
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

    /// <summary>Whether the campaign keeps per-shard statistics only (no per-sample record is sent).</summary>
    public bool Aggregate => _campaign.Aggregate;

    /// <summary>A solved shard's statistics, and with full storage its store blob and samples.csv rows, for the coordinator.</summary>
    public Sweep.Results.Output.ShardOutput Encode(int point, IReadOnlyList<SampleRecord> samples) =>
        Sweep.Results.Output.ShardOutput.Encode(samples, point, _campaign.Points[point].Horizon, _campaign.Aggregate);

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
        var records = entry.Solver.SolveMany(_campaign.Seed, point, firstSample, count, traceBelow: entry.Spec.TraceSamples).Select(r => r.Record).ToArray();
        SweepMetrics.SamplesSolved.Add(records.Length);
        return records;
    }
}

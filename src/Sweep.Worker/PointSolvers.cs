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

    /// <param name="lanes">Trajectories per SIMD instruction (0: the machine's; <see cref="TrajectorySolver.Lanes"/>).</param>
    public static TrajectorySolver Solver(PointSpec spec, LinearNetworkProblem problem, int lanes = 0) =>
        new(problem, spec.Initializer(), spec.Dynamics, new StopRule(spec.GradTolRel, spec.EpsHit, spec.Until), lanes, spec.Analyses);
}

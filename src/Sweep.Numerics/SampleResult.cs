using Sweep.Numerics.Integration;

namespace Sweep.Numerics;

/// <summary>
/// Everything recorded of one trajectory: a row of samples.csv. For a diverged sample the label is empty and the
/// critical value NaN (it is not classified). <see cref="Status"/> says how it stopped (converged: the stop rule's
/// <c>until</c> condition was met), <see cref="Outcome"/> what may be claimed of its limit. <see cref="HitTime"/> is
/// null when L − L_min ≤ eps_hit never happened, <see cref="GlobalTime"/> (t_global, the first certified time) when
/// the outcome is not global.
/// </summary>
public sealed record SampleResult(
    int Point,
    long Sample,
    SampleStatus Status,
    string Label,
    double FinalLoss,
    double CriticalValue,
    double StopTime,
    double? HitTime,
    long Steps,
    long RhsEvaluations,
    double GradientNorm,
    double InvariantDrift,
    Outcome Outcome,
    double? GlobalTime)
{
    /// <summary>
    /// A gradient-flow trajectory that diverged: the flow cannot (Prop. 1), so the integrator failed; summaries should
    /// warn. False for gradient descent, which may diverge.
    /// </summary>
    public bool NumericalFailure { get; init; }

    /// <summary>The Hessian spectrum at the stop, when the campaign's analysis asked for this sample's.</summary>
    public Analysis.HessianSpectrum? Hessian { get; init; }
    /// <summary>The saddle-to-saddle itinerary, when the stop rule asked for it (null for a diverged sample).</summary>
    public Analysis.Itinerary? Itinerary { get; init; }

    /// <summary>λ_min and λ_max of each D_i at t = 0 (i = 1..H), when the campaign's analysis asked for them.</summary>
    public IReadOnlyList<(double Min, double Max)>? InvariantEigenvalues { get; init; }
    /// <summary>The tail rate (<see cref="Integration.TailRateFit"/>), when the stop rule asked for it and the fit had enough points.</summary>
    public double? TailRate { get; init; }

    /// <summary>Exact Hessians taken by an implicit integrator (0 for explicit methods); for benchmarks, not a samples.csv column.</summary>
    public long HessianEvaluations { get; init; }

    /// <summary>(time, loss) along the trajectory, when it was traced.</summary>
    public IReadOnlyList<TracePoint>? Trace { get; init; }
}

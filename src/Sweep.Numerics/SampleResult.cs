using Sweep.Numerics.Integration;

namespace Sweep.Numerics;

/// <summary>
/// Everything recorded of one trajectory: a row of samples.csv. For a diverged sample the label is empty and the
/// critical value NaN (it is not classified). <see cref="HitTime"/> is null when L − L_min ≤ eps_hit never happened.
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
    double InvariantDrift)
{
    /// <summary>(time, loss) along the trajectory, when it was traced.</summary>
    public IReadOnlyList<TracePoint>? Trace { get; init; }
}

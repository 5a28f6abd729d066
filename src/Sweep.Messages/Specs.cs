namespace Sweep.Messages;

/// <summary>
/// The data a problem needs, as sufficient statistics (never the raw examples): canonical problems carry their
/// singular values, data problems Cxx (d_x × d_x) and Cyx (d_y × d_x), row-major, and ||Y||².
/// </summary>
public sealed record ProblemData(
    bool Canonical,
    int InputDim,
    int OutputDim,
    double[] SingularValues,
    double[] Cxx,
    double[] Cyx,
    double YNormSquared,
    bool Whiten);

/// <summary>"flow" (TMax, RelTol, AbsTol) or "gd" (LearningRate, MaxIters).</summary>
public sealed record DynamicsData(string Method, double TMax, double RelTol, double AbsTol, double LearningRate, long MaxIters);

/// <summary>Everything a worker needs to solve any sample of one parameter point.</summary>
public sealed record PointSpec(
    int Index,
    ProblemData Problem,
    int[] Hidden,
    double InitScale,
    int[] SuppressModes,
    DynamicsData Dynamics,
    double GradTolRel,
    double EpsHit,
    int TraceSamples);

/// <summary>A campaign as the workers see it: its hash (identity), seed and points.</summary>
public sealed record CampaignSpec(string Hash, long Seed, PointSpec[] Points) : ISweepMessage;

/// <summary>
/// One sample's result (a samples.csv row). Status: 0 converged, 1 horizon, 2 diverged. HitTime NaN = never hit.
/// The trace arrays are present only for traced samples.
/// </summary>
public sealed record SampleRecord(
    int Point,
    long Sample,
    byte Status,
    string Label,
    double FinalLoss,
    double CriticalValue,
    double StopTime,
    double HitTime,
    long Steps,
    long RhsEvaluations,
    double GradientNorm,
    double InvariantDrift,
    double[]? TraceTime = null,
    double[]? TraceLoss = null) : ISweepMessage
{
    public bool Equals(SampleRecord? other) =>
        other is not null && Point == other.Point && Sample == other.Sample && Status == other.Status && Label == other.Label
        && FinalLoss.Equals(other.FinalLoss) && CriticalValue.Equals(other.CriticalValue) && StopTime.Equals(other.StopTime)
        && HitTime.Equals(other.HitTime) && Steps == other.Steps && RhsEvaluations == other.RhsEvaluations
        && GradientNorm.Equals(other.GradientNorm) && InvariantDrift.Equals(other.InvariantDrift)
        && SequenceEqual(TraceTime, other.TraceTime) && SequenceEqual(TraceLoss, other.TraceLoss);

    public override int GetHashCode() => HashCode.Combine(Point, Sample, Status, Label, FinalLoss, StopTime, Steps);

    private static bool SequenceEqual(double[]? a, double[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

namespace Sweep.Results;

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
    double[]? TraceLoss = null)
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

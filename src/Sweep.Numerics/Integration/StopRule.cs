namespace Sweep.Numerics.Integration;

/// <summary>
/// The gradient test ||∇L||_F ≤ GradTolRel·||Cyx||_F, which ends a trajectory only together with a certificate; the
/// first time with L − L_min ≤ EpsHit is recorded; <see cref="Until"/> says when a certified trajectory stops.
/// Diverged when a weight is non-finite or exceeds <see cref="DivergenceBound"/> in magnitude.
/// Applied to each trajectory by its <see cref="TrajectoryMonitor"/>; what the monitor records besides (itinerary, tail
/// rate) is analysis, <see cref="Analysis.AnalysisSettings"/>.
/// </summary>
public sealed record StopRule(double GradTolRel, double EpsHit, Until Until = Until.Hit)
{
    public const double DivergenceBound = 1e8;
}

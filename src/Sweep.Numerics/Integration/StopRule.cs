namespace Sweep.Numerics.Integration;

/// <summary>
/// The gradient test ||∇L||_F ≤ GradTolRel·||Cyx||_F, which ends a trajectory only together with a certificate; the
/// first time with L − L_min ≤ EpsHit is recorded; <see cref="Until"/> says when a certified trajectory stops.
/// Diverged when a weight is non-finite or exceeds <see cref="DivergenceBound"/> in magnitude.
/// Applied to each trajectory by its <see cref="TrajectoryMonitor"/>, which also records the saddle-to-saddle
/// itinerary (the Z rule at every accepted step) when <see cref="Itinerary"/> is set (it costs one product
/// W_{H+1}···W_1 and the rotation to Z per accepted step), and the tail rate (<see cref="TailRateFit"/>) when
/// <see cref="TailRate"/> is set (a logarithm per accepted step).
/// </summary>
public sealed record StopRule(double GradTolRel, double EpsHit, Until Until = Until.Hit, bool Itinerary = false, bool TailRate = false)
{
    public const double DivergenceBound = 1e8;
}

namespace Sweep.Numerics.Integration;

/// <summary>
/// Converged when ||∇L||_F ≤ GradTolRel·||Cyx||_F; record the first time with L − L_min ≤ EpsHit.
/// Diverged when a weight is non-finite or exceeds <see cref="DivergenceBound"/> in magnitude.
/// Applied to each trajectory by its <see cref="TrajectoryMonitor"/>.
/// </summary>
public sealed record StopRule(double GradTolRel, double EpsHit)
{
    public const double DivergenceBound = 1e8;
}

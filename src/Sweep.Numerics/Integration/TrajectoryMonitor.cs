using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// What is observed along one trajectory and when it stops: the integrator reports every accepted state (time, loss,
/// gradient norm, whether a weight is non-finite or beyond <see cref="DivergenceBound"/>) and the monitor keeps the
/// hitting time and the trace and applies the stop tests. One per lane, reused for each trajectory the lane runs; it
/// allocates nothing per step.
/// </summary>
public sealed class TrajectoryMonitor
{
    /// <summary>Weights beyond this magnitude count as diverged (integrators test it in their own passes over the weights).</summary>
    public const double DivergenceBound = StopRule.DivergenceBound;

    private readonly double _gradTol, _horizon, _epsHit, _minimum;
    private readonly bool _interpolate;
    private FirstCrossing _hit;
    private TraceRecorder? _trace;

    /// <param name="horizon">t_max (flow) or max_iters (descent): a trajectory stops when its time reaches it.</param>
    /// <param name="interpolate">Interpolate crossing times linearly between accepted states (flow), or take the state's own time (descent).</param>
    public TrajectoryMonitor(LinearNetworkProblem problem, StopRule stop, double horizon, bool interpolate)
    {
        _gradTol = stop.GradTolRel * problem.CyxNorm;
        _horizon = horizon;
        _epsHit = stop.EpsHit;
        _minimum = problem.CriticalValues.GlobalMinimum;
        _interpolate = interpolate;
    }

    /// <summary>First time with L − L_min ≤ eps_hit, null while not hit.</summary>
    public double? HitTime => _hit.Time;

    /// <summary>Starts a trajectory at time 0. Returns how it stops when it stops at once, else null.</summary>
    public SampleStatus? Start(double loss, double gradNorm, bool diverging, TraceRecorder? trace)
    {
        _trace = trace;
        _hit = new FirstCrossing(_epsHit, _minimum, _interpolate, 0, loss);
        _trace?.Record(0, loss);
        return Check(0, loss, gradNorm, diverging);
    }

    /// <summary>An accepted state. Returns how the trajectory stops when it stops here, else null.</summary>
    public SampleStatus? Observe(double time, double loss, double gradNorm, bool diverging)
    {
        _hit.Observe(time, loss);
        _trace?.Record(time, loss);
        return Check(time, loss, gradNorm, diverging);
    }

    private SampleStatus? Check(double time, double loss, double gradNorm, bool diverging) =>
        !double.IsFinite(loss) || diverging ? SampleStatus.Diverged
        : gradNorm <= _gradTol ? SampleStatus.Converged
        : time >= _horizon ? SampleStatus.Horizon
        : null;
}

using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// How a trajectory is integrated: the algorithm with its own settings, separate from the problem (what is integrated)
/// and from the stop rule (what is observed). Each algorithm builds its integrator for a lane type.
/// </summary>
public abstract record Dynamics
{
    /// <summary>
    /// An integrator of <paramref name="problem"/> that runs <c>T.Width</c> trajectories at once under
    /// <paramref name="stop"/>, certifying saddles on <paramref name="manifold"/> when given. Every lane must perform
    /// exactly the operations of the one-lane integrator.
    /// </summary>
    public abstract IIntegrator CreateIntegrator<T>(LinearNetworkProblem problem, StopRule stop, InvariantManifold? manifold = null) where T : struct, ILane<T>;

    /// <summary>True when a diverged trajectory contradicts the mathematics (the flow), so it is a numerical failure to report.</summary>
    public virtual bool DivergenceIsNumericalFailure => false;

    /// <summary>Where an uncertified trajectory stops: t_max for the flow, max_iters for the discrete methods.</summary>
    public abstract double Horizon { get; }

    /// <summary>True for a discrete method: time is the iteration count.</summary>
    public virtual bool Discrete => true;
}

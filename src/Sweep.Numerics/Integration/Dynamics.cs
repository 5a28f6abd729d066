using Sweep.Numerics.Analysis;
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
    /// <paramref name="stop"/>, certifying saddles on <paramref name="manifold"/> when given: the shared
    /// <see cref="LaneDriver"/> around this method's step, with one <see cref="TrajectoryMonitor"/> per lane set by the
    /// traits below (and recording what <paramref name="analysis"/> asks along the way). Every lane must perform exactly
    /// the operations of the one-lane integrator.
    /// </summary>
    public virtual IIntegrator CreateIntegrator<T>(LinearNetworkProblem problem, StopRule stop, InvariantManifold? manifold = null, AnalysisSettings? analysis = null)
        where T : struct, ILane<T>
    {
        var method = CreateMethod<T>(problem);
        return new LaneDriver(method, problem.Shape.ParameterCount, () => NewMonitor(problem, stop, manifold, analysis), StepBudget);
    }

    /// <summary>The monitor of one trajectory, set by the traits below.</summary>
    protected TrajectoryMonitor NewMonitor(LinearNetworkProblem problem, StopRule stop, InvariantManifold? manifold, AnalysisSettings? analysis) =>
        new(problem, stop, StopTime, flow: !Discrete, manifold, lossCertificate: CertifiesBy(problem) == Certification.LossLevel, analysis,
            Discrete && CertifiesBy(problem) == Certification.LossLevel ? new DescentStepCondition(problem, FixedLearningRate) : null);

    /// <summary>The constant step η of a discrete method whose loss certificate rests on <see cref="DescentStepCondition"/>; NaN otherwise.</summary>
    public virtual double FixedLearningRate => double.NaN;

    /// <summary>Where the monitor stops an uncertified trajectory: <see cref="Horizon"/> unless the method runs without one.</summary>
    protected virtual double StopTime => Horizon;

    /// <summary>Accepted steps after which an uncertified trajectory stops with status budget (none for the descents: max_iters is their horizon).</summary>
    public virtual long StepBudget => long.MaxValue;

    /// <summary>The method's step for lane type <typeparamref name="T"/> (its buffers sized for <paramref name="problem"/>).</summary>
    public abstract ILaneMethod CreateMethod<T>(LinearNetworkProblem problem) where T : struct, ILane<T>;

    // Traits, one line each in every method (SciML's alg_order, isfsal, ...).

    /// <summary>Order of the method as a discretisation of the flow (5 for Dormand–Prince's propagated solution, 1 for the descents).</summary>
    public abstract int Order { get; }

    /// <summary>True when the method carries state besides the weights from step to step (momentum's velocity, Adam's moments), which a hand-off could not carry.</summary>
    public virtual bool Stateful => false;

    /// <summary>True when a diverged trajectory contradicts the mathematics (the flow), so it is a numerical failure to report.</summary>
    public virtual bool DivergenceIsNumericalFailure => false;

    /// <summary>How the method may certify global (<see cref="Certification"/>); it may depend on the problem (minibatch SGD with b = m is full-batch descent).</summary>
    public virtual Certification CertifiesBy(LinearNetworkProblem problem) => Certification.LossLevel;

    /// <summary>Where an uncertified trajectory stops: t_max for the flow, max_iters for the discrete methods.</summary>
    public abstract double Horizon { get; }

    /// <summary>True for a discrete method: time is the iteration count (crossings at the iterate, a loss certificate only under the step-size condition).</summary>
    public virtual bool Discrete => true;
}

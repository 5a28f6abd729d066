using Sweep.Numerics.Analysis;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Gradient flow dW/dt = −∇L with mixed error tolerance atol + rtol·|y|, integrated by <see cref="Integrator"/>:
/// explicit Dormand–Prince 5(4), the L-stable Radau IIA (order 5) with the exact Hessian (dense, or matrix-free beyond
/// <see cref="RadauIIA5.DenseLimit"/> parameters), or <c>auto</c> (Dormand–Prince
/// until its step is stability-limited, then Radau IIA: <see cref="DormandPrince45{T}"/>). <see cref="TMax"/> is +∞ for
/// a run without a horizon; <see cref="MaxSteps"/> accepted steps end an uncertified trajectory with status budget.
/// </summary>
public sealed record GradientFlowSettings(double TMax, double RelTol, double AbsTol, FlowIntegrator Integrator = FlowIntegrator.Dp45,
    long MaxSteps = long.MaxValue) : Dynamics
{
    /// <summary>Accepted steps per trajectory when the campaign gives no t_max and no max_steps.</summary>
    public const long DefaultMaxSteps = 100_000;

    /// <summary>The time scale of statistics and figures for a run without a horizon (the quantile sketches need a finite one).</summary>
    public const double UnboundedTimeScale = 1e18;

    /// <summary>The flow cannot diverge (Prop. 1): a diverged trajectory is a failure of the integrator.</summary>
    public override bool DivergenceIsNumericalFailure => true;

    public override double Horizon => double.IsFinite(TMax) ? TMax : UnboundedTimeScale;
    protected override double StopTime => TMax;
    public override bool Discrete => false;
    public override int Order => 5;
    public override long StepBudget => MaxSteps;

    /// <summary>
    /// Networks with more parameters than this take Radau IIA's matrix-free (Krylov) path; <see cref="RadauIIA5.DenseLimit"/>
    /// unless a test lowers it to compare both paths on one network. Not part of a campaign (never serialised).
    /// </summary>
    internal int DenseLimit { get; init; } = RadauIIA5.DenseLimit;

    public override ILaneMethod CreateMethod<T>(LinearNetworkProblem problem) => new DormandPrince45<T>(problem, this);

    /// <summary>dp45: the lanes of Dormand–Prince; auto: the same with stiff trajectories handed to Radau IIA; radau5: Radau IIA alone.</summary>
    public override IIntegrator CreateIntegrator<T>(LinearNetworkProblem problem, StopRule stop, InvariantManifold? manifold = null, AnalysisSettings? analysis = null)
    {
        if (Integrator == FlowIntegrator.Radau5) return new ImplicitFlow(problem, this, NewMonitor(problem, stop, manifold, analysis), manifold);
        var driver = (LaneDriver)base.CreateIntegrator<T>(problem, stop, manifold, analysis);
        if (Integrator == FlowIntegrator.Auto)
        {
            var radau = new RadauIIA5(problem, RelTol, AbsTol, TMax, MaxSteps, manifold, DenseLimit);
            driver.HandOff = radau.Continue;
        }
        return driver;
    }
}

/// <summary>Which integrator a gradient flow runs (<c>dynamics.integrator</c>).</summary>
public enum FlowIntegrator { Dp45, Auto, Radau5 }

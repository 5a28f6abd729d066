using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>Gradient flow dW/dt = −∇L by adaptive Dormand–Prince 5(4) with mixed error tolerance atol + rtol·|y|.</summary>
public sealed record GradientFlowSettings(double TMax, double RelTol, double AbsTol) : Dynamics
{
    /// <summary>The flow cannot diverge (Prop. 1): a diverged trajectory is a failure of the integrator.</summary>
    public override bool DivergenceIsNumericalFailure => true;

    public override double Horizon => TMax;
    public override bool Discrete => false;
    public override int Order => 5;

    public override ILaneMethod CreateMethod<T>(LinearNetworkProblem problem) => new DormandPrince45<T>(problem, this);
}

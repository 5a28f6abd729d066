namespace Sweep.Numerics.Integration;

/// <summary>
/// How an integration ended. <see cref="HitTime"/> is null when L − L_min ≤ eps_hit never happened;
/// <see cref="GlobalTime"/> (t_global, the first certified time) is null unless the outcome is <see cref="Outcome.Global"/>;
/// <see cref="Itinerary"/> is null unless the stop rule asked for it and the trajectory did not diverge;
/// <see cref="TailRate"/> likewise, and null when the fit had too few usable points (<see cref="TailRateFit"/>);
/// <see cref="HessianEvaluations"/> counts the exact Hessians an implicit integrator took (0 for explicit methods): dense
/// ones, or on the matrix-free path the Jacobian updates, whose Hessian–vector products <see cref="HessianVectorProducts"/>
/// counts with those of the linear solves.
/// <see cref="StepCondition"/> is what a descent's step-size condition said (<see cref="DescentStepCondition"/>);
/// <see cref="AtLimit"/> is true when the outcome is certified and the gradient test held at the stop, so the stop
/// state stands for the limit (the Hessian is then read there).
/// </summary>
public readonly record struct IntegrationResult(SampleStatus Status, double Time, long Steps, long GradientEvaluations,
    double Loss, double GradientNorm, double? HitTime, Outcome Outcome, double? GlobalTime, Analysis.Itinerary? Itinerary = null,
    double? TailRate = null, long HessianEvaluations = 0, long HessianVectorProducts = 0)
{
    public StepCondition StepCondition { get; init; }
    public bool AtLimit { get; init; }
}


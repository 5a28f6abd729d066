namespace Sweep.Numerics.Integration;

/// <summary>
/// What the step-size condition of a descent's loss certificate (<see cref="DescentStepCondition"/>) said of a
/// trajectory: not checked (a method without a loss certificate, or the loss never fell below a certificate level),
/// held (the loss certificate fired), or failed at every check (the sample could be certified only by convergence).
/// </summary>
public enum StepCondition { NotChecked, Held, Failed }

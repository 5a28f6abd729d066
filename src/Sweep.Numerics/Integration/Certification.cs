namespace Sweep.Numerics.Integration;

/// <summary>How a method may certify the outcome global (docs/math.md, Outcomes and certificates): a trait of the method.</summary>
public enum Certification
{
    /// <summary>By the loss level L &lt; L_2 − δ (the flow at any time; plain descent where its step-size condition holds, <see cref="DescentStepCondition"/>), or by converging at the global label.</summary>
    LossLevel,
    /// <summary>The loss may rise (momentum, Nesterov, Adam, minibatch SGD): only by converging at the global label.</summary>
    ConvergenceOnly,
}

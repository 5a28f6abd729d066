using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Heavy-ball momentum: v ← β v + ∇L(W); W ← W − η v, with v_0 = 0 and 0 ≤ β &lt; 1. β = 0 is <see cref="GradientDescentSettings"/> bit for bit.
/// </summary>
public sealed record MomentumSettings(double LearningRate, double Beta, long MaxIters) : Dynamics
{
    public override double Horizon => MaxIters;
    public override int Order => 1;
    public override bool Stateful => true;
    /// <summary>β = 0 is plain descent bit for bit and keeps its loss certificate (under the same step-size condition); otherwise the loss may rise.</summary>
    public override Certification CertifiesBy(LinearNetworkProblem problem) => Beta == 0 ? Certification.LossLevel : Certification.ConvergenceOnly;
    public override double FixedLearningRate => LearningRate;

    public override ILaneMethod CreateMethod<T>(LinearNetworkProblem problem) => new StatefulDescent<T>(problem, OptimizerKind.Momentum, LearningRate, Beta, 0, 0);
}

/// <summary>
/// Nesterov's accelerated gradient, 0 ≤ β &lt; 1, in the form that iterates the point where the gradient is taken:
/// g = ∇L(W); v ← β v + g; W ← W − η (g + β v), with v_0 = 0. It is the textbook form v ← β v + ∇L(U − η β v);
/// U ← U − η v under the change of variables W = U − η β v (the look-ahead point), with one gradient per
/// iteration; the loss, gradient test and labels are those of W. β = 0 is <see cref="GradientDescentSettings"/> bit for bit.
/// </summary>
public sealed record NesterovSettings(double LearningRate, double Beta, long MaxIters) : Dynamics
{
    public override double Horizon => MaxIters;
    public override int Order => 1;
    public override bool Stateful => true;
    /// <summary>β = 0 is plain descent bit for bit and keeps its loss certificate (under the same step-size condition); otherwise the loss may rise.</summary>
    public override Certification CertifiesBy(LinearNetworkProblem problem) => Beta == 0 ? Certification.LossLevel : Certification.ConvergenceOnly;
    public override double FixedLearningRate => LearningRate;

    public override ILaneMethod CreateMethod<T>(LinearNetworkProblem problem) => new StatefulDescent<T>(problem, OptimizerKind.Nesterov, LearningRate, Beta, 0, 0);
}

/// <summary>
/// Adam (Kingma and Ba) with bias correction, per element, at iteration t = k + 1 from the iterate W_k:
/// m ← β1 m + (1 − β1) g; s ← β2 s + (1 − β2) g·g; m̂ = m / (1 − β1^t); ŝ = s / (1 − β2^t);
/// W ← W − η · (m̂ / (√ŝ + ε)), with m_0 = s_0 = 0 and β^t formed by repeated multiplication (no platform pow).
/// </summary>
public sealed record AdamSettings(double LearningRate, double Beta1, double Beta2, double Epsilon, long MaxIters) : Dynamics
{
    public const double DefaultBeta1 = 0.9, DefaultBeta2 = 0.999, DefaultEpsilon = 1e-8;

    public override double Horizon => MaxIters;
    public override int Order => 1;
    public override bool Stateful => true;
    public override Certification CertifiesBy(LinearNetworkProblem problem) => Certification.ConvergenceOnly;

    public override ILaneMethod CreateMethod<T>(LinearNetworkProblem problem) => new StatefulDescent<T>(problem, OptimizerKind.Adam, LearningRate, Beta1, Beta2, Epsilon);
}

/// <summary>The update rule a <see cref="StatefulDescent{T}"/> applies.</summary>
public enum OptimizerKind { Momentum, Nesterov, Adam }

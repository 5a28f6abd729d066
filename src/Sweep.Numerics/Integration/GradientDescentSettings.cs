using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>Gradient descent W ← W − η∇L; iterations play the role of time.</summary>
public sealed record GradientDescentSettings(double LearningRate, long MaxIters) : Dynamics
{
    public override double Horizon => MaxIters;
    public override int Order => 1;
    public override double FixedLearningRate => LearningRate;

    public override ILaneMethod CreateMethod<T>(LinearNetworkProblem problem) => new GradientDescent<T>(problem, this);
}

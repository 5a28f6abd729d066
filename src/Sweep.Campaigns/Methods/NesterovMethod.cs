using Sweep.Numerics.Integration;

namespace Sweep.Campaigns.Methods;

/// <summary><c>"nesterov"</c>: Nesterov's accelerated gradient (<see cref="NesterovSettings"/>).</summary>
public sealed class NesterovMethod : BetaDescentMethod<NesterovSettings>
{
    public override string Name => "nesterov";
    public override byte WireTag => 4;
    protected override NesterovSettings Create(double learningRate, double beta, long maxIters) => new(learningRate, beta, maxIters);
    protected override (double LearningRate, double Beta, long MaxIters) Parts(NesterovSettings n) => (n.LearningRate, n.Beta, n.MaxIters);
}

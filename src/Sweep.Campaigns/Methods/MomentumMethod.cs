using Sweep.Numerics.Integration;

namespace Sweep.Campaigns.Methods;

/// <summary><c>"momentum"</c>: heavy-ball momentum (<see cref="MomentumSettings"/>).</summary>
public sealed class MomentumMethod : BetaDescentMethod<MomentumSettings>
{
    public override string Name => "momentum";
    public override byte WireTag => 3;
    protected override MomentumSettings Create(double learningRate, double beta, long maxIters) => new(learningRate, beta, maxIters);
    protected override (double LearningRate, double Beta, long MaxIters) Parts(MomentumSettings m) => (m.LearningRate, m.Beta, m.MaxIters);
}

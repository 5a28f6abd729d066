using System.Text.Json.Nodes;
using Sweep.Campaigns.Loading;
using Sweep.Numerics.Integration;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Methods;

/// <summary>A descent with a learning rate, one coefficient β in [0, 1) and max_iters (momentum, Nesterov): the same keys, wire form and label.</summary>
public abstract class BetaDescentMethod<TSettings> : MethodDescriptor<TSettings> where TSettings : Dynamics
{
    public sealed override string[] Keys => ["method", "learning_rate", "beta", "max_iters"];

    protected abstract TSettings Create(double learningRate, double beta, long maxIters);

    protected abstract (double LearningRate, double Beta, long MaxIters) Parts(TSettings settings);

    internal sealed override (TSettings Settings, PointProblem Point) ParseSettings(JsonObject dynamics, PointProblem point) =>
        (Create(ReadNumber(dynamics, "learning_rate", "dynamics", positive: true),
            ReadFraction(dynamics, "beta", "dynamics", null),
            ReadInteger(dynamics, "max_iters", "dynamics", min: 1)), point);

    protected sealed override void WriteSettings(BinaryWriter w, TSettings settings)
    {
        var (learningRate, beta, maxIters) = Parts(settings);
        w.Write(learningRate); w.Write(beta); w.Write(maxIters);
    }

    protected sealed override TSettings ReadSettings(BinaryReader r) => Create(r.ReadDouble(), r.ReadDouble(), r.ReadInt64());

    protected sealed override string LabelOf(TSettings settings, Func<double, string> F)
    {
        var (learningRate, beta, _) = Parts(settings);
        return $"{Name} η={F(learningRate)} β={F(beta)}";
    }
}

using System.Text.Json.Nodes;
using Sweep.Campaigns.Loading;
using Sweep.Numerics.Integration;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Methods;

/// <summary><c>"adam"</c>: Adam with bias correction (<see cref="AdamSettings"/>).</summary>
public sealed class AdamMethod : MethodDescriptor<AdamSettings>
{
    public override string Name => "adam";
    public override string[] Keys => ["method", "learning_rate", "beta1", "beta2", "epsilon", "max_iters"];
    public override byte WireTag => 5;

    internal override (AdamSettings Settings, PointProblem Point) ParseSettings(JsonObject dynamics, PointProblem point) =>
        (new AdamSettings(ReadNumber(dynamics, "learning_rate", "dynamics", positive: true),
            ReadFraction(dynamics, "beta1", "dynamics", AdamSettings.DefaultBeta1),
            ReadFraction(dynamics, "beta2", "dynamics", AdamSettings.DefaultBeta2),
            ReadNumber(dynamics, "epsilon", "dynamics", positive: true, fallback: AdamSettings.DefaultEpsilon),
            ReadInteger(dynamics, "max_iters", "dynamics", min: 1)), point);

    protected override void WriteSettings(BinaryWriter w, AdamSettings a)
    {
        w.Write(a.LearningRate); w.Write(a.Beta1); w.Write(a.Beta2); w.Write(a.Epsilon); w.Write(a.MaxIters);
    }

    protected override AdamSettings ReadSettings(BinaryReader r) => new(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadInt64());

    protected override string LabelOf(AdamSettings a, Func<double, string> F) => $"adam η={F(a.LearningRate)} β1={F(a.Beta1)} β2={F(a.Beta2)}";
}

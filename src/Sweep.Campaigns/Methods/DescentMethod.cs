using System.Text.Json.Nodes;
using Sweep.Campaigns.Loading;
using Sweep.Numerics.Integration;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Methods;

/// <summary><c>"gd"</c>: gradient descent with a fixed learning rate (<see cref="GradientDescentSettings"/>).</summary>
public sealed class DescentMethod : MethodDescriptor<GradientDescentSettings>
{
    public override string Name => "gd";
    public override string[] Keys => ["method", "learning_rate", "max_iters"];
    public override byte WireTag => 2;

    internal override (GradientDescentSettings Settings, PointProblem Point) ParseSettings(JsonObject dynamics, PointProblem point) =>
        (new GradientDescentSettings(ReadNumber(dynamics, "learning_rate", "dynamics", positive: true),
            ReadInteger(dynamics, "max_iters", "dynamics", min: 1)), point);

    protected override void WriteSettings(BinaryWriter w, GradientDescentSettings g)
    {
        w.Write(g.LearningRate); w.Write(g.MaxIters);
    }

    protected override GradientDescentSettings ReadSettings(BinaryReader r) => new(r.ReadDouble(), r.ReadInt64());

    protected override string LabelOf(GradientDescentSettings g, Func<double, string> F) => $"gd η={F(g.LearningRate)}";
}

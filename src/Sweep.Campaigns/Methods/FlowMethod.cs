using System.Text.Json.Nodes;
using Sweep.Campaigns.Loading;
using Sweep.Numerics.Integration;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Methods;

/// <summary><c>"flow"</c>: gradient flow by Dormand–Prince 5(4) (<see cref="GradientFlowSettings"/>).</summary>
public sealed class FlowMethod : MethodDescriptor<GradientFlowSettings>
{
    public override string Name => "flow";
    public override string[] Keys => ["method", "t_max", "rtol", "atol"];
    public override byte WireTag => 1;

    internal override (GradientFlowSettings Settings, PointProblem Point) ParseSettings(JsonObject dynamics, PointProblem point)
    {
        var flow = new GradientFlowSettings(ReadNumber(dynamics, "t_max", "dynamics", positive: true),
            ReadNumber(dynamics, "rtol", "dynamics", positive: true, fallback: 1e-8),
            ReadNumber(dynamics, "atol", "dynamics", positive: true, fallback: 1e-10));
        if (flow.RelTol >= 1) throw Fail("dynamics.rtol", "must be < 1");
        return (flow, point);
    }

    protected override void WriteSettings(BinaryWriter w, GradientFlowSettings f)
    {
        w.Write(f.TMax); w.Write(f.RelTol); w.Write(f.AbsTol);
    }

    protected override GradientFlowSettings ReadSettings(BinaryReader r) => new(r.ReadDouble(), r.ReadDouble(), r.ReadDouble());

    protected override string LabelOf(GradientFlowSettings f, Func<double, string> F) => $"flow t_max={F(f.TMax)}";
}

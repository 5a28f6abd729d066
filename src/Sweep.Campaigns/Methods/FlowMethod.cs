using System.Text.Json.Nodes;
using Sweep.Campaigns.Loading;
using Sweep.Numerics.Integration;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Methods;

/// <summary>
/// <c>"flow"</c>: gradient flow (<see cref="GradientFlowSettings"/>) by <c>integrator</c> <c>auto</c> (the default),
/// <c>dp45</c> or <c>radau5</c> (docs/integrators.md); <c>t_max</c> optional, <c>max_steps</c> the step budget.
/// </summary>
public sealed class FlowMethod : MethodDescriptor<GradientFlowSettings>
{
    /// <summary>The integrators by campaign name.</summary>
    public static readonly IReadOnlyList<(string Name, FlowIntegrator Value)> Integrators =
        [("auto", FlowIntegrator.Auto), ("dp45", FlowIntegrator.Dp45), ("radau5", FlowIntegrator.Radau5)];

    public static string IntegratorName(FlowIntegrator integrator) => Integrators.First(x => x.Value == integrator).Name;

    public override string Name => "flow";
    public override string[] Keys => ["method", "t_max", "rtol", "atol", "integrator", "max_steps"];
    public override byte WireTag => 1;

    /// <summary>Parses with the default integrator <c>auto</c>; the loader replaces it where a campaign is read as it was run before <c>auto</c> existed.</summary>
    internal override (GradientFlowSettings Settings, PointProblem Point) ParseSettings(JsonObject dynamics, PointProblem point)
    {
        var integrator = FlowIntegrator.Auto;
        if (dynamics.ContainsKey("integrator"))
        {
            string named = ReadString(dynamics, "integrator", "dynamics");
            var match = Integrators.FirstOrDefault(x => x.Name == named);
            if (match.Name is null)
                throw Fail("dynamics.integrator", $"must be {string.Join(", ", Integrators.Select(x => $"\"{x.Name}\""))} (got \"{Quote(named)}\")");
            integrator = match.Value;
        }
        // Without a horizon a trajectory runs until its until condition holds or its step budget is spent.
        double tMax = dynamics.ContainsKey("t_max") ? ReadNumber(dynamics, "t_max", "dynamics", positive: true) : double.PositiveInfinity;
        long maxSteps = dynamics.ContainsKey("max_steps") ? ReadInteger(dynamics, "max_steps", "dynamics", min: 1)
            : double.IsFinite(tMax) ? long.MaxValue : GradientFlowSettings.DefaultMaxSteps;
        var flow = new GradientFlowSettings(tMax,
            ReadNumber(dynamics, "rtol", "dynamics", positive: true, fallback: 1e-8),
            ReadNumber(dynamics, "atol", "dynamics", positive: true, fallback: 1e-10), integrator, maxSteps);
        if (flow.RelTol >= 1) throw Fail("dynamics.rtol", "must be < 1");
        return (flow, point);
    }

    private static string Quote(string s) => s.Length <= 40 ? s : s[..40] + "…";

    protected override void WriteSettings(BinaryWriter w, GradientFlowSettings f)
    {
        w.Write(f.TMax); w.Write(f.RelTol); w.Write(f.AbsTol); w.Write((byte)f.Integrator); w.Write(f.MaxSteps);
    }

    protected override GradientFlowSettings ReadSettings(BinaryReader r)
    {
        double tMax = r.ReadDouble(), rtol = r.ReadDouble(), atol = r.ReadDouble();
        byte integrator = r.ReadByte();
        if (!Enum.IsDefined((FlowIntegrator)integrator)) throw new InvalidDataException($"unknown flow integrator {integrator}");
        return new(tMax, rtol, atol, (FlowIntegrator)integrator, r.ReadInt64());
    }

    protected override string LabelOf(GradientFlowSettings f, Func<double, string> F) =>
        $"flow t_max={(double.IsFinite(f.TMax) ? F(f.TMax) : "none")}" + (f.Integrator == FlowIntegrator.Auto ? "" : $" {IntegratorName(f.Integrator)}");
}

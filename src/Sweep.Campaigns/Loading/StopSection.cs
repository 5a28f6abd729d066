using System.Text.Json.Nodes;
using Sweep.Numerics.Integration;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

/// <summary>The <c>stop</c> object (optional): when a trajectory stops, and the thresholds of its claims.</summary>
internal static class StopSection
{
    internal static (Until Until, double GradTol, double EpsHit) Read(JsonObject stop)
    {
        CheckKeys(stop, "stop", ["grad_tol_rel", "eps_hit", "until"]);
        string untilName = stop.ContainsKey("until") ? ReadString(stop, "until", "stop") : "hit";
        Until until = untilName switch
        {
            "certified" => Until.Certified,
            "hit" => Until.Hit,
            "converged" => Until.Converged,
            _ => throw Fail("stop.until", $"must be \"certified\", \"hit\" or \"converged\" (got \"{untilName}\")"),
        };
        double gradTol = ReadNumber(stop, "grad_tol_rel", "stop", positive: true, fallback: 1e-6);
        double epsHit = ReadNumber(stop, "eps_hit", "stop", positive: true, fallback: 1e-3);
        return (until, gradTol, epsHit);
    }
}

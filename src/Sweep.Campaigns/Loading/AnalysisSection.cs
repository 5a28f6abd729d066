using System.Text.Json.Nodes;
using Sweep.Numerics.Analysis;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

internal static class AnalysisSection
{
    /// <summary>The keys of <c>analysis</c> (docs/campaign.md).</summary>
    private static readonly string[] AnalysisKeys = ["hessian", "itinerary", "invariants", "tail_rate", "prop2"];

    /// <summary>
    /// The analyses a point asks for, the optional <c>analysis</c> object: one entry per analysis, each read on its own
    /// (defaults: nothing extra), in the order hessian, invariants, itinerary, tail_rate, prop2.
    /// </summary>
    internal static AnalysisSettings Read(JsonObject top)
    {
        if (!top.ContainsKey("analysis")) return AnalysisSettings.Default;
        var analysis = ReadObject(top, "analysis", "");
        CheckKeys(analysis, "analysis", AnalysisKeys);
        var settings = AnalysisSettings.Default;
        if (analysis.ContainsKey("hessian"))
        {
            string scope = ReadString(analysis, "hessian", "analysis");
            settings = settings with
            {
                Hessian = scope switch
                {
                    "none" => HessianScope.None,
                    "uncertified" => HessianScope.Uncertified,
                    "all" => HessianScope.All,
                    _ => throw Fail("analysis.hessian", $"must be \"none\", \"uncertified\" or \"all\" (got \"{scope}\")"),
                },
            };
        }
        settings = settings with { Invariants = ReadBool(analysis, "invariants", "analysis", fallback: false) };
        settings = settings with { Itinerary = ReadBool(analysis, "itinerary", "analysis", fallback: false) };
        settings = settings with { TailRate = ReadBool(analysis, "tail_rate", "analysis", fallback: false) };
        return settings with { Prop2 = ReadBool(analysis, "prop2", "analysis", fallback: false) };
    }
}

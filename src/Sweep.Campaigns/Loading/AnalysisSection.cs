using System.Text.Json.Nodes;
using Sweep.Numerics.Analysis;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

internal static class AnalysisSection
{
    /// <summary>The keys of <c>analysis</c> (README, Analysis).</summary>
    private static readonly string[] AnalysisKeys = ["hessian", "itinerary", "invariants", "tail_rate"];

    /// <summary>The analyses a point asks for: the <see cref="AnalysisSettings"/> and the monitor's itinerary and tail-rate flags.</summary>
    internal static (AnalysisSettings Settings, bool Itinerary, bool TailRate) Read(JsonObject top)
    {
        var analysis = ReadAnalysis(top);
        bool itinerary = top["analysis"] is JsonObject analysisNode && ReadBool(analysisNode, "itinerary", "analysis", fallback: false);
        bool tailRate = top["analysis"] is JsonObject tailNode && ReadBool(tailNode, "tail_rate", "analysis", fallback: false);
        return (analysis, itinerary, tailRate);
    }

    /// <summary>
    /// The optional <c>analysis</c> object: one entry per analysis, each read on its own (defaults: nothing extra).
    /// </summary>
    private static AnalysisSettings ReadAnalysis(JsonObject top)
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
        return settings with { Invariants = ReadBool(analysis, "invariants", "analysis", fallback: false) };
    }
}

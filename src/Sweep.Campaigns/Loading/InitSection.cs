using System.Text.Json.Nodes;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

/// <summary>
/// The <c>init</c> object: how a sample's initial weights are drawn (kind, scale, per-layer scales, suppressed modes).
/// </summary>
internal static class InitSection
{
    internal static (InitKind Kind, double Scale, double[]? LayerScales, int[] Suppress) Read(JsonObject init, int[] hidden, ProblemData problemData)
    {
        string initKindName = ReadString(init, "kind", "init");
        InitKind initKind = initKindName switch
        {
            "gaussian" => InitKind.Gaussian,
            "orthogonal" => InitKind.Orthogonal,
            "balanced" => InitKind.Balanced,
            _ => throw Fail("init.kind", $"must be \"gaussian\", \"orthogonal\" or \"balanced\" (got \"{initKindName}\")"),
        };
        // Per-layer scales for the families drawn layer by layer with a free radius (gaussian, orthogonal); balanced ties them.
        CheckKeys(init, "init", initKind != InitKind.Balanced ? ["kind", "scale", "suppress_modes", "layer_scales"] : ["kind", "scale", "suppress_modes"], $"for kind \"{initKindName}\"");
        double scale = ReadNumber(init, "scale", "init", positive: true);
        double[]? layerScales = null;
        if (init.ContainsKey("layer_scales"))
        {
            layerScales = ReadNumberList(init, "layer_scales", "init");
            if (layerScales.Length != hidden.Length + 1)
                throw Fail("init.layer_scales", $"needs one scale per weight matrix: {hidden.Length + 1} for {hidden.Length} hidden layer(s) (got {layerScales.Length})");
            for (int i = 0; i < layerScales.Length; i++)
                if (!(layerScales[i] > 0)) throw Fail($"init.layer_scales[{i}]", $"must be > 0 (got {layerScales[i]})");
        }
        var suppress = init.ContainsKey("suppress_modes") ? ReadIntegerList(init, "suppress_modes", "init", min: 0) : [];
        if (suppress.Length > 0 && problemData is not CanonicalProblemData)
            throw Fail("init.suppress_modes", "is only available for canonical problems (the invariant manifold is exact only in the canonical basis)");
        foreach (var m in suppress)
            if (m >= problemData.OutputDim) throw Fail("init.suppress_modes", $"mode {m} does not exist (modes are 0..{problemData.OutputDim - 1})");
        if (suppress.Distinct().Count() != suppress.Length) throw Fail("init.suppress_modes", "lists a mode twice");
        return (initKind, scale, layerScales, suppress);
    }
}

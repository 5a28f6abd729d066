using System.Globalization;
using System.Text.Json.Nodes;
using Sweep.Numerics.Integration;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

internal static class TargetSection
{
    /// <summary><c>"target": {"saddle_upper95": b}</c> or <c>{"ci_halfwidth": h, "of": "outcome:NAME"}</c>; null when absent.</summary>
    internal static SampleTarget? Read(JsonObject top)
    {
        if (!top.ContainsKey("target")) return null;
        var t = ReadObject(top, "target", "");
        CheckKeys(t, "target", ["saddle_upper95", "ci_halfwidth", "of"]);
        bool upper = t.ContainsKey("saddle_upper95"), half = t.ContainsKey("ci_halfwidth");
        if (upper == half) throw Fail("target", "needs exactly one of \"saddle_upper95\" or \"ci_halfwidth\"");
        if (upper)
        {
            if (t.ContainsKey("of")) throw Fail("target.of", "applies only to \"ci_halfwidth\" (saddle_upper95 is about the saddle-basin mass)");
            double b = ReadNumber(t, "saddle_upper95", "target", positive: true);
            if (!(b < 1)) throw Fail("target.saddle_upper95", $"must be in (0, 1) (got {b.ToString(CultureInfo.InvariantCulture)})");
            return new SampleTarget(TargetKind.SaddleUpper95, b);
        }
        double h = ReadNumber(t, "ci_halfwidth", "target", positive: true);
        if (!(h < 0.5)) throw Fail("target.ci_halfwidth", $"must be in (0, 0.5) (got {h.ToString(CultureInfo.InvariantCulture)})");
        string of = ReadString(t, "of", "target");
        var outcome = of switch
        {
            "outcome:global" => Outcome.Global,
            "outcome:saddle" => Outcome.Saddle,
            "outcome:unresolved" => Outcome.Unresolved,
            "outcome:diverged" => Outcome.Diverged,
            _ => throw Fail("target.of", $"must be one of outcome:global, outcome:saddle, outcome:unresolved, outcome:diverged (got \"{of}\")"),
        };
        return new SampleTarget(TargetKind.CiHalfwidth, h, outcome);
    }
}

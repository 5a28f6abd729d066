using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Campaigns;
using Sweep.Results.Output;

namespace Sweep.Reporting;

/// <summary>
/// A point's swept parameters as people read them in a terminal, a web page or a legend: never raw JSON. Keys are
/// shortened to their last segment (`init.scale` → `scale`) unless two swept keys end alike; a swept `dynamics`
/// object is named the way the method figures name it (<see cref="ReportBuilder.MethodText"/>), any other object by
/// its members.
/// </summary>
public static class ParameterLabels
{
    /// <summary>One short label for the point, e.g. `hidden=[4,4] scale=0.1` or `adam η=0.05 β1=0.9 β2=0.999`; "-" for a campaign without a sweep.</summary>
    public static string Short(Campaign campaign, CampaignPoint point)
    {
        if (point.Params.Count == 0) return "-";
        var lastSegments = point.Params.Select(kv => Last(kv.Key)).ToList();
        return string.Join(" ", point.Params.Select(kv =>
        {
            if (kv.Key == "dynamics") return ReportBuilder.MethodText(point.Spec.Dynamics);
            string key = lastSegments.Count(s => s == Last(kv.Key)) > 1 ? kv.Key : Last(kv.Key);
            return kv.Value is JsonObject o ? $"{key}:{Members(o)}" : $"{key}={Value(kv.Value)}";
        }));
    }

    /// <summary>Every swept parameter with its full dotted key, objects flattened into one `key.member=value` per member.</summary>
    public static IReadOnlyList<string> Full(CampaignPoint point) =>
        point.Params.SelectMany(kv => Flatten(kv.Key, kv.Value)).ToList();

    private static IEnumerable<string> Flatten(string key, JsonNode? value) => value is JsonObject o
        ? o.SelectMany(m => Flatten($"{key}.{m.Key}", m.Value))
        : [$"{key}={Value(value)}"];

    private static string Last(string key) => key[(key.LastIndexOf('.') + 1)..];

    // An object's `kind` or `method` names it; its other members follow as key=value.
    private static string Members(JsonObject o)
    {
        var name = o.Where(m => m.Key is "kind" or "method").Select(m => Value(m.Value));
        var rest = o.Where(m => m.Key is not ("kind" or "method")).Select(m => $"{m.Key}={Value(m.Value)}");
        return string.Join(" ", name.Concat(rest));
    }

    private static string Value(JsonNode? v) => v switch
    {
        null => "null",
        JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>(),
        JsonValue n when n.GetValueKind() == JsonValueKind.Number => Display.Short(n.GetValue<double>()),
        JsonArray a => "[" + string.Join(",", a.Select(Value)) + "]",
        JsonObject o => "{" + Members(o) + "}",
        _ => v.ToJsonString(),
    };
}

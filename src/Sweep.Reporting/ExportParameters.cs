using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Campaigns;
using Sweep.Results.Output;

namespace Sweep.Reporting;

/// <summary>
/// The export's typed parameter columns: one per swept key, named `param.KEY`; long where every value is an integer,
/// double where every value is a number, else string (a swept `dynamics` object by its short label, as the method
/// figures name it; any other list or object as compact JSON).
/// </summary>
public static class ExportParameters
{
    public static IReadOnlyList<ParameterColumn> For(Campaign campaign)
    {
        if (campaign.Points.Count == 0 || campaign.Points[0].Params.Count == 0) return [];
        var columns = new List<ParameterColumn>();
        for (int k = 0; k < campaign.Points[0].Params.Count; k++)
        {
            string key = campaign.Points[0].Params[k].Key;
            var nodes = campaign.Points.Select(p => p.Params[k].Value).ToList();
            bool numbers = nodes.All(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number);
            if (numbers && nodes.All(n => long.TryParse(n!.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)))
                columns.Add(new ParameterColumn($"param.{key}", ParameterType.Long, nodes.Select(n => (object)long.Parse(n!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)).ToList()));
            else if (numbers)
                columns.Add(new ParameterColumn($"param.{key}", ParameterType.Double, nodes.Select(n => (object)n!.GetValue<double>()).ToList()));
            else
                columns.Add(new ParameterColumn($"param.{key}", ParameterType.String, campaign.Points.Select(p => (object)Text(p, p.Params[k])).ToList()));
        }
        return columns;
    }

    /// <summary>The Parquet file's key-value metadata: the campaign's hash and JSON, and the provenance of the store.</summary>
    public static Dictionary<string, string> Metadata(Campaign campaign, string? provenance) => new()
    {
        ["sweep.campaign_hash"] = campaign.Hash,
        ["sweep.campaign"] = campaign.NormalizedJson,
        ["sweep.provenance"] = provenance ?? "null",
    };

    private static string Text(CampaignPoint point, KeyValuePair<string, JsonNode?> kv) => kv.Value switch
    {
        _ when kv.Key == "dynamics" => ReportBuilder.MethodText(point.Spec.Dynamics),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        null => "null",
        var n => n.ToJsonString(),
    };
}

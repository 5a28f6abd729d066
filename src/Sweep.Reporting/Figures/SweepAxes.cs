using System.Globalization;
using System.Text.Json;
using Sweep.Campaigns;

namespace Sweep.Reporting.Figures;

/// <summary>Points that share the values of every swept key but one: one panel of the figures against that key.</summary>
internal sealed record PointGroup(string Context, IReadOnlyList<int> Points);

/// <summary>One swept key: how its values sit on an x axis, and the panels (groups) drawn against it.</summary>
internal sealed record SweepAxis(string Key, string Slug, bool Numeric, IReadOnlyList<PointGroup> Groups, Func<int, double> X, IReadOnlyList<(double, string)> Ticks, bool LogX = false);

internal static class SweepAxes
{
    /// <summary>One axis per swept key; the points sharing the values of all other keys form a group (one panel each).</summary>
    internal static List<SweepAxis> Of(Campaign campaign)
    {
        var points = campaign.Points;
        var keys = points[0].Params.Select(p => p.Key).ToList();
        if (keys.Count == 0)
            return [new SweepAxis("point", "point", false, [new PointGroup("", [0])], _ => 0, [(0, "point 0")])];
        var axes = new List<SweepAxis>();
        foreach (var key in keys)
        {
            string Value(int p) => points[p].Params.First(kv => kv.Key == key).Value?.ToJsonString() ?? "null";
            var distinct = points.Select(p => Value(p.Index)).Distinct().ToList();
            bool numeric = points.All(p => points[p.Index].Params.First(kv => kv.Key == key).Value?.GetValueKind() == JsonValueKind.Number);
            double Raw(int p) => points[p].Params.First(kv => kv.Key == key).Value!.GetValue<double>();
            // Geometric sweeps (all positive, spanning ≥ 4×: the quick start's 0.05 and 0.2) read best on a log axis,
            // ticked at the swept values.
            bool logX = numeric && points.All(p => Raw(p.Index) > 0) && points.Max(p => Raw(p.Index)) >= 4 * points.Min(p => Raw(p.Index));
            Func<int, double> x = !numeric ? p => distinct.IndexOf(Value(p)) : logX ? p => Math.Log10(Raw(p)) : Raw;
            // Categories are named as people read them (a dynamics object by its method, a string without quotes).
            string Category(string value)
            {
                var point = points.First(p => Value(p.Index) == value);
                var node = point.Params.First(kv => kv.Key == key).Value;
                return key == "dynamics" ? ReportBuilder.MethodText(point.Spec.Dynamics)
                    : node is System.Text.Json.Nodes.JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value;
            }
            var ticks = !numeric ? distinct.Select((v, i) => ((double)i, Category(v))).ToList()
                : logX ? points.Select(p => Raw(p.Index)).Distinct().Select(v => (Math.Log10(v), Sweep.Results.Output.Display.Short(v))).ToList()
                : new List<(double, string)>();
            var groups = points.GroupBy(p => string.Join(", ", p.Params.Where(kv => kv.Key != key).Select(kv => $"{kv.Key} = {kv.Value?.ToJsonString()}")))
                .Select(g => new PointGroup(g.Key.Length == 0 ? "" : $" ({g.Key})", g.Select(p => p.Index).OrderBy(x).ToList()))
                .ToList();
            string slug = new string(key.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
            axes.Add(new SweepAxis(key, slug, numeric, groups, x, ticks, logX));
        }
        return axes;
    }
}

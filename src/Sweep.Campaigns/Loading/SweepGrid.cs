using System.Text.Json.Nodes;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

/// <summary>
/// The <c>sweep</c> object: dotted paths into the campaign, each with a list of values; their product is the grid of
/// points, the last axis varying fastest.
/// </summary>
internal static class SweepGrid
{
    private static readonly string[] Unsweepable = ["name", "seed", "samples", "shard_size", "sweep", "target", "max_samples", "storage"];

    internal sealed record Axis(string Path, IReadOnlyList<JsonNode?> Values);

    internal static List<Axis> Read(JsonObject top)
    {
        var axes = new List<Axis>();
        if (!top.TryGetPropertyValue("sweep", out var sweep) || sweep is null) return axes;
        if (sweep is not JsonObject obj) throw Fail("sweep", "must be an object mapping dotted paths to lists of values");
        foreach (var (key, value) in obj)
        {
            string field = $"sweep.{key}";
            if (key.Length == 0 || Unsweepable.Contains(key.Split('.')[0]))
                throw Fail(field, $"'{key}' cannot be swept");
            if (value is not JsonArray arr || arr.Count == 0) throw Fail(field, "must be a non-empty list of values");
            if (!PathExistsOrParentDoes(top, key)) throw Fail(field, $"'{key}' is not a path into the campaign");
            axes.Add(new Axis(key, arr.ToList()));
        }
        return axes;
    }

    /// <summary>Point <paramref name="index"/> of the grid: the campaign with each axis's value put in place, and the values chosen.</summary>
    internal static (JsonObject Node, List<KeyValuePair<string, JsonNode?>> Chosen) Point(JsonObject top, IReadOnlyList<Axis> axes, int index)
    {
        var node = (JsonObject)top.DeepClone();
        node.Remove("sweep");
        var chosen = new List<KeyValuePair<string, JsonNode?>>();
        int rest = index;
        var picks = new int[axes.Count];
        for (int a = axes.Count - 1; a >= 0; a--) { picks[a] = rest % axes[a].Values.Count; rest /= axes[a].Values.Count; }
        for (int a = 0; a < axes.Count; a++)
        {
            var value = axes[a].Values[picks[a]]?.DeepClone();
            Assign(node, axes[a].Path, value);
            chosen.Add(new(axes[a].Path, value?.DeepClone()));
        }
        return (node, chosen);
    }

    private static bool PathExistsOrParentDoes(JsonObject top, string path)
    {
        var parts = path.Split('.');
        JsonNode? node = top;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(parts[i], out node)) return false;
        }
        return node is JsonObject;
    }

    private static void Assign(JsonObject node, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        JsonObject current = node;
        for (int i = 0; i < parts.Length - 1; i++) current = (JsonObject)current[parts[i]]!;
        current[parts[^1]] = value;
    }
}

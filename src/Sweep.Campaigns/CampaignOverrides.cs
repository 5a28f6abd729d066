using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sweep.Campaigns;

/// <summary>
/// `--set key=value` on `run` and `coordinator` (as Hydra's overrides): a dotted path into the campaign JSON (an
/// array element by its index, `sweep.0.values`) and a value read as JSON, else taken as a string. Applied in order to
/// the campaign before it is validated, so a bad value is refused by the field's own check; the campaign stored is the
/// overridden one.
/// </summary>
public static class CampaignOverrides
{
    /// <summary>Applies each <c>key=value</c> to <paramref name="top"/>; <see cref="UserError"/> naming it when it cannot.</summary>
    public static void Apply(JsonObject top, IReadOnlyList<string> sets)
    {
        foreach (var set in sets)
        {
            int eq = set.IndexOf('=');
            string shown = UserError.Printable(set.Length > 200 ? set[..200] + "…" : set);
            if (eq <= 0) throw new UserError($"--set '{shown}': expected key=value, a dotted path into the campaign (as init.scale=0.1)");
            string path = set[..eq], text = set[(eq + 1)..];
            var keys = path.Split('.');
            if (keys.Any(k => k.Length == 0)) throw new UserError($"--set '{shown}': the path '{UserError.Printable(path)}' has an empty key");
            JsonNode value = ParseValue(text);
            // A sweep's keys are themselves dotted paths: `sweep.init.scale=[0.1,0.2]` sets the list of "init.scale".
            if (keys[0] == "sweep" && keys.Length > 1)
            {
                if (top["sweep"] is null) top["sweep"] = new JsonObject();
                if (top["sweep"] is not JsonObject grid) throw new UserError("sweep", $"--set {UserError.Printable(path)}: 'sweep' is {Kind(top["sweep"]!)}, not an object");
                grid[string.Join('.', keys[1..])] = value;
                continue;
            }
            JsonNode node = top;
            for (int i = 0; i < keys.Length; i++)
            {
                string key = keys[i], where = string.Join('.', keys[..(i + 1)]);
                bool last = i == keys.Length - 1;
                switch (node)
                {
                    case JsonObject obj:
                        if (last) { obj[key] = value; break; }
                        if (obj[key] is null) obj[key] = new JsonObject();
                        node = obj[key]!;
                        break;
                    case JsonArray array when int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int at):
                        if (at >= array.Count)
                            throw new UserError(UserError.Printable(where), $"--set: index {at} is beyond the list's {array.Count} element(s)");
                        if (last) { array[at] = value; break; }
                        if (array[at] is null) array[at] = new JsonObject();
                        node = array[at]!;
                        break;
                    default:
                        string parent = string.Join('.', keys[..i]);
                        throw new UserError(UserError.Printable(parent), $"--set {UserError.Printable(path)}: '{UserError.Printable(parent)}' is {Kind(node)}, not an object{(node is JsonArray ? " (index a list by number)" : "")}");
                }
            }
        }
    }

    /// <summary>JSON when the text is JSON (numbers, true/false, null, quoted strings, lists, objects), else the text itself.</summary>
    private static JsonNode ParseValue(string text)
    {
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
            if (node is not null) return node;
        }
        catch (JsonException) { }
        return JsonValue.Create(text);
    }

    private static string Kind(JsonNode node) => node switch
    {
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        },
        _ => "an object",
    };
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sweep.Campaigns.Loading;

/// <summary>
/// The typed readers every section uses: each names the field it refuses (<c>parent.key</c>), so an error points into
/// the campaign file.
/// </summary>
internal static class JsonFields
{
    internal static UserError Fail(string field, string message) => new(field, message);

    // A key comes from the file: echoed short and printable (an unknown key may be megabytes long).
    internal static string Path(string parent, string key) => parent.Length == 0 ? BoundedInput.Quote(key) : $"{parent}.{BoundedInput.Quote(key)}";

    internal static void CheckKeys(JsonObject obj, string parent, string[] allowed, string qualifier = "")
    {
        foreach (var (key, _) in obj)
            if (!allowed.Contains(key))
            {
                string hint = Suggestion.Nearest(key, allowed) is { } near ? $" (did you mean \"{near}\"?)" : $" (allowed: {string.Join(", ", allowed)})";
                throw Fail(Path(parent, key), $"unknown key{(qualifier.Length > 0 ? " " + qualifier : "")}{hint}");
            }
    }

    internal static JsonNode Required(JsonObject obj, string key, string parent) =>
        obj.TryGetPropertyValue(key, out var v) && v is not null ? v : throw Fail(Path(parent, key), "is required");

    internal static JsonObject ReadObject(JsonObject obj, string key, string parent) =>
        Required(obj, key, parent) as JsonObject ?? throw Fail(Path(parent, key), "must be an object");

    internal static string ReadString(JsonObject obj, string key, string parent, string? fallback = null)
    {
        if (!obj.ContainsKey(key) && fallback is not null) return fallback;
        var v = Required(obj, key, parent);
        return v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>() : throw Fail(Path(parent, key), $"must be a string (got {Describe(v)})");
    }

    internal static bool ReadBool(JsonObject obj, string key, string parent, bool fallback)
    {
        if (!obj.ContainsKey(key)) return fallback;
        var v = Required(obj, key, parent);
        return v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail(Path(parent, key), $"must be true or false (got {Describe(v)})"),
        };
    }

    internal static double ReadNumber(JsonObject obj, string key, string parent, bool positive, double? fallback = null)
    {
        if (!obj.ContainsKey(key) && fallback is not null) return fallback.Value;
        var v = Required(obj, key, parent);
        double x = AsNumber(v, Path(parent, key));
        if (positive && !(x > 0)) throw Fail(Path(parent, key), $"must be > 0 (got {x.ToString(CultureInfo.InvariantCulture)})");
        return x;
    }

    internal static double AsNumber(JsonNode v, string field)
    {
        if (v.GetValueKind() != JsonValueKind.Number) throw Fail(field, $"must be a number (got {Describe(v)})");
        double x = v.GetValue<double>();
        if (!double.IsFinite(x)) throw Fail(field, "must be a finite number");
        return x;
    }

    internal static long ReadInteger(JsonObject obj, string key, string parent, long min, long? fallback = null, long max = long.MaxValue)
    {
        if (!obj.ContainsKey(key) && fallback is not null) return fallback.Value;
        var v = Required(obj, key, parent);
        long n = AsInteger(v, Path(parent, key));
        if (n < min) throw Fail(Path(parent, key), min == 1 ? $"must be a positive integer (got {n})" : $"must be ≥ {min} (got {n})");
        if (n > max) throw Fail(Path(parent, key), $"must be ≤ {max} (got {n})");
        return n;
    }

    /// <summary>A number in [0, 1): a momentum or moment-decay coefficient.</summary>
    internal static double ReadFraction(JsonObject obj, string key, string parent, double? fallback)
    {
        double x = ReadNumber(obj, key, parent, positive: false, fallback);
        if (!(x >= 0 && x < 1)) throw Fail(Path(parent, key), $"must be in [0, 1) (got {x.ToString(CultureInfo.InvariantCulture)})");
        return x;
    }

    internal static long AsInteger(JsonNode v, string field)
    {
        if (v.GetValueKind() != JsonValueKind.Number) throw Fail(field, $"must be an integer (got {Describe(v)})");
        var e = v.GetValue<JsonElement>();
        if (e.TryGetInt64(out var n)) return n;
        if (e.TryGetDouble(out var d) && Math.Floor(d) == d && Math.Abs(d) < 9e15) return (long)d;
        throw Fail(field, $"must be an integer (got {BoundedInput.Quote(e.GetRawText())})");
    }

    internal static double[] ReadNumberList(JsonObject obj, string key, string parent)
    {
        var v = Required(obj, key, parent);
        if (v is not JsonArray arr) throw Fail(Path(parent, key), $"must be a list of numbers (got {Describe(v)})");
        return arr.Select((x, i) => x is null ? throw Fail($"{Path(parent, key)}[{i}]", "must be a number (got null)") : AsNumber(x, $"{Path(parent, key)}[{i}]")).ToArray();
    }

    internal static int[] ReadIntegerList(JsonObject obj, string key, string parent, int min)
    {
        var v = Required(obj, key, parent);
        if (v is not JsonArray arr) throw Fail(Path(parent, key), $"must be a list of integers (got {Describe(v)})");
        return arr.Select((x, i) =>
        {
            string f = $"{Path(parent, key)}[{i}]";
            if (x is null) throw Fail(f, "must be an integer (got null)");
            long n = AsInteger(x, f);
            if (n < min || n > 1_000_000) throw Fail(f, min == 1 ? $"must be a positive integer (got {n})" : $"must be ≥ {min} (got {n})");
            return (int)n;
        }).ToArray();
    }

    internal static string Describe(JsonNode v) => v.GetValueKind() switch
    {
        JsonValueKind.String => $"the string {BoundedInput.Quote(v.ToJsonString())}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => BoundedInput.Quote(v.ToJsonString()),
    };

    internal static void CheckDuplicateKeys(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    string name;
                    try { name = p.Name; }
                    catch (InvalidOperationException) { throw Fail(path, LoneSurrogate("holds a key that")); }
                    string field = Path(path, name);
                    if (!seen.Add(name)) throw Fail(field, "appears twice in the same object (each key may be given once)");
                    CheckDuplicateKeys(p.Value, field);
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in e.EnumerateArray()) CheckDuplicateKeys(item, $"{path}[{i++}]");
                break;
            case JsonValueKind.String:
                // Strict JSON parsers accept an escaped lone surrogate ("\ud800"), which is no text: refuse it here, by field,
                // before any reader meets it (reading it as a string throws).
                try { e.GetString(); }
                catch (InvalidOperationException) { throw Fail(path, LoneSurrogate("is a string that")); }
                break;
        }
    }

    private static string LoneSurrogate(string what) => $"{what} holds a lone UTF-16 surrogate escape (\\uD800–\\uDFFF), which is not text";
}

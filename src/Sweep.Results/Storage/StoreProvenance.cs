using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Results.Output;

namespace Sweep.Results.Storage;

/// <summary>
/// The builds that touched a campaign, in its store's metadata: <c>provenance</c> is the build that created it,
/// <c>builds</c> every build that ran it since, in order (a new entry whenever the version changes).
/// </summary>
public static class StoreProvenance
{
    public const string CreatedKey = "provenance", BuildsKey = "builds";

    /// <summary>
    /// Records this process's build on a store opened to run its campaign; returns a warning when the previous run was
    /// another build (samples of both are then mixed in one campaign), else null.
    /// </summary>
    public static string? Record(CampaignStore store, Provenance current)
    {
        var (created, builds) = Read(store);
        if (created is null) store.SetMeta(CreatedKey, current.ToJsonString());
        var last = builds.LastOrDefault() ?? created;
        string? warning = last is not null && last.Version != current.Version
            ? $"this campaign was last run by sweep {last.Version}; this is sweep {current.Version}: its results will mix samples of both builds"
            : null;
        if (builds.Count == 0 || builds[^1].Version != current.Version)
        {
            var list = new JsonArray(builds.Append(current).Select(b => (JsonNode)b.ToJson()).ToArray());
            store.SetMeta(BuildsKey, list.ToJsonString());
        }
        return warning;
    }

    /// <summary>
    /// What `status` says of the builds: the creating one in full, then every other build, grouped by platform (runtime,
    /// OS, CPU, SIMD width) in the order first seen, one line per platform, each build by its version with the commit
    /// cut to 7 hex digits. A campaign resumed by many builds on one machine is one line instead of one each.
    /// </summary>
    public static IEnumerable<string> Lines(Provenance? created, IReadOnlyList<Provenance> builds)
    {
        if (created is not null) yield return $"created by {created}";
        var others = builds.Where(b => created is null || b.Version != created.Version).ToList();
        foreach (var platform in others.GroupBy(Platform))
        {
            var versions = string.Join(", ", platform.Select(b => Short(b.Version)).Distinct());
            yield return created is not null && Platform(created) == platform.Key
                ? $"also run by sweep {versions} (on the same platform)"
                : $"also run by sweep {versions} on {platform.Key}";
        }
    }

    private static string Platform(Provenance p) => p.ToString()[$"sweep {p.Version} on ".Length..];

    // 1.0.0+<40 hex digits>[.dirty] → 1.0.0+<7>[.dirty]; anything else as it is.
    private static string Short(string version)
    {
        int plus = version.IndexOf('+');
        if (plus < 0) return version;
        string commit = version[(plus + 1)..], suffix = "";
        if (commit.IndexOf('.') is var dot and >= 0) (commit, suffix) = (commit[..dot], commit[dot..]);
        return commit.Length > 7 && commit.All(char.IsAsciiHexDigit) ? $"{version[..(plus + 1)]}{commit[..7]}{suffix}" : version;
    }

    /// <summary>The creating build and the list of builds; null and empty for stores older than provenance.</summary>
    public static (Provenance? Created, List<Provenance> Builds) Read(CampaignStore store)
    {
        var created = Provenance.Parse(store.TryGetMeta(CreatedKey));
        var builds = new List<Provenance>();
        try
        {
            if (store.TryGetMeta(BuildsKey) is { } json && JsonNode.Parse(json) is JsonArray array)
                foreach (var item in array)
                    if (item is not null && Provenance.Parse(item.ToJsonString()) is { } p) builds.Add(p);
        }
        catch (JsonException) { }
        return (created, builds);
    }
}

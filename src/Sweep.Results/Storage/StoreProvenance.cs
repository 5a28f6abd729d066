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
    /// The campaign's numerics: the first fingerprint a build stated on it, in a key of its own, which builds older than
    /// fingerprints leave alone (they rewrite <see cref="BuildsKey"/> without the fingerprints in it).
    /// </summary>
    public const string NumericsKey = "numerics";

    /// <summary>The numerics this store's samples are computed with: its own key, else the newest build that stated them; null: none stated.</summary>
    public static string? CampaignNumerics(CampaignStore store)
    {
        if (store.TryGetMeta(NumericsKey) is { Length: > 0 } numerics) return numerics;
        var (created, builds) = Read(store);
        return builds.Prepend(created).LastOrDefault(b => b?.Numerics is not null)?.Numerics;
    }

    /// <summary>
    /// Refuses (<see cref="Campaigns.UserError"/>) a run by <paramref name="current"/> of a store whose samples were
    /// computed with other numerics (<see cref="CampaignNumerics"/>): a campaign must not mix two arithmetics. Reads only,
    /// so it can run on a read-only connection before the resume opens the store for writing.
    /// </summary>
    public static void RefuseOtherNumerics(CampaignStore store, Provenance current, string path)
    {
        if (current.Numerics is null || CampaignNumerics(store) is not { } numerics || numerics == current.Numerics) return;
        var (created, builds) = Read(store);
        var stated = builds.Prepend(created).LastOrDefault(b => b?.Numerics == numerics);
        string by = stated is null ? "" : $" by sweep {stated.Version}";
        throw new Campaigns.UserError(
            $"the campaign in '{path}' was computed{by} with numerics {numerics}; this build (sweep {current.Version}) computes "
            + $"{current.Numerics}, so its samples would differ in their bits and the campaign would mix two arithmetics. The store is left untouched: "
            + $"resume it with {(stated is null ? "a build of those numerics" : $"sweep {stated.Version}")}, or run into a new --out directory.");
    }

    /// <summary>
    /// Records this process's build on a store opened to run its campaign (a new entry when the version or the numerics
    /// change); returns a warning when the previous run was another build whose numerics are not known to match, else null.
    /// </summary>
    public static string? Record(CampaignStore store, Provenance current)
    {
        var (created, builds) = Read(store);
        if (created is null) store.SetMeta(CreatedKey, current.ToJsonString());
        if (current.Numerics is not null && store.TryGetMeta(NumericsKey) is null) store.SetMeta(NumericsKey, CampaignNumerics(store) ?? current.Numerics);
        var last = builds.LastOrDefault() ?? created;
        bool sameNumerics = last?.Numerics is not null && last.Numerics == current.Numerics;
        string? warning = last is not null && last.Version != current.Version && !sameNumerics
            ? $"this campaign was last run by sweep {last.Version}"
              + (last.Numerics is null ? ", which predates numerics fingerprints" : $" (numerics {last.Numerics})")
              + $"; this is sweep {current.Version}{(current.Numerics is null ? ", whose numerics were not measured" : "")}: "
              + "its results mix samples of both builds, which are the same only if their numerics are"
            : null;
        if (builds.Count == 0 || builds[^1].Version != current.Version || builds[^1].Numerics != current.Numerics)
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
    public static IEnumerable<string> Lines(Provenance? created, IReadOnlyList<Provenance> builds, string? numerics = null)
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
        var all = builds.Prepend(created).OfType<Provenance>().ToList();
        numerics ??= all.LastOrDefault(b => b.Numerics is not null)?.Numerics;
        if (numerics is not null)
        {
            int unstated = all.Where(b => b.Numerics is null).Select(b => b.Version).Distinct().Count();
            yield return $"numerics {numerics}" + (unstated > 0 ? $" (not stated by {unstated} older build{(unstated == 1 ? "" : "s")})" : "");
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

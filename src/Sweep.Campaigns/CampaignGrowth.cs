using System.Globalization;
using Sweep.Numerics.Integration;

namespace Sweep.Campaigns;

/// <summary>One growable key's change: its name and its value before and after, as a person reads them.</summary>
public sealed record CampaignChange(string Key, string Before, string After)
{
    public override string ToString() => $"{Key} {Before} → {After}";
}

/// <summary>
/// A campaign grown into the one being run: the hash to record (the new campaign's, or its legacy hash where the store
/// was written before the flow integrator <c>auto</c> existed), the new shard plan and the keys that changed.
/// </summary>
public sealed record Growth(string Hash, ShardPlan Plan, IReadOnlyList<CampaignChange> Changes)
{
    /// <summary>One line: <c>samples 200 → 400</c>, several joined by "; ".</summary>
    public string Describe() => Changes.Count == 0 ? "no growable value changed (only how the file writes them)" : string.Join("; ", Changes);
}

/// <summary>
/// Campaigns that grow (docs/campaign.md, "Growing a campaign"). Every sample is reproducible from (seed, point,
/// sample), so a store can be extended by a campaign that differs from its own only in how many samples it asks for:
/// the same growth identity (<see cref="Campaign.GrowthHash"/>: the identity without <see cref="GrowableKeys"/>) and
/// every change a growth:
/// <list type="bullet">
/// <item><c>samples</c> (the first batch, with a target) is not lowered: no point stops before the samples the stored
/// campaign gave it;</item>
/// <item>the plan is not shrunk (<c>max_samples</c> with a target, <c>samples</c> without): every stored sample stays
/// in the plan, so no output would have to forget one;</item>
/// <item>a target is added, kept, or made stricter: the same kind (and outcome), a bound no larger. A target may be
/// dropped when the plan still covers the stored budget (then every point gets every sample the stored campaign could
/// have used).</item>
/// </list>
/// Anything else that keeps the growth identity (a lower value, a looser target, another kind of target) is refused
/// naming the key and both values. Pure (the stored campaign is parsed again, reading its data files).
/// </summary>
public static class CampaignGrowth
{
    /// <summary>The keys outside the growth identity.</summary>
    public static readonly IReadOnlyList<string> GrowableKeys = ["samples", "max_samples", "target"];

    /// <summary>
    /// The growth from the campaign a store holds to <paramref name="next"/>; null when they are different campaigns
    /// (another growth identity, or the stored campaign no longer yields its own hash: its data changed, or another
    /// build hashed it); <see cref="UserError"/> naming the key when they differ in growable keys but not by a growth.
    /// </summary>
    /// <param name="storedJson">The stored campaign (normalised JSON) and the hash the store holds.</param>
    /// <param name="storedBaseDirectory">Where the stored campaign's data files are read from.</param>
    /// <param name="nextBaseDirectory">Where <paramref name="next"/>'s data files were read from.</param>
    public static Growth? Between(string storedJson, string storedHash, string storedBaseDirectory, Campaign next, string nextBaseDirectory)
    {
        Campaign stored;
        try
        {
            stored = CampaignLoader.Parse(storedJson, storedBaseDirectory);
            // A store written before `auto` was run by dp45: compare (and record) both as read by dp45.
            if (stored.LegacyHash is { } legacy && legacy == storedHash)
            {
                stored = CampaignLoader.Parse(storedJson, storedBaseDirectory, FlowIntegrator.Dp45);
                next = CampaignLoader.Parse(next.NormalizedJson, nextBaseDirectory, FlowIntegrator.Dp45);
            }
        }
        catch (UserError) { return null; }
        if (stored.Hash != storedHash || stored.GrowthHash != next.GrowthHash) return null;
        return new Growth(next.Hash, next.Plan(), Changes(stored, next));
    }

    /// <summary>The changes from <paramref name="stored"/> to <paramref name="next"/> (same growth identity); refused unless each is a growth.</summary>
    public static IReadOnlyList<CampaignChange> Changes(Campaign stored, Campaign next)
    {
        var changes = new List<CampaignChange>();
        const string Advice = "a campaign only grows (more samples, a larger max_samples, a stricter target); run it into a new --out directory instead";
        if (next.Samples < stored.Samples)
            throw new UserError("samples", $"{next.Samples} is lower than the {stored.Samples} this folder's campaign asks for{(next.Target is null ? "" : " (with a target, samples is the first batch)")}; {Advice}");
        if (next.Samples != stored.Samples) changes.Add(new("samples", N(stored.Samples), N(next.Samples)));
        if (next.PlannedSamples < stored.PlannedSamples)
        {
            // The budget shrinks: samples already stored would fall outside the plan.
            string key = next.Target is null ? "samples" : "max_samples";
            string before = stored.Target is null ? $"{N(stored.PlannedSamples)} (samples)" : $"{N(stored.PlannedSamples)} (max_samples)";
            throw new UserError(key, $"{N(next.PlannedSamples)} samples per point is fewer than the {before} this folder's campaign may have stored{(stored.Target is not null && next.Target is null ? "; without a target every point gets exactly samples, so dropping the target needs samples ≥ the stored max_samples" : "")}; {Advice}");
        }
        if (stored.Target is not null || next.Target is not null)
        {
            string before = stored.Target is null ? "none" : N(stored.MaxSamples), after = next.Target is null ? "none" : N(next.MaxSamples);
            if (before != after) changes.Add(new("max_samples", before, after));
        }
        switch (stored.Target, next.Target)
        {
            case (null, null): break;
            case (null, { } added): changes.Add(new("target", "none", Show(added))); break;
            case ({ } dropped, null): changes.Add(new("target", Show(dropped), $"none (every point gets {N(next.Samples)} samples)")); break;
            case ({ } before, { } after):
                if (before.Kind != after.Kind || before.Of != after.Of)
                    throw new UserError("target", $"{Show(after)} is another target than {Show(before)} this folder's campaign has; only a stricter bound of the same target is a growth; {Advice}");
                if (after.Bound > before.Bound)
                    throw new UserError(Key(after), $"{R(after.Bound)} is looser than the {R(before.Bound)} this folder's campaign has; {Advice}");
                if (after.Bound != before.Bound) changes.Add(new(Key(after), R(before.Bound), R(after.Bound)));
                break;
        }
        return changes;
    }

    private static string Key(SampleTarget t) => t.Kind == TargetKind.SaddleUpper95 ? "target.saddle_upper95" : "target.ci_halfwidth";

    /// <summary>A target as the campaign file writes it.</summary>
    private static string Show(SampleTarget t) => t.Kind == TargetKind.SaddleUpper95
        ? $"{{\"saddle_upper95\": {R(t.Bound)}}}"
        : $"{{\"ci_halfwidth\": {R(t.Bound)}, \"of\": \"outcome:{t.Of!.Value.ToString().ToLowerInvariant()}\"}}";

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

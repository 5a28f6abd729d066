using System.Text.Json;
using System.Text.Json.Serialization;
using Sweep.Campaigns;
using Sweep.Results.Statistics;

namespace Sweep.Reporting.Figures;

/// <summary>The numbers behind the survival and escape-exponent figures (report/laws.json; docs/laws.md).</summary>
public static class LawsTable
{
    /// <summary>The scaling laws are about small initialisations: fits use init.scale ≤ this when at least two points qualify, else every scale.</summary>
    public const double FitMaxScale = 0.1;

    public sealed record PointLaws(int Point, string Params, long Samples, double? CertifiedUntil, double? SurvivalAtEnd,
        MedianInterval.Estimate? MedianEscape, MedianInterval.Estimate? MedianGlobal, HillEstimator.Estimate? HillGlobal, HillEstimator.Estimate? HillEscape)
    {
        /// <summary>The Hill estimate of t_global from the top 1% (<see cref="HillEstimator.DeepTailK"/>), where n ≥ 10⁵; else null (not written).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public HillEstimator.Estimate? HillGlobalDeep { get; init; }

        /// <summary>Where the times come from when not from every sample's record (aggregate storage): said in laws.json; else null (not written).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Times { get; init; }
    }

    /// <summary>What laws.json says of a point whose laws come from its merged statistics.</summary>
    public const string BinnedTimes = "t_global from the point's merged statistics (aggregate storage): log bins of relative width 1e-3 with exact counts (docs/laws.md, From binned times); no first-escape times (itineraries are not stored)";

    public sealed record GroupLaws(string Group, double[] FitScales, PowerLawFit.Fit? Escape, PowerLawFit.Fit? Global);

    public static PointLaws Point(CampaignPoint p, LawSamples s)
    {
        var g = s.Global(p.Index).ToList();
        var e = s.Escape(p.Index).ToList();
        var (steps, until) = SurvivalCurve.Compute(g);
        return new(p.Index, ParamText(p), g.Count,
            double.IsFinite(until) ? until : null, steps.Count > 0 ? steps[^1].Share : null,
            e.Count > 0 ? MedianInterval.Compute(e) : null, MedianInterval.Compute(g), HillEstimator.Compute(g), e.Count > 0 ? HillEstimator.Compute(e) : null)
        {
            // Never with the capped law samples (n ≤ 65 536); the same rule as the binned laws.
            HillGlobalDeep = g.Count >= HillEstimator.DeepTailMinimum ? HillEstimator.Compute(g, HillEstimator.DeepTailK(g.Count)) : null,
        };
    }

    /// <summary>
    /// The laws of a point from its merged statistics (<see cref="PointStatistics.GlobalEventTimes"/>): t_global only
    /// (first-escape times need itineraries, which aggregate statistics do not keep).
    /// </summary>
    public static PointLaws Point(CampaignPoint p, BinnedEventTimes? g)
    {
        string param = ParamText(p);
        if (g is null) return new(p.Index, param, 0, null, null, null, null, null, null) { Times = BinnedTimes };
        var (steps, until) = SurvivalCurve.Compute(g);
        return new(p.Index, param, g.N, double.IsFinite(until) ? until : null, steps.Count > 0 ? steps[^1].Share : null,
            null, MedianInterval.Compute(g), HillEstimator.Compute(g), null)
        {
            HillGlobalDeep = g.N >= HillEstimator.DeepTailMinimum ? HillEstimator.Compute(g, HillEstimator.DeepTailK(g.N)) : null,
            Times = BinnedTimes,
        };
    }

    private static string ParamText(CampaignPoint p) => string.Join(", ", p.Params.Select(kv => $"{kv.Key} = {kv.Value?.ToJsonString()}"));

    public static List<GroupLaws> Groups(Campaign campaign, IReadOnlyList<PointLaws> laws) =>
        LawSamples.ScaleGroups(campaign).Select(group =>
        {
            var pts = group.Points.Count(x => x.Scale <= FitMaxScale) >= 2 ? group.Points.Where(x => x.Scale <= FitMaxScale).ToList() : group.Points;
            PowerLawFit.Fit? Fit(Func<PointLaws, MedianInterval.Estimate?> pick) => PowerLawFit.Compute(
                pts.Where(x => pick(laws[x.Point]) is not null).Select(x => (x.Scale, pick(laws[x.Point])!)).ToList());
            return new GroupLaws(group.Context, pts.Select(x => x.Scale).ToArray(), Fit(l => l.MedianEscape), Fit(l => l.MedianGlobal));
        }).ToList();

    public static string Write(string outDir, IReadOnlyList<PointLaws> points, IReadOnlyList<GroupLaws> groups)
    {
        string path = Path.Combine(outDir, "laws.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { points, groups }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        return path;
    }
}

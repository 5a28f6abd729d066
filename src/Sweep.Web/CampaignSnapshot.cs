using System.Text.Json.Nodes;
using Sweep.Campaigns;
using Sweep.Reporting;
using Sweep.Results;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using Sweep.Results.Storage;
using Sweep.Numerics.Integration;

namespace Sweep.Web;

/// <summary>
/// What the live page shows, read from the store the way `status` reads it (<see cref="StoredStatistics.Current"/>):
/// per point its short label, samples stored against planned, the outcomes with exact (Clopper–Pearson) intervals,
/// the saddle-mass bracket with its one-sided 95% bounds, the median certified-global time and the target.
/// </summary>
public static class CampaignSnapshot
{
    private static readonly Outcome[] Outcomes = [Outcome.Global, Outcome.Saddle, Outcome.Unresolved, Outcome.Diverged];

    /// <summary>Opens the store only while reading it, so that a `run` started meanwhile never waits on this view for long.</summary>
    public static JsonObject Read(string dir)
    {
        var (campaign, store) = StoredCampaign.Open(dir, quickCheck: false);
        using (store) return ToJson(campaign, StoredStatistics.Current(campaign, store));
    }

    public static JsonObject ToJson(Campaign campaign, CampaignProgress progress)
    {
        long plannedPerPoint = campaign.TotalSamples / Math.Max(1, campaign.Points.Count);
        var points = new JsonArray();
        foreach (var stats in progress.Points)
        {
            var s = stats.Summarize();
            var outcomes = new JsonObject();
            foreach (var o in Outcomes)
            {
                var x = s.Of(o);
                outcomes[SampleColumns.NameOf(o)] = new JsonObject
                {
                    ["count"] = x.Count, ["fraction"] = x.Fraction, ["ci95"] = new JsonArray(x.Ci95.Low, x.Ci95.High),
                    ["text"] = $"{Display.Short(x.Fraction)} [{Display.Short(x.Ci95.Low)}, {Display.Short(x.Ci95.High)}]",
                };
            }
            long nonDiverged = s.Samples - s.Of(Outcome.Diverged).Count;
            var target = progress.Targets?[s.Point];
            points.Add(new JsonObject
            {
                ["index"] = s.Point,
                ["label"] = ParameterLabels.Short(campaign, campaign.Points[s.Point]),
                ["samples"] = s.Samples,
                ["planned"] = plannedPerPoint,
                ["outcomes"] = outcomes,
                ["saddle_mass"] = s.SaddleMass is { } m
                    ? $"[{Display.Short(m.Lower)}, {Display.Short(m.Upper)}] (95%: {Display.Short(m.Lower95)} – {Display.Short(m.Upper95)})"
                    : "-",
                ["t_global_p50"] = nonDiverged == 0 ? "-" : s.GlobalTimes.P50 is { } p50 ? (s.GlobalTimes.Binned ? "≈" : "") + Display.Short(p50) : "censored",
                ["target"] = target?.Describe(),
            });
        }
        return new JsonObject
        {
            ["campaign"] = campaign.Name,
            ["hash"] = campaign.Hash[..12],
            ["done"] = progress.SamplesDone,
            ["total"] = campaign.TotalSamples,
            ["target"] = campaign.Target?.ToString(),
            ["complete"] = progress.Complete,
            ["points"] = points,
            ["storage"] = campaign.AggregateOnly ? "aggregate: per-shard statistics only; samples.csv " + OutputWriter.NoSamplesCsv : null,
        };
    }
}

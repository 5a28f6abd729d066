using System.Text;
using ScottPlot;
using Sweep.Numerics.Integration;
using Sweep.Campaigns;
using Sweep.Campaigns.Methods;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using Sweep.Results.Storage;
using Sweep.Results;
using Sweep.Reporting.Figures;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting;

/// <summary>What was written: the HTML page and every figure (PNG and SVG), all under DIR/report (or the folder asked for).</summary>
public sealed record ReportResult(string IndexPath, IReadOnlyList<string> Figures, bool Partial);

/// <summary>
/// `sweep report`: figures (ScottPlot, PNG + SVG) and a self-contained HTML page from the stored samples of a finished
/// or running campaign. Everything is derived from the store, so a report of a running campaign is simply marked partial.
/// The samples are streamed shard by shard into each point's statistics (bounded memory: exact time distributions up to
/// 65 536 event times per point, then the same log-binned histogram as summary.json's quantiles), and the figures of
/// time distributions are drawn from those.
/// </summary>
public static class ReportBuilder
{
    /// <param name="outDir">Where to write (default DIR/report).</param>
    public static ReportResult Build(string dir, string? outDir = null)
    {
        var (campaign, store) = StoredCampaign.Open(dir);
        IReadOnlyList<PointStatistics> stats;
        List<(int Point, long Sample, double[] Time, double[] Loss)> traces;
        List<Provenance> builds;
        var eigen = new AnalysedEigenvalues();
        var tails = new TailRatesByOutcome();
        var prop2 = new Prop2Pairs();
        var laws = new LawSamples(campaign.Points.Count);
        PrefixWalk? walk = null;
        CampaignProgress? aggregate = null;
        using (store)
        {
            // Aggregate storage: the shards' statistics, in shard order with a target (what summary.json holds).
            if (store.AggregateOnly)
            {
                var progress = StoredStatistics.Current(campaign, store);
                stats = progress.Points;
                aggregate = progress;
            }
            // With a target, each point's samples up to its stop (what samples.csv and summary.json hold).
            else if (campaign.Target is null)
                stats = OutputWriter.Aggregate(campaign, store.ReadSamples().Select(r => { eigen.Observe(r); tails.Observe(r); prop2.Observe(r); laws.Observe(r); return r; }));
            else
            {
                walk = new PrefixWalk(campaign);
                foreach (var r in walk.Filter(store.ReadSamples())) { eigen.Observe(r); tails.Observe(r); prop2.Observe(r); laws.Observe(r); }
                stats = walk.Stats;
            }
            traces = store.ReadTraces();
            var (created, list) = StoreProvenance.Read(store);
            builds = list.Count > 0 ? list : created is null ? [] : [created];
        }
        var summaries = stats.Select(s => s.Summarize()).ToList();
        long done = stats.Sum(s => s.Count);
        bool partial = aggregate is not null ? !aggregate.Complete : walk is null ? done < campaign.TotalSamples : !walk.AllStopped;
        var targets = aggregate is not null ? aggregate.Targets : walk?.States;
        outDir ??= Path.Combine(dir, "report");
        Directory.CreateDirectory(outDir);
        var figures = new List<(string Name, string Caption)>();
        var data = new ReportData(campaign, summaries, stats, traces, eigen, tails, prop2);
        void Draw<T>(IFigure<T> figure, T subject)
        {
            if (!figure.AppliesTo(data, subject)) return;
            string name = figure.FileName(subject);
            var plot = new Plot();
            figure.Draw(plot, data, subject);
            figures.Add((Save(plot, outDir, name), figure.Caption(subject)));
        }

        var axes = SweepAxes.Of(campaign);
        foreach (var axis in axes)
            foreach (var group in axis.Groups.Take(MaxPanels))
            {
                // Numbered by the figures before it when the campaign has more than one panel.
                string suffix = axes.Count == 1 && axis.Groups.Count == 1 ? axis.Slug : $"{axis.Slug}-{figures.Count}";
                foreach (var figure in DefaultFigures.PerPanel) Draw(figure, new Panel(axis, group, suffix));
            }
        foreach (var figure in DefaultFigures.PerCampaign) Draw(figure, campaign);
        if (aggregate is null) AddLaws(outDir, campaign, laws, figures);
        else AddLaws(outDir, campaign, stats, figures);
        foreach (var point in campaign.Points.Take(MaxPanels))
            foreach (var figure in DefaultFigures.PerPoint) Draw(figure, point);

        string index = Path.Combine(outDir, "index.html");
        File.WriteAllText(index, ReportPage.Html(campaign, summaries, figures, partial, done, builds, targets), new UTF8Encoding(false));
        return new ReportResult(index, figures.Select(f => f.Name).ToList(), partial);
    }

    /// <summary>What an aggregate campaign's report leaves out, and why (the page says it).</summary>
    public const string AggregateOmitted =
        "Figures that need per-sample values are omitted: first-escape times (escape exponents show t_global only; itineraries are not stored), Hessian eigenvalues and tail rates (per-sample analyses), loss traces (none are stored). " +
        "The survival curves, Hill exponents and medians of t_global (laws.json) are read from the binned times, with the bounds of docs/laws.md.";

    /// <summary>Survival curves (one panel per depth when init.scale is swept), the escape-exponent figure with itineraries, and laws.json (docs/laws.md).</summary>
    private static void AddLaws(string outDir, Campaign campaign, LawSamples samples, List<(string Name, string Caption)> figures)
    {
        if (campaign.Points.Any(p => p.Spec.Dynamics.Discrete)) return;
        var points = campaign.Points.Select(p => LawsTable.Point(p, samples)).ToList();
        AddLaws(outDir, campaign, points, (name, context, pts) => SurvivalCurves.Draw(outDir, name, context, pts, campaign, samples, points),
            samples.AnyItinerary ? EscapeExponents.Caption : null, figures);
    }

    /// <summary>The same from the points' merged statistics (aggregate storage): t_global only, from its binned times.</summary>
    private static void AddLaws(string outDir, Campaign campaign, IReadOnlyList<PointStatistics> stats, List<(string Name, string Caption)> figures)
    {
        if (campaign.Points.Any(p => p.Spec.Dynamics.Discrete)) return;
        var times = campaign.Points.Select(p => stats.FirstOrDefault(s => s.Point == p.Index)?.GlobalEventTimes()).ToList();
        var points = campaign.Points.Select(p => LawsTable.Point(p, times[p.Index])).ToList();
        AddLaws(outDir, campaign, points, (name, context, pts) => SurvivalCurves.Draw(outDir, name, context, pts, campaign, times, points),
            EscapeExponents.Caption + EscapeExponents.AggregateNote, figures);
    }

    private static void AddLaws(string outDir, Campaign campaign, List<LawsTable.PointLaws> points, Func<string, string, IEnumerable<int>, string> survival,
        string? exponentsCaption, List<(string Name, string Caption)> figures)
    {
        var groups = LawSamples.ScaleGroups(campaign);
        var fits = LawsTable.Groups(campaign, points);
        LawsTable.Write(outDir, points, fits);
        if (groups.Count == 0)
            figures.Add((survival("survival", "", campaign.Points.Take(MaxPanels).Select(p => p.Index)), SurvivalCurves.Caption));
        else
            for (int g = 0; g < Math.Min(groups.Count, MaxPanels); g++)
                figures.Add((survival(groups.Count == 1 ? "survival" : $"survival-{g}", groups[g].Context.Length > 0 ? $" ({groups[g].Context})" : "",
                    groups[g].Points.Select(x => x.Point)), SurvivalCurves.Caption));
        if (exponentsCaption is not null && groups.Count > 0)
            figures.Add((EscapeExponents.Draw(outDir, "escape-exponents", groups, points, fits), exponentsCaption));
    }

    // ---- optimizer comparison -------------------------------------------------------------------------------------

    /// <summary>True when the campaign sweeps the dynamics (the whole object, its method or a hyper-parameter).</summary>
    public static bool SweepsDynamics(Campaign campaign) =>
        campaign.Points.Count > 1 && campaign.Points[0].Params.Any(kv => kv.Key == "dynamics" || kv.Key.StartsWith("dynamics.", StringComparison.Ordinal));

    /// <summary>A method and its hyper-parameters in a few characters, for legends and ticks.</summary>
    public static string MethodText(Dynamics d) => MethodCatalog.Of(d)?.Label(d, F) ?? d.GetType().Name;
}

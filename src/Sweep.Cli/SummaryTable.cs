using Spectre.Console;
using Sweep.Campaigns;
using Sweep.Numerics.Integration;
using Sweep.Results;
using Sweep.Results.Output;
using Sweep.Results.Statistics;

namespace Sweep.Cli;

/// <summary>
/// The final per-point table: what is certified first (outcomes, the saddle-mass bracket, the certified-global time),
/// then where samples were when they stopped (labels with critical values, counts, fractions and exact 95% intervals).
/// </summary>
public static class SummaryTable
{
    private static string F(double v) => Display.Short(v);

    public static void Print(Campaign campaign, IReadOnlyList<PointSummary> points, IReadOnlyList<TargetState?>? targets = null)
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 220;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(campaign.Name)}[/]");
        table.AddColumns("point", "params", "certified global [[95% CI]]", "saddle/unres/div", "saddle mass [[lower, upper]] (95% bounds)", "t_global p50", "t_hit p50",
            "label at stop", "L_S", "count", "share at stop", "95% CI");
        foreach (var s in points)
        {
            var point = campaign.Points[s.Point];
            string prms = string.Join(", ", point.Params.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"));
            var g = s.Of(Outcome.Global);
            string global = s.Samples == 0 ? "-" : $"{g.Count} = {F(g.Fraction)} [[{F(g.Ci95.Low)}, {F(g.Ci95.High)}]]";
            string others = string.Join("/", new[] { Outcome.Saddle, Outcome.Unresolved, Outcome.Diverged }.Select(o => s.Of(o).Count));
            string saddle = s.SaddleMass is { } m ? $"[{F(m.Lower)}, {F(m.Upper)}] ({F(m.Lower95)}–{F(m.Upper95)})" : "-";
            string tGlobal = Time(s.GlobalTimes, s.Samples - s.Of(Outcome.Diverged).Count);
            string tHit = Time(s.HitTimes, s.Samples - s.Of(Outcome.Diverged).Count);
            var rows = s.Labels.Count > 0 ? s.Labels.Select(l => (LabelStatistics?)l).ToList() : [null];
            bool first = true;
            foreach (var l in rows)
            {
                table.AddRow(first ? s.Point.ToString() : "", first ? Markup.Escape(prms) : "", first ? global : "", first ? others : "", first ? Markup.Escape(saddle) : "",
                    first ? tGlobal : "", first ? tHit : "",
                    l is null ? "-" : Markup.Escape(l.Label), l is null ? "-" : F(l.CriticalValue), l?.Count.ToString() ?? "0",
                    l is null ? "-" : F(l.Fraction), l is null ? "-" : $"[[{F(l.Ci95.Low)}, {F(l.Ci95.High)}]]");
                first = false;
            }
        }
        AnsiConsole.Write(table);
        if (campaign.Target is { } target && targets is not null)
        {
            Console.WriteLine($"target {target} per point (anytime-valid: {OutputWriter.SequenceMethod}):");
            foreach (var t in targets.Select((t, i) => (t, i)).Where(x => x.t is not null))
                Console.WriteLine($"  point {t.i}: {t.t!.Describe()}");
        }
        foreach (var s in points.Where(s => s.FlowDiverged > 0))
            Console.Error.WriteLine($"warning: point {s.Point}: {OutputWriter.FlowDivergedWarning(s.FlowDiverged)}");
        Console.WriteLine("certified global: certain to converge to the global minimum; saddle: certified saddle (invariant manifold); " +
            "unresolved: neither by the horizon. The saddle-basin mass lies between the certified saddles and saddles + unresolved. " +
            "Labels say where samples were when they stopped, not where they go.");
    }

    /// <summary>A censored-time median: "censored" when half the samples had not had the event by the stop, "-" without samples.</summary>
    // "≈": read from the binned histogram (`status` of a large point), within a relative 1e-3 of the exact value.
    private static string Time(TimeQuantiles t, long n) => n == 0 ? "-" : t.P50 is { } p50 ? (t.Binned ? "≈" : "") + F(p50) : "censored";
}

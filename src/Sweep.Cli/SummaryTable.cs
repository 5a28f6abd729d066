using Sweep.Campaigns;
using Sweep.Numerics.Integration;
using Sweep.Reporting;
using Sweep.Results;
using Sweep.Results.Output;
using Sweep.Results.Statistics;

namespace Sweep.Cli;

/// <summary>
/// What `run` prints at the end and `status` prints: one line per point that fits a 100-column terminal (short
/// parameter label, n, certified global with its exact interval, unresolved, the saddle-mass bracket, the median
/// certified-global time), and per point on request (`status --points`, `--point N`) everything else: the outcomes,
/// the saddle-mass bounds, the time quantiles, the labels at the stop and the target.
/// </summary>
public static class SummaryTable
{
    /// <summary>No line of the table, the legend or a point's details is wider than this.</summary>
    public const int Width = 100;

    private static string F(double v) => Display.Short(v);

    private const string Legend =
        "certified global: certain to reach the global minimum, with its exact 95% (Clopper–Pearson) interval; " +
        "unresolved: neither certified global nor a certified saddle by the horizon; saddle mass: between the " +
        "certified saddles and saddles + unresolved, of the non-diverged samples.";

    public static void Print(Campaign campaign, IReadOnlyList<PointSummary> points, IReadOnlyList<TargetState?>? targets = null, string? detailsHint = null)
    {
        foreach (var line in Lines(campaign, points, targets)) Console.WriteLine(line);
        if (campaign.Target is { } target && targets is not null)
            foreach (var line in Wrap($"target: {target} per point, anytime-valid ({OutputWriter.SequenceMethod}): met, out of reach, budget spent, or the samples projected to go.", ""))
                Console.WriteLine(line);
        foreach (var line in Wrap(Legend, "")) Console.WriteLine(line);
        if (detailsHint is not null)
            foreach (var line in Wrap(detailsHint, "")) Console.WriteLine(line);
        foreach (var s in points.Where(s => s.FlowDiverged > 0))
            Console.Error.WriteLine($"warning: point {s.Point}: {OutputWriter.FlowDivergedWarning(s.FlowDiverged)}");
    }

    /// <summary>The table: a header, a rule and one line per point, each at most <see cref="Width"/> characters.</summary>
    public static IReadOnlyList<string> Lines(Campaign campaign, IReadOnlyList<PointSummary> points, IReadOnlyList<TargetState?>? targets = null)
    {
        bool diverged = points.Any(s => s.Diverged > 0 || s.Of(Outcome.Diverged).Count > 0);
        bool target = campaign.Target is not null && targets is not null;
        var header = new List<string> { "#", "parameters", "n", "certified global [95% CI]", "unresolved", "saddle mass", "t_global p50" };
        if (diverged) header.Add("diverged");
        if (target) header.Add("target");
        var rows = points.Select(s =>
        {
            var g = s.Of(Outcome.Global);
            long nonDiverged = s.Samples - s.Of(Outcome.Diverged).Count;
            var row = new List<string>
            {
                s.Point.ToString(),
                ParameterLabels.Short(campaign, campaign.Points[s.Point]),
                s.Samples.ToString(),
                s.Samples == 0 ? "-" : $"{F(g.Fraction)} [{F(g.Ci95.Low)}, {F(g.Ci95.High)}]",
                s.Of(Outcome.Unresolved).Count.ToString(),
                s.SaddleMass is { } m ? $"[{F(m.Lower)}, {F(m.Upper)}]" : "-",
                Time(s.GlobalTimes, nonDiverged),
            };
            if (diverged) row.Add(s.Of(Outcome.Diverged).Count.ToString());
            if (target) row.Add(targets![s.Point] is { } t ? TargetCell(t) : "-");
            return row;
        }).ToList();
        return Layout(header, rows, flexible: 1, right: [0, 2, 4, 6, 7]);
    }

    /// <summary>Everything known about one point, in lines of at most <see cref="Width"/> characters.</summary>
    public static IReadOnlyList<string> Details(Campaign campaign, PointSummary s, TargetState? target)
    {
        var point = campaign.Points[s.Point];
        var lines = new List<string> { Fit($"point {s.Point}: {ParameterLabels.Short(campaign, point)}") };
        lines.AddRange(Wrap(string.Join("  ", ParameterLabels.Full(point)), "  "));
        lines.Add($"  {s.Samples} samples: {s.Converged} converged, {s.Horizon} at the horizon or budget, {s.Diverged} diverged");
        var outcomes = new[] { Outcome.Global, Outcome.Saddle, Outcome.Unresolved, Outcome.Diverged }.Select(o =>
        {
            var x = s.Of(o);
            return new List<string> { SampleColumns.NameOf(o), x.Count.ToString(), F(x.Fraction), $"[{F(x.Ci95.Low)}, {F(x.Ci95.High)}]" };
        }).ToList();
        lines.AddRange(Layout(["outcome", "count", "share", "95% CI"], outcomes, flexible: -1, right: [1, 2], indent: "  "));
        if (s.SaddleMass is { } m)
            lines.Add($"  saddle mass [{F(m.Lower)}, {F(m.Upper)}], exact one-sided 95% bounds {F(m.Lower95)} – {F(m.Upper95)}");
        long nonDiverged = s.Samples - s.Of(Outcome.Diverged).Count;
        lines.Add($"  t_global p10 / p50 / p90: {Quantiles(s.GlobalTimes, nonDiverged)}   ({s.GlobalTimes.Count} certified)");
        lines.Add($"  t_hit    p10 / p50 / p90: {Quantiles(s.HitTimes, nonDiverged)}   ({s.HitTimes.Count} hit)");
        lines.Add("  labels at the stop (where samples were when they stopped, not where they go):");
        var labels = s.Labels.Select(l => new List<string> { l.Label, F(l.CriticalValue), l.Count.ToString(), F(l.Fraction), $"[{F(l.Ci95.Low)}, {F(l.Ci95.High)}]" }).ToList();
        lines.AddRange(labels.Count == 0 ? ["    none yet"] : Layout(["label", "L_S", "count", "share", "95% CI"], labels, flexible: 0, right: [1, 2, 3], indent: "    "));
        if (target is not null) lines.AddRange(Wrap($"target {target.Target} (anytime-valid: {OutputWriter.SequenceMethod}): {target.Describe()}", "  "));
        if (s.FlowDiverged > 0) lines.AddRange(Wrap($"warning: {OutputWriter.FlowDivergedWarning(s.FlowDiverged)}", "  "));
        return lines;
    }

    private static string TargetCell(TargetState t) => t.Stopped switch
    {
        StopReason.TargetMet => "target met",
        StopReason.OutOfReach => "out of reach",
        StopReason.Budget => "budget spent",
        _ => $"~{t.ToGo} to go",
    };

    /// <summary>A censored-time median: "censored" when half the samples had not had the event by the stop, "-" without samples.</summary>
    // "≈": read from the binned histogram (`status` of a large point), within a relative 1e-3 of the exact value.
    private static string Time(TimeQuantiles t, long n) => n == 0 ? "-" : t.P50 is { } p50 ? (t.Binned ? "≈" : "") + F(p50) : "censored";

    private static string Quantiles(TimeQuantiles t, long n) => n == 0 ? "-"
        : string.Join(" / ", new[] { t.P10, t.P50, t.P90 }.Select(q => q is { } v ? (t.Binned ? "≈" : "") + F(v) : "censored"));

    /// <summary>
    /// Columns two spaces apart, each as wide as its widest cell; the <paramref name="flexible"/> column (-1: none) is
    /// cut with "…" so that every line fits <see cref="Width"/>.
    /// </summary>
    private static IReadOnlyList<string> Layout(IReadOnlyList<string> header, IReadOnlyList<List<string>> rows, int flexible, int[] right, string indent = "")
    {
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        if (flexible >= 0)
        {
            int others = indent.Length + widths.Where((_, c) => c != flexible).Sum() + 2 * (widths.Length - 1);
            widths[flexible] = Math.Max(header[flexible].Length, Math.Min(widths[flexible], Width - others));
        }
        string Line(IReadOnlyList<string> cells) => Fit(indent + string.Join("  ", cells.Select((cell, c) =>
        {
            string text = cell.Length > widths[c] ? cell[..(widths[c] - 1)] + "…" : cell;
            return right.Contains(c) ? text.PadLeft(widths[c]) : text.PadRight(widths[c]);
        })).TrimEnd());
        var lines = new List<string> { Line(header), Fit(indent + new string('─', widths.Sum() + 2 * (widths.Length - 1))) };
        lines.AddRange(rows.Select(Line));
        return lines;
    }

    private static string Fit(string line) => line.Length <= Width ? line : line[..(Width - 1)] + "…";

    /// <summary>Words wrapped into lines of at most <see cref="Width"/> characters, each after <paramref name="indent"/>.</summary>
    internal static IEnumerable<string> Wrap(string text, string indent)
    {
        var line = new System.Text.StringBuilder(indent);
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > indent.Length && line.Length + 1 + word.Length > Width)
            {
                yield return line.ToString();
                line.Clear().Append(indent);
            }
            if (line.Length > indent.Length) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > indent.Length) yield return Fit(line.ToString());
    }
}

using System.Globalization;
using Spectre.Console;
using Sweep.Results.Statistics;
using Sweep.Campaigns;
using Sweep.Results.Output;

namespace Sweep.Cli;

/// <summary>The final per-point table: labels with critical values, counts, fractions and 95% intervals.</summary>
public static class SummaryTable
{
    private static string F(double v) => Display.Short(v);

    public static void Print(Campaign campaign, IReadOnlyList<PointSummary> points)
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(campaign.Name)}[/]");
        table.AddColumns("point", "params", "label", "L_S", "count", "fraction", "95% CI", "status (conv/hor/div)", "saddle mass (≤95%)", "t_hit p50");
        foreach (var s in points)
        {
            var point = campaign.Points[s.Point];
            string prms = string.Join(", ", point.Params.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"));
            string status = $"{s.Converged}/{s.Horizon}/{s.Diverged}";
            string saddle = s.SaddleMass is null ? "-" : $"{F(s.SaddleMass.Estimate)} (≤{F(s.SaddleMass.Upper95)})";
            string hit = s.HitTimes.P50 is { } p50 ? F(p50) : "-";
            bool first = true;
            foreach (var l in s.Labels)
            {
                table.AddRow(first ? s.Point.ToString() : "", first ? Markup.Escape(prms) : "", Markup.Escape(l.Label), F(l.CriticalValue),
                    l.Count.ToString(), F(l.Fraction), $"[[{F(l.Ci95.Low)}, {F(l.Ci95.High)}]]",
                    first ? status : "", first ? saddle : "", first ? hit : "");
                first = false;
            }
            if (first) table.AddRow(s.Point.ToString(), Markup.Escape(prms), "-", "-", "0", "-", "-", status, saddle, hit);
        }
        AnsiConsole.Write(table);
    }
}

using ScottPlot;
using Sweep.Campaigns;
using Sweep.Numerics.Integration;
using Sweep.Results;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>Outcome fractions (global, saddle, unresolved, diverged) per point of a dynamics sweep, with exact 95% intervals.</summary>
internal sealed class MethodOutcomes : IFigure<Campaign>
{
    public string FileName(Campaign campaign) => "methods-outcomes";

    public string Caption(Campaign campaign) =>
        "Outcome fractions per method of the dynamics sweep (of all samples), with exact 95% (Clopper–Pearson) intervals: global = certified (for momentum, Nesterov, Adam and sgd with batch_size < m only by convergence at the global label), unresolved = neither certified nor diverged at max_iters.";

    public bool AppliesTo(ReportData data, Campaign campaign) => ReportBuilder.SweepsDynamics(campaign);

    public void Draw(Plot plot, ReportData data, Campaign campaign)
    {
        var summaries = data.Summaries;
        var points = campaign.Points.Take(MaxPanels).ToList();
        var outcomes = new[] { Outcome.Global, Outcome.Saddle, Outcome.Unresolved, Outcome.Diverged };
        var colors = new[] { Colors.ForestGreen, Colors.Navy, Colors.DarkOrange, Colors.Crimson };
        for (int oi = 0; oi < outcomes.Length; oi++)
        {
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            for (int pi = 0; pi < points.Count; pi++)
            {
                var s = summaries[points[pi].Index];
                if (s.Samples == 0) continue;
                var o = s.Of(outcomes[oi]);
                xs.Add(pi + (oi - 1.5) * 0.16); ys.Add(o.Fraction); lo.Add(o.Fraction - o.Ci95.Low); hi.Add(o.Ci95.High - o.Fraction);
            }
            if (xs.Count == 0) continue;
            MarkersWithBars(plot, xs, ys, lo, hi, colors[oi], SampleColumns.NameOf(outcomes[oi]), markerSize: 8).LineWidth = 0;
        }
        // One tick per point: its index and method on the first line, the hyper-parameters below (two per line).
        static string Tick(CampaignPoint p)
        {
            var words = ReportBuilder.MethodText(p.Spec.Dynamics).Split(' ');
            var lines = new List<string> { $"p{p.Index} {words[0]}" };
            for (int i = 1; i < words.Length; i += 2) lines.Add(string.Join(" ", words.Skip(i).Take(2)));
            return string.Join("\n", lines);
        }
        plot.Axes.Bottom.SetTicks(points.Select((_, i) => (double)i).ToArray(), points.Select(Tick).ToArray());
        plot.Axes.SetLimitsX(-0.6, points.Count - 0.4);
        plot.Axes.SetLimitsY(0, 1);
        plot.Title("Outcomes by method");
        plot.YLabel("fraction of samples");
        plot.ShowLegend(Edge.Right);
    }
}

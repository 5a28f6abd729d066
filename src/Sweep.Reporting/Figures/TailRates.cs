using ScottPlot;
using Sweep.Campaigns;
using Sweep.Numerics.Integration;
using Sweep.Results;
using Sweep.Results.Output;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>Per outcome: the median tail rate with its 10%–90% range on a log axis (positive rates).</summary>
internal sealed class TailRates : IFigure<Panel>
{
    public string FileName(Panel panel) => $"tail-rate-{panel.Suffix}";

    public string Caption(Panel panel) =>
        $"Tail rate (the fitted exponential rate of L − L_min over the last decade before the stop) against {panel.Axis.Key}{panel.Group.Context}, per outcome (log scale): the median (marker) and the 10%–90% range over the samples with a rate; n in the legend. Converged samples sit at a rate bounded away from 0 (the linearised rate at their minimum); samples stopped on a plateau near 0. Rates ≤ 0 are not drawn.";

    public bool AppliesTo(ReportData data, Panel panel) => panel.Group.Points.Any(i => data.Campaign.Points[i].Spec.Analyses.TailRate);

    public void Draw(Plot plot, ReportData data, Panel panel)
    {
        var (rates, axis, group) = (data.TailRates, panel.Axis, panel.Group);
        var palette = new ScottPlot.Palettes.Category10();
        Outcome[] outcomes = [Outcome.Global, Outcome.Saddle, Outcome.Unresolved];
        double width = group.Points.Count > 1 ? (group.Points.Max(axis.X) - group.Points.Min(axis.X)) / (group.Points.Count - 1) : 1;
        for (int oi = 0; oi < outcomes.Length; oi++)
        {
            double offset = (oi - 1) * 0.04 * width;
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            long n = 0;
            foreach (var p in group.Points)
            {
                if (rates.Of(p, outcomes[oi]) is not { } s || s.Rate(0.5) is not { } m || !(m > 0)) continue;
                n += s.Rates;
                double L(double v) => Math.Log10(v);
                xs.Add(axis.X(p) + offset); ys.Add(L(m));
                lo.Add(s.Rate(0.1) is { } a && a > 0 ? L(m) - L(a) : 0);
                hi.Add(s.Rate(0.9) is { } b && b > 0 ? L(b) - L(m) : 0);
            }
            if (xs.Count > 0) MarkersWithBars(plot, xs, ys, lo, hi, palette.GetColor(oi), $"{SampleColumns.NameOf(outcomes[oi])} (n = {n})");
        }
        plot.Axes.Left.TickGenerator = LogTicks(y => Display.Short(Math.Pow(10, y)));
        FinishAgainst(plot, axis, $"Tail rate vs {axis.Key}{group.Context}", "tail rate (log scale)");
    }
}

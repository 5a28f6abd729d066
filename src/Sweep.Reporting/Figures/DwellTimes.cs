using ScottPlot;
using Sweep.Numerics.Problems;
using Sweep.Results.Output;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>Per saddle: the median dwell time with its 10%–90% range, on a log axis; censored quantiles are left out.</summary>
internal sealed class DwellTimes : IFigure<Panel>
{
    public string FileName(Panel panel) => $"dwell-times-{panel.Suffix}";

    public string Caption(Panel panel) =>
        $"Dwell time at each saddle visited against {panel.Axis.Key}{panel.Group.Context} (log scale): the median (marker) and the 10%–90% range over the samples that entered it. A dwell still running at the stop is censored; a quantile that reaches into the censored share is not drawn (a hollow marker at the largest quantile known).";

    public bool AppliesTo(ReportData data, Panel panel) => panel.Group.Points.Any(i => data.Summaries[i].Itineraries is not null);

    public void Draw(Plot plot, ReportData data, Panel panel)
    {
        var (summaries, axis, group) = (data.Summaries, panel.Axis, panel.Group);
        var palette = new ScottPlot.Palettes.Category10();
        var its = group.Points.Where(p => summaries[p].Itineraries is not null).ToList();
        var labels = its.SelectMany(p => summaries[p].Itineraries!.Dwell.Select(d => d.Label)).Distinct()
            .OrderBy(l => CriticalValues.ParseLabel(l) ?? int.MaxValue).ToList();
        double width = its.Count > 1 ? (its.Max(axis.X) - its.Min(axis.X)) / (its.Count - 1) : 1;
        for (int li = 0; li < labels.Count; li++)
        {
            // Offset each label's markers a little along x so the ranges do not hide one another.
            double offset = (li - (labels.Count - 1) / 2.0) * 0.04 * width;
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            var cx = new List<double>(); var cy = new List<double>();
            foreach (var p in its)
            {
                var d = summaries[p].Itineraries!.Dwell.FirstOrDefault(x => x.Label == labels[li]);
                if (d is null) continue;
                static double L(double v) => Math.Log10(Math.Max(v, 1e-12));
                if (d.P50 is not { } m)
                {
                    if (d.P10 is { } known) { cx.Add(axis.X(p) + offset); cy.Add(L(known)); }
                    continue;
                }
                xs.Add(axis.X(p) + offset); ys.Add(L(m));
                lo.Add(d.P10 is { } a ? L(m) - L(a) : 0);
                hi.Add(d.P90 is { } b ? L(b) - L(m) : 0);
            }
            var color = palette.GetColor(li);
            if (xs.Count > 0)
            {
                MarkersWithBars(plot, xs, ys, lo, hi, color, $"at {labels[li]}");
            }
            if (cx.Count > 0)
            {
                var c = plot.Add.Scatter(cx.ToArray(), cy.ToArray(), color);
                c.LegendText = xs.Count > 0 ? "" : $"at {labels[li]} (median censored)";
                c.MarkerShape = MarkerShape.OpenCircle;
                c.LineWidth = 0;
                c.MarkerSize = 9;
            }
        }
        plot.Axes.Left.TickGenerator = LogTicks(y => Display.Short(Math.Pow(10, y)));
        FinishAgainst(plot, axis, $"Dwell time at each saddle vs {axis.Key}{group.Context}", "dwell time (log scale)");
    }
}

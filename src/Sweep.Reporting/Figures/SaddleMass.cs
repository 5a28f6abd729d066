using ScottPlot;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>The saddle-basin mass bracketed by what is certified (upper and lower bounds with their 95% bounds), against the swept parameter.</summary>
internal sealed class SaddleMass : IFigure<Panel>
{
    public string FileName(Panel panel) => $"saddle-mass-{panel.Suffix}";

    public string Caption(Panel panel) =>
        $"Saddle-basin mass against {panel.Axis.Key}{panel.Group.Context} (log scale), bracketed by what is certified: the upper bound (certified saddles + unresolved samples) with its exact one-sided 95% bound (triangles), and the lower bound (certified saddles only) with its 95% lower bound where it is above 0. The conjecture says the lower bound is 0 for generic starts and the upper bound tends to 0 as the horizon grows.";

    public bool AppliesTo(ReportData data, Panel panel) => true;

    public void Draw(Plot plot, ReportData data, Panel panel)
    {
        var (summaries, axis, group) = (data.Summaries, panel.Axis, panel.Group);
        var upX = new List<double>(); var upY = new List<double>(); var up95X = new List<double>(); var up95Y = new List<double>();
        var loX = new List<double>(); var loY = new List<double>();
        foreach (var p in group.Points)
        {
            var m = summaries[p].SaddleMass;
            if (m is null) continue;
            if (m.Upper > 0) { upX.Add(axis.X(p)); upY.Add(Math.Log10(m.Upper)); }
            up95X.Add(axis.X(p)); up95Y.Add(Math.Log10(m.Upper95));
            if (m.Lower > 0) { loX.Add(axis.X(p)); loY.Add(Math.Log10(m.Lower)); }
            if (m.Lower95 > 0) { loX.Add(axis.X(p)); loY.Add(Math.Log10(m.Lower95)); }
        }
        if (up95X.Count > 0)
        {
            var b = plot.Add.Scatter(up95X.ToArray(), up95Y.ToArray(), Colors.Gray);
            b.LegendText = "upper bound, one-sided 95%";
            b.MarkerShape = MarkerShape.FilledTriangleDown;
            b.MarkerSize = 9;
            b.LinePattern = LinePattern.Dashed;
        }
        if (upX.Count > 0)
        {
            var e = plot.Add.Scatter(upX.ToArray(), upY.ToArray(), Colors.Crimson);
            e.LegendText = "upper bound (saddle + unresolved share)";
            e.MarkerSize = 8;
        }
        if (loX.Count > 0)
        {
            var l = plot.Add.Scatter(loX.ToArray(), loY.ToArray(), Colors.Navy);
            l.LegendText = "lower bound (certified saddles) and its 95% bound";
            l.MarkerShape = MarkerShape.FilledSquare;
            l.LineWidth = 0;
            l.MarkerSize = 7;
        }
        LogY(plot);
        plot.Title($"Saddle-basin mass bounds vs {axis.Key}{group.Context}");
        ApplyAxis(plot, axis);
        plot.YLabel("saddle-basin mass (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
    }
}

using System.Globalization;
using ScottPlot;
using Sweep.Results.Output;
using Sweep.Results.Statistics;

namespace Sweep.Reporting.Figures;

/// <summary>Median first-escape time and median t_global against init.scale per group (depth), log-log, with the fitted exponents.</summary>
public static class EscapeExponents
{
    public static readonly string Caption =
        "Median first-escape time from the origin (the itinerary's first label other than {}; filled circles, solid fit) and median certified time t_global " +
        "(open squares, dashed fit) against init.scale, log-log, one colour per depth, with distribution-free 95% intervals for each median (order statistics; " +
        "a median whose interval reaches past a censored sample is not drawn). Lines: weighted least squares of log(median) on log(scale) over init.scale ≤ " +
        $"{LawsTable.FitMaxScale} (every scale when fewer than two qualify); the legend gives the slope with its 95% interval (widened by the Birge ratio when the medians scatter more than their errors).";

    /// <summary>Appended to the caption for an aggregate campaign, whose statistics keep no first-escape times.</summary>
    public const string AggregateNote =
        " Aggregate storage: t_global only (its medians read from the binned times, within a relative 1e-3); first-escape times need the itineraries, which aggregate statistics do not keep.";

    public static string Draw(string outDir, string name, IReadOnlyList<(string Context, List<(int Point, double Scale)> Points)> groups,
        IReadOnlyList<LawsTable.PointLaws> laws, IReadOnlyList<LawsTable.GroupLaws> fits)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int g = 0; g < groups.Count; g++)
        {
            var color = palette.GetColor(g % 10);
            foreach (var (escape, shape) in new[] { (true, MarkerShape.FilledCircle), (false, MarkerShape.OpenSquare) })
            {
                var (xs, ys, lo, hi) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
                foreach (var (p, scale) in groups[g].Points)
                {
                    var m = escape ? laws[p].MedianEscape : laws[p].MedianGlobal;
                    if (m is null || !(m.Median > 0) || !(m.Low > 0)) continue;
                    double y = Math.Log10(m.Median);
                    xs.Add(Math.Log10(scale)); ys.Add(y); lo.Add(y - Math.Log10(m.Low)); hi.Add(Math.Log10(m.High) - y);
                }
                var fit = escape ? fits[g].Escape : fits[g].Global;
                string label = $"{(escape ? "escape" : "t_global")}{(groups.Count > 1 ? " " + Short(groups[g].Context) : "")}: " +
                    (fit is null ? "no fit" : $"slope {fit.Slope:0.00} [{fit.SlopeLow:0.00}, {fit.SlopeHigh:0.00}] ({fit.M} scales)");
                if (xs.Count == 0) continue;
                var markers = Drawing.MarkersWithBars(plot, xs, ys, lo, hi, color, label);
                markers.LineWidth = 0;
                markers.MarkerShape = shape;
                if (fit is null) continue;
                double x0 = fits[g].FitScales.Min(), x1 = fits[g].FitScales.Max();
                // The fit is in natural logs: ln m = a + b ln s, i.e. log10 m = a / ln 10 + b log10 s.
                var fx = new[] { Math.Log10(x0), Math.Log10(x1) };
                var line = plot.Add.ScatterLine(fx, fx.Select(x => fit.Intercept / Math.Log(10) + fit.Slope * x).ToArray(), color);
                line.LinePattern = escape ? LinePattern.Solid : LinePattern.Dashed;
            }
        }
        plot.Axes.Bottom.TickGenerator = Drawing.LogTicks(x => Display.Short(Math.Pow(10, x)));
        var scales = groups.SelectMany(g => g.Points.Select(p => Math.Log10(p.Scale))).ToList();
        if (scales.Count > 0) plot.Axes.SetLimitsX(scales.Min() - 0.15, scales.Max() + 1.6);   // room on the right for the legend
        Drawing.LogY(plot);
        plot.Title("Escape-time exponents: median times against init.scale (log-log)");
        plot.XLabel("init.scale (log scale)");
        plot.YLabel("median time (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        return Drawing.Save(plot, outDir, name);
    }

    /// <summary>"network.hidden = [4,4]" → "[4,4]" when only one key is left.</summary>
    private static string Short(string context) => context.Count(c => c == '=') == 1 ? context[(context.IndexOf('=') + 1)..].Trim() : context;
}

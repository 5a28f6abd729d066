using System.Globalization;
using ScottPlot;
using Sweep.Campaigns;
using Sweep.Results.Output;

namespace Sweep.Reporting.Figures;

/// <summary>What every figure shares: its size, the cap on panels, how a share is drawn with its interval, log axes,
/// time distributions as steps, and saving (PNG and SVG).</summary>
internal static class Drawing
{
    internal const int Width = 900, Height = 540, MaxPanels = 12;

    /// <summary>A caption's note when a per-point figure draws only the first <see cref="MaxPanels"/> points.</summary>
    internal static string FirstPanels(Campaign campaign) =>
        campaign.Points.Count > MaxPanels ? $" Only the first {MaxPanels} of the {campaign.Points.Count} points are drawn." : "";

    /// <summary>Whether the point's dynamics stop at a horizon (a flow without t_max runs on the time scale 1e18, which is none).</summary>
    internal static bool HasHorizon(CampaignPoint point) => point.Spec.Horizon != Sweep.Numerics.Integration.GradientFlowSettings.UnboundedTimeScale;

    internal static string F(double v) => Display.Short(v);

    internal static void ApplyAxis(Plot plot, SweepAxis axis)
    {
        plot.XLabel(axis.LogX ? $"{axis.Key} (log scale)" : axis.Key);
        if (axis.Ticks.Count > 0) plot.Axes.Bottom.SetTicks(axis.Ticks.Select(t => t.Item1).ToArray(), axis.Ticks.Select(t => t.Item2).ToArray());
        // A categorical sweep (methods, dynamics objects, lists): markers at each category, never joined by lines, and
        // long category names slanted so that they do not run into each other.
        if (!axis.Numeric && axis.Ticks.Count > 0)
        {
            foreach (var scatter in plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()) scatter.LineWidth = 0;
            plot.Axes.SetLimitsX(-0.5, axis.Ticks.Count - 0.5);
            if (axis.Ticks.Count * axis.Ticks.Max(t => t.Item2.Length) > 60)
            {
                plot.Axes.Bottom.TickLabelStyle.Rotation = -20;
                plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
                plot.Axes.Bottom.MinimumSize = 90;
            }
        }
    }

    /// <summary>Finishes a figure against a swept parameter (title, x axis, y label, the legend at the right; a share's y
    /// range when <paramref name="share"/>); the report saves it.</summary>
    internal static void FinishAgainst(Plot plot, SweepAxis axis, string title, string yLabel, bool share = false)
    {
        plot.Title(title);
        ApplyAxis(plot, axis);
        plot.YLabel(yLabel);
        if (share) plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(Edge.Right);
    }

    /// <summary>Markers at (x, y) with asymmetric vertical bars from y − lo to y + hi: how every share is drawn with its interval.</summary>
    internal static ScottPlot.Plottables.Scatter MarkersWithBars(Plot plot, List<double> xs, List<double> ys, List<double> lo, List<double> hi, Color color, string legend, float markerSize = 7)
    {
        var markers = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        markers.LegendText = legend;
        markers.MarkerSize = markerSize;
        var bars = plot.Add.ErrorBar(xs, ys, hi);
        bars.YErrorNegative = lo;
        bars.YErrorPositive = hi;
        bars.Color = color;
        return markers;
    }

    /// <summary>
    /// A time distribution as a step line: 0 at time 0, the share of <paramref name="n"/> reached at each event time,
    /// held to the horizon; times drawn at <paramref name="x"/>(t). Returns the count reached by the horizon too.
    /// </summary>
    internal static (double[] Xs, double[] Ys, long Reached) CdfSteps(IEnumerable<(double Time, long Cumulative)> steps, long n, double horizon, Func<double, double> x)
    {
        var xs = new List<double> { x(0) }; var ys = new List<double> { 0 };
        long reached = 0;
        foreach (var (t, cumulative) in steps) { xs.Add(x(t)); ys.Add((double)cumulative / n); reached = cumulative; }
        xs.Add(x(horizon)); ys.Add((double)reached / n);
        return (xs.ToArray(), ys.ToArray(), reached);
    }

    internal static string ParamText(CampaignPoint p) =>
        p.Params.Count == 0 ? "" : "(" + string.Join(", ", p.Params.Select(kv => $"{kv.Key} = {kv.Value?.ToJsonString()}")) + ")";

    /// <summary>Data are plotted as log10(y); ticks are labelled with the values and minor ticks follow a log pattern.</summary>
    internal static void LogY(Plot plot) =>
        plot.Axes.Left.TickGenerator = LogTicks(y => Display.Short(Math.Pow(10, y)));

    /// <summary>
    /// Ticks for an axis that holds log10 of the values, labelled with the values as plain numbers: at decades where
    /// the axis spans several (log-spaced minor ticks between), and at finer steps where it spans less than a decade,
    /// so a narrow log axis is never left without labels.
    /// </summary>
    internal static ScottPlot.TickGenerators.NumericAutomatic LogTicks(Func<double, string> label) => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = false,
        LabelFormatter = label,
    };


    internal static string Save(Plot plot, string outDir, string name)
    {
        plot.SavePng(Path.Combine(outDir, name + ".png"), Width, Height);
        plot.SaveSvg(Path.Combine(outDir, name + ".svg"), Width, Height);
        return name;
    }
}

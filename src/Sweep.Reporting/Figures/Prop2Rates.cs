using ScottPlot;
using Sweep.Results.Output;
using Sweep.Campaigns;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>
/// Proposition 2 tested per sample: the measured tail rate against the rate the invariants guarantee (prop2_rate), both
/// on log axes, with the diagonal; a sample below it would contradict the proposition (or the integration).
/// </summary>
internal sealed class Prop2Rates : IFigure<Campaign>
{
    public string FileName(Campaign campaign) => "prop2-rates";

    public string Caption(Campaign campaign) =>
        "Proposition 2 per sample: the measured tail rate (the fitted exponential rate of L − L_min over the last decade before the stop) against the rate ρ that the invariants D_i at t = 0 guarantee on a pyramidal network (prop2_rate; docs/tail-rate.md), log scales, one colour per point; the dashed line is measured = guaranteed. The proposition puts every sample on or above it. Samples whose invariants miss the hypotheses (ρ = 0) or without a tail rate are not drawn; the title counts them and any sample below the line.";

    public bool AppliesTo(ReportData data, Campaign campaign) =>
        data.Prop2.Any && campaign.Points.Any(p => p.Spec.Analyses.Prop2 && p.Spec.Analyses.TailRate);

    public void Draw(Plot plot, ReportData data, Campaign campaign)
    {
        var palette = new ScottPlot.Palettes.Category10();
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        long below = 0, outside = 0, drawn = 0;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            outside += data.Prop2.Outside(point.Index);
            var pairs = data.Prop2.Of(point.Index);
            if (pairs.Count == 0) continue;
            var xs = pairs.Select(p => Math.Log10(p.Guaranteed)).ToArray();
            var ys = pairs.Select(p => Math.Log10(Math.Max(p.Measured, 1e-300))).ToArray();
            below += pairs.Count(p => p.Measured < p.Guaranteed);
            drawn += pairs.Count;
            lo = Math.Min(lo, Math.Min(xs.Min(), ys.Min()));
            hi = Math.Max(hi, Math.Max(xs.Max(), ys.Max()));
            var dots = plot.Add.ScatterPoints(xs, ys, palette.GetColor(point.Index % 10));
            dots.MarkerSize = 5;
            dots.LegendText = $"p{point.Index} {ParameterLabels.Short(campaign, point)} (n = {pairs.Count})";
        }
        if (drawn > 0)
        {
            double pad = Math.Max(0.1, 0.05 * (hi - lo));
            var diagonal = plot.Add.Line(lo - pad, lo - pad, hi + pad, hi + pad);
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.Color = Colors.Gray;
            diagonal.LegendText = "measured = guaranteed";
            plot.Axes.SetLimits(lo - pad, hi + pad, lo - pad, hi + pad);
        }
        plot.Axes.Left.TickGenerator = Decades(lo, hi);
        plot.Axes.Bottom.TickGenerator = Decades(lo, hi);
        plot.Title($"Measured vs guaranteed rate: {drawn} samples, {below} below the line, {outside} not drawn");
        plot.XLabel("guaranteed rate ρ (prop2_rate, log scale)");
        plot.YLabel("measured tail rate (log scale)");
        plot.ShowLegend(Alignment.LowerRight);
    }

    /// <summary>Ticks at the decades of a log10 axis, labelled with the values (the axes span up to several decades).</summary>
    private static ScottPlot.TickGenerators.NumericManual Decades(double lo, double hi)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        if (!(hi >= lo)) return ticks;
        for (int e = (int)Math.Floor(lo) - 1; e <= (int)Math.Ceiling(hi) + 1; e++) ticks.AddMajor(e, Display.Short(Math.Pow(10, e)));
        return ticks;
    }
}

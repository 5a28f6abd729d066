using System.Globalization;
using ScottPlot;
using Sweep.Results.Output;
using Sweep.Campaigns;
using Sweep.Results.Statistics;

namespace Sweep.Reporting.Figures;

/// <summary>
/// S(t) = P(t_global &gt; t) per point on log-log axes with exact pointwise 95% bands (<see cref="SurvivalCurve"/>),
/// one panel per group of points that differ only in init.scale (all points in one panel otherwise).
/// </summary>
public static class SurvivalCurves
{
    public const string Caption =
        "Survival of the certified time: S(t) = share of non-diverged samples not yet certified global at t (t_global > t), log-log axes, per point, " +
        "with exact pointwise 95% (Clopper–Pearson) bands (dashed). Drawn only up to the point's earliest censoring (a sample stopped by its step budget " +
        "or the horizon without a certificate), where the count is exactly binomial; a dot marks that end. A certified saddle never leaves. " +
        "Legend: the Hill estimate of the tail exponent α of t_global (top 10% of the samples, 95% interval, exact only if that tail is Pareto; α < 1 would mean an infinite mean under a Pareto tail), when no sample is censored.";

    /// <summary>The curves from every sample's record (<see cref="LawSamples"/>).</summary>
    public static string Draw(string outDir, string name, string context, IEnumerable<int> points, Campaign campaign, LawSamples samples, IReadOnlyList<LawsTable.PointLaws> laws) =>
        Draw(outDir, name, context, points, campaign, p => samples.Global(p) is { Count: > 0 } times ? (SurvivalCurve.Compute(times.ToList()), times.Count) : null, laws);

    /// <summary>The curves from the points' merged statistics (<see cref="BinnedEventTimes"/>, aggregate storage).</summary>
    public static string Draw(string outDir, string name, string context, IEnumerable<int> points, Campaign campaign, IReadOnlyList<BinnedEventTimes?> times, IReadOnlyList<LawsTable.PointLaws> laws) =>
        Draw(outDir, name, context, points, campaign, p => times[p] is { N: > 0 } t ? (SurvivalCurve.Compute(t), t.N) : null, laws);

    private static string Draw(string outDir, string name, string context, IEnumerable<int> points, Campaign campaign,
        Func<int, ((IReadOnlyList<SurvivalStep> Steps, double ValidUntil) Curve, long N)?> curveOf, IReadOnlyList<LawsTable.PointLaws> laws)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int c = 0;
        foreach (int p in points)
        {
            if (curveOf(p) is not { } curve) continue;
            var ((steps, until), n) = curve;
            var color = palette.GetColor(c++ % 10);
            double floor = 0.5 / n;
            double first = steps.Count > 1 ? steps[1].Time : double.IsFinite(until) ? until : 1;
            double end = double.IsFinite(until) ? until : steps[^1].Time;
            double t0 = first / Math.Sqrt(10);
            if (!(t0 > 0)) continue;
            var (xs, ys, lo, hi) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (int i = 0; i < steps.Count; i++)
            {
                double a = i == 0 ? t0 : steps[i].Time, b = i + 1 < steps.Count ? steps[i + 1].Time : end;
                if (!(a > 0) || b < a) continue;
                foreach (var t in new[] { a, b })
                {
                    xs.Add(Math.Log10(t));
                    ys.Add(Math.Log10(Math.Max(steps[i].Share, floor)));
                    lo.Add(Math.Log10(Math.Max(steps[i].Low, floor)));
                    hi.Add(Math.Log10(Math.Max(steps[i].High, floor)));
                }
            }
            var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
            line.LineWidth = 2;
            var l = laws[p];
            string alpha = l.HillGlobal is { } h ? $"α = {h.Alpha:0.00} [{h.Low:0.00}, {h.High:0.00}]" : "α: censored";
            // Only where n ≥ 10⁵ (aggregate campaigns): the top 1% beside the top 10% (docs/laws.md).
            if (l.HillGlobalDeep is { } d) alpha += $"; top 1%: {d.Alpha:0.00} [{d.Low:0.00}, {d.High:0.00}]";
            line.LegendText = $"p{p} {Drawing.ParamText(campaign.Points[p])} — n = {n}, {alpha}";
            foreach (var band in new[] { lo, hi })
            {
                var b = plot.Add.ScatterLine(xs.ToArray(), band.ToArray(), color);
                b.LinePattern = LinePattern.Dashed;
                b.LineWidth = 1;
            }
            if (double.IsFinite(until))
            {
                plot.Add.Marker(Math.Log10(until), ys[^1], MarkerShape.FilledCircle, 8, color);
            }
        }
        plot.Axes.Bottom.TickGenerator = Drawing.LogTicks(x => Math.Pow(10, x).ToString("0.###E+0", CultureInfo.InvariantCulture));
        Drawing.LogY(plot);
        plot.Title($"Survival of t_global (log-log){context}");
        plot.XLabel("time t (log scale)");
        plot.YLabel("P(t_global > t) (log scale)");
        plot.ShowLegend(Alignment.LowerLeft);
        return Drawing.Save(plot, outDir, name);
    }
}

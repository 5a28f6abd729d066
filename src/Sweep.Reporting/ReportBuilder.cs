using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScottPlot;
using Sweep.Numerics.Integration;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using Sweep.Results.Storage;
using Sweep.Numerics.Problems;
using Sweep.Results;

namespace Sweep.Reporting;

/// <summary>What was written: the HTML page and every figure (PNG and SVG), all under DIR/report.</summary>
public sealed record ReportResult(string IndexPath, IReadOnlyList<string> Figures, bool Partial);

/// <summary>
/// `sweep report`: figures (ScottPlot, PNG + SVG) and a self-contained HTML page from the stored samples of a finished
/// or running campaign. Everything is derived from the store, so a report of a running campaign is simply marked partial.
/// </summary>
public static class ReportBuilder
{
    private const int Width = 900, Height = 540, MaxPanels = 12;
    private static string F(double v) => Display.Short(v);

    public static ReportResult Build(string dir)
    {
        var (campaign, store) = StoredCampaign.Open(dir);
        List<SampleRecord> samples;
        List<(int Point, long Sample, double[] Time, double[] Loss)> traces;
        List<Provenance> builds;
        using (store)
        {
            samples = store.ReadSamples().ToList();
            traces = store.ReadTraces();
            var (created, list) = StoreProvenance.Read(store);
            builds = list.Count > 0 ? list : created is null ? [] : [created];
        }
        var summaries = OutputWriter.Aggregate(campaign, samples).Select(s => s.Summarize()).ToList();
        bool partial = samples.Count < campaign.TotalSamples;
        string outDir = Path.Combine(dir, "report");
        Directory.CreateDirectory(outDir);
        var figures = new List<(string Name, string Caption)>();

        var axes = SweepAxes(campaign);
        foreach (var axis in axes)
            foreach (var group in axis.Groups.Take(MaxPanels))
            {
                string suffix = axes.Count == 1 && axis.Groups.Count == 1 ? axis.Slug : $"{axis.Slug}-{figures.Count}";
                figures.Add((BasinFractions(outDir, campaign, summaries, axis, group, $"fractions-{suffix}"),
                    $"Share of each label at the stop (of all samples; diverged samples have no label) against {axis.Key}{group.Context}, with exact 95% (Clopper–Pearson) intervals. A label says where a sample was when it stopped, not where it goes: see the outcomes for what is certified."));
                figures.Add((SaddleMass(outDir, summaries, axis, group, $"saddle-mass-{suffix}"),
                    $"Saddle-basin mass against {axis.Key}{group.Context} (log scale), bracketed by what is certified: the upper bound (certified saddles + unresolved samples) with its exact one-sided 95% bound (triangles), and the lower bound (certified saddles only) with its 95% lower bound where it is above 0. The conjecture says the lower bound is 0 for generic starts and the upper bound tends to 0 as the horizon grows."));
                if (group.Points.Any(p => summaries[p].Itineraries is not null))
                {
                    figures.Add((ItineraryShares(outDir, summaries, axis, group, $"itineraries-{suffix}"),
                        $"Saddle-to-saddle itineraries against {axis.Key}{group.Context}: the share of each of the most frequent label sequences (the Z rule at every accepted step, first label at t = 0) among the samples with an itinerary, with exact 95% (Clopper–Pearson) intervals; rarer sequences are pooled as 'other'."));
                    figures.Add((DwellTimes(outDir, summaries, axis, group, $"dwell-times-{suffix}"),
                        $"Dwell time at each saddle visited against {axis.Key}{group.Context} (log scale): the median (marker) and the 10%–90% range over the samples that entered it. A dwell still running at the stop is censored; a quantile that reaches into the censored share is not drawn (a hollow marker at the largest quantile known)."));
                }
            }
        figures.Add((Uncertified(outDir, campaign, samples, "uncertified-share"),
            "Share of samples not yet certified global against time (log-time axis), per point: the upper bound on the saddle-basin mass that a horizon at t would give. The overfitting conjecture says it tends to 0; the dotted line marks the horizon, beyond which nothing is known."));
        figures.Add((HitTimes(outDir, campaign, samples, "hitting-times"),
            "Empirical CDF of the hitting time (L − L_min ≤ eps_hit) per point, as a fraction of all non-diverged samples; the gap to 1 at the right is the censored share (never hit by the stop)."));
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            var mine = traces.Where(t => t.Point == point.Index).ToList();
            if (mine.Count == 0) continue;
            figures.Add((Traces(outDir, point, mine, $"traces-p{point.Index}"),
                $"Loss gap L − L_min of the traced trajectories of point {point.Index} (log scale); dashed lines mark the critical values L_S they pass, named by S."));
        }

        string index = Path.Combine(outDir, "index.html");
        File.WriteAllText(index, Html(campaign, summaries, figures, partial, samples.Count, builds), new UTF8Encoding(false));
        return new ReportResult(index, figures.Select(f => f.Name).ToList(), partial);
    }

    // ---- sweep axes -------------------------------------------------------------------------------------------------

    private sealed record Group(string Context, IReadOnlyList<int> Points);
    private sealed record Axis(string Key, string Slug, bool Numeric, IReadOnlyList<Group> Groups, Func<int, double> X, IReadOnlyList<(double, string)> Ticks, bool LogX = false);

    /// <summary>One axis per swept key; the points sharing the values of all other keys form a group (one panel each).</summary>
    private static List<Axis> SweepAxes(Campaign campaign)
    {
        var points = campaign.Points;
        var keys = points[0].Params.Select(p => p.Key).ToList();
        if (keys.Count == 0)
            return [new Axis("point", "point", false, [new Group("", [0])], _ => 0, [(0, "point 0")])];
        var axes = new List<Axis>();
        foreach (var key in keys)
        {
            string Value(int p) => points[p].Params.First(kv => kv.Key == key).Value?.ToJsonString() ?? "null";
            var distinct = points.Select(p => Value(p.Index)).Distinct().ToList();
            bool numeric = points.All(p => points[p.Index].Params.First(kv => kv.Key == key).Value?.GetValueKind() == JsonValueKind.Number);
            double Raw(int p) => points[p].Params.First(kv => kv.Key == key).Value!.GetValue<double>();
            // Geometric sweeps (all positive, spanning ≥ 8×) read best on a log axis, ticked at the swept values.
            bool logX = numeric && points.All(p => Raw(p.Index) > 0) && points.Max(p => Raw(p.Index)) >= 8 * points.Min(p => Raw(p.Index));
            Func<int, double> x = !numeric ? p => distinct.IndexOf(Value(p)) : logX ? p => Math.Log10(Raw(p)) : Raw;
            var ticks = !numeric ? distinct.Select((v, i) => ((double)i, v)).ToList()
                : logX ? points.Select(p => Raw(p.Index)).Distinct().Select(v => (Math.Log10(v), v.ToString("G4", CultureInfo.InvariantCulture))).ToList()
                : new List<(double, string)>();
            var groups = points.GroupBy(p => string.Join(", ", p.Params.Where(kv => kv.Key != key).Select(kv => $"{kv.Key} = {kv.Value?.ToJsonString()}")))
                .Select(g => new Group(g.Key.Length == 0 ? "" : $" ({g.Key})", g.Select(p => p.Index).OrderBy(x).ToList()))
                .ToList();
            string slug = new string(key.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
            axes.Add(new Axis(key, slug, numeric, groups, x, ticks, logX));
        }
        return axes;
    }

    private static void ApplyAxis(Plot plot, Axis axis)
    {
        plot.XLabel(axis.LogX ? $"{axis.Key} (log scale)" : axis.Key);
        if (axis.Ticks.Count > 0) plot.Axes.Bottom.SetTicks(axis.Ticks.Select(t => t.Item1).ToArray(), axis.Ticks.Select(t => t.Item2).ToArray());
    }

    // ---- figures ----------------------------------------------------------------------------------------------------

    private static string BasinFractions(string outDir, Campaign campaign, List<PointSummary> summaries, Axis axis, Group group, string name)
    {
        var plot = new Plot();
        var labels = group.Points.SelectMany(p => summaries[p].Labels.Select(l => l.Label)).Distinct()
            .OrderBy(l => CriticalValues.ParseLabel(l) ?? int.MaxValue).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        for (int li = 0; li < labels.Count; li++)
        {
            var label = labels[li];
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            foreach (var p in group.Points)
            {
                var s = summaries[p];
                if (s.Samples == 0) continue;
                var l = s.Labels.FirstOrDefault(x => x.Label == label);
                double frac = l?.Fraction ?? 0;
                var ci = l?.Ci95 ?? ClopperPearson.Interval95(0, s.Samples);
                xs.Add(axis.X(p)); ys.Add(frac); lo.Add(frac - ci.Low); hi.Add(ci.High - frac);
            }
            if (xs.Count == 0) continue;
            var color = palette.GetColor(li);
            bool global = campaign.Points[group.Points[0]].Problem.CriticalValues.GlobalMask == CriticalValues.ParseLabel(label);
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
            line.LegendText = global ? $"{label} (global min)" : label;
            line.MarkerSize = 7;
            var eb = plot.Add.ErrorBar(xs, ys, hi);
            eb.YErrorNegative = lo;
            eb.YErrorPositive = hi;
            eb.Color = color;
        }
        plot.Title($"Basin fractions vs {axis.Key}{group.Context}");
        ApplyAxis(plot, axis);
        plot.YLabel("fraction of samples");
        plot.Axes.SetLimitsY(-0.03, 1.03);
        plot.ShowLegend(Edge.Right);
        return Save(plot, outDir, name);
    }

    private static string SaddleMass(string outDir, List<PointSummary> summaries, Axis axis, Group group, string name)
    {
        var plot = new Plot();
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
        return Save(plot, outDir, name);
    }

    /// <summary>The shares of the most frequent itineraries (over the group's points), one series per sequence, and the rest as 'other'.</summary>
    private static string ItineraryShares(string outDir, List<PointSummary> summaries, Axis axis, Group group, string name, int shown = 6)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var its = group.Points.Where(p => summaries[p].Itineraries is not null).ToList();
        var sequences = its.SelectMany(p => summaries[p].Itineraries!.Sequences)
            .GroupBy(q => q.Sequence).OrderByDescending(g => g.Sum(q => q.Fraction)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(shown).Select(g => g.Key).ToList();
        for (int k = 0; k <= sequences.Count; k++)
        {
            bool other = k == sequences.Count;
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            foreach (var p in its)
            {
                var it = summaries[p].Itineraries!;
                long count = other ? it.Count - it.Sequences.Where(q => sequences.Contains(q.Sequence)).Sum(q => q.Count)
                    : it.Sequences.FirstOrDefault(q => q.Sequence == sequences[k])?.Count ?? 0;
                if (other && count == 0) continue;
                double frac = (double)count / it.Count;
                var ci = ClopperPearson.Interval95(count, it.Count);
                xs.Add(axis.X(p)); ys.Add(frac); lo.Add(frac - ci.Low); hi.Add(ci.High - frac);
            }
            if (xs.Count == 0) continue;
            var color = other ? Colors.Gray : palette.GetColor(k);
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
            line.LegendText = other ? "other" : sequences[k];
            line.MarkerSize = 7;
            var eb = plot.Add.ErrorBar(xs, ys, hi);
            eb.YErrorNegative = lo;
            eb.YErrorPositive = hi;
            eb.Color = color;
        }
        plot.Title($"Itineraries vs {axis.Key}{group.Context}");
        ApplyAxis(plot, axis);
        plot.YLabel("fraction of samples with an itinerary");
        plot.Axes.SetLimitsY(-0.03, 1.03);
        plot.ShowLegend(Edge.Right);
        return Save(plot, outDir, name);
    }

    /// <summary>Per saddle: the median dwell time with its 10%–90% range, on a log axis; censored quantiles are left out.</summary>
    private static string DwellTimes(string outDir, List<PointSummary> summaries, Axis axis, Group group, string name)
    {
        var plot = new Plot();
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
                var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
                line.LegendText = $"at {labels[li]}";
                line.MarkerSize = 7;
                var eb = plot.Add.ErrorBar(xs, ys, hi);
                eb.YErrorNegative = lo;
                eb.YErrorPositive = hi;
                eb.Color = color;
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
        plot.Title($"Dwell time at each saddle vs {axis.Key}{group.Context}");
        ApplyAxis(plot, axis);
        plot.YLabel("dwell time (log scale)");
        plot.ShowLegend(Edge.Right);
        return Save(plot, outDir, name);
    }

    /// <summary>1 − (certified global by t) / n per point on a log-time axis, with the horizon marked.</summary>
    private static string Uncertified(string outDir, Campaign campaign, List<SampleRecord> samples, string name)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double horizon = 0, first = double.PositiveInfinity;
        bool descent = false;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            var mine = samples.Where(s => s.Point == point.Index && s.Outcome != Outcome.Diverged).ToList();
            if (mine.Count == 0) continue;
            descent = point.Spec.Dynamics.Discrete;
            horizon = Math.Max(horizon, point.Spec.Horizon);
            var curve = PointStatistics.UncertifiedShare(mine.Select(s => s.GlobalTime), mine.Count);
            // Log time: the start (t = 0) sits one decade below the first certification (or the horizon).
            double t0 = curve.Count > 1 ? Math.Max(curve[1].Time, 1e-9 * point.Spec.Horizon) : point.Spec.Horizon;
            first = Math.Min(first, t0 / 10);
            var xs = curve.Select((c, i) => Math.Log10(i == 0 ? t0 / 10 : Math.Max(c.Time, t0 / 10))).Append(Math.Log10(point.Spec.Horizon)).ToArray();
            var ys = curve.Select(c => c.Share).Append(curve[^1].Share).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(point.Index % 10));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.LegendText = $"p{point.Index} {ParamText(point)} — {curve[^1].Share:P1} at the horizon";
        }
        if (horizon > 0)
        {
            var v = plot.Add.VerticalLine(Math.Log10(horizon), 1, Colors.Gray, LinePattern.Dotted);
            v.Text = "horizon";
        }
        plot.Axes.Bottom.TickGenerator = LogTicks(x => Display.Short(Math.Pow(10, x)));
        plot.Title("Share not yet certified global (log time)");
        plot.XLabel(descent ? "iteration (log scale)" : "time t (log scale)");
        plot.YLabel("share of non-diverged samples");
        plot.Axes.SetLimitsY(-0.02, 1.05);
        plot.ShowLegend(Alignment.LowerLeft);
        return Save(plot, outDir, name);
    }

    private static string HitTimes(string outDir, Campaign campaign, List<SampleRecord> samples, string name)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double horizon = 0;
        bool descent = false;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            var mine = samples.Where(s => s.Point == point.Index && s.Status != SampleStatus.Diverged).ToList();
            if (mine.Count == 0) continue;
            var hits = mine.Where(s => !double.IsNaN(s.HitTime)).Select(s => s.HitTime).OrderBy(t => t).ToArray();
            descent = point.Spec.Dynamics.Discrete;
            double pointHorizon = point.Spec.Horizon;
            horizon = Math.Max(horizon, pointHorizon);
            var xs = new List<double> { 0 }; var ys = new List<double> { 0 };
            for (int i = 0; i < hits.Length; i++) { xs.Add(hits[i]); ys.Add((i + 1.0) / mine.Count); }
            xs.Add(pointHorizon); ys.Add((double)hits.Length / mine.Count);
            var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), palette.GetColor(point.Index % 10));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            double censored = 1 - (double)hits.Length / mine.Count;
            line.LegendText = $"p{point.Index} {ParamText(point)} — censored {censored:P0}";
        }
        if (horizon > 0)
        {
            var v = plot.Add.VerticalLine(horizon, 1, Colors.Gray, LinePattern.Dotted);
            v.Text = "horizon";
        }
        plot.Title("Hitting-time distribution (empirical CDF; censored samples never reach 1)");
        plot.XLabel(descent ? "iterations to L − L_min ≤ eps_hit" : "time to L − L_min ≤ eps_hit");
        plot.YLabel("fraction of non-diverged samples");
        plot.Axes.SetLimitsY(-0.02, 1.05);
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, outDir, name);
    }

    private static string Traces(string outDir, CampaignPoint point, List<(int Point, long Sample, double[] Time, double[] Loss)> traces, string name)
    {
        var plot = new Plot();
        var cv = point.Problem.CriticalValues;
        const double floor = 1e-16;
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var (_, sample, time, loss) in traces)
        {
            var gaps = loss.Select(l => Math.Max(l - cv.GlobalMinimum, floor)).ToArray();
            var line = plot.Add.ScatterLine(time, gaps.Select(Math.Log10).ToArray(), palette.GetColor(k++ % 10));
            line.LineWidth = 2;
            line.LegendText = $"sample {sample}";
        }
        // The critical values the traces pass: plateaus where the loss stays within 0.3% of L_S for ≥ 2% of the time span.
        var passed = new SortedSet<int>();
        double tEnd = traces.Max(t => t.Time[^1]);
        foreach (var (_, _, time, loss) in traces)
        {
            double span = time[^1] - time[0];
            if (span <= 0) continue;
            for (int mask = 0; mask < (1 << cv.Modes); mask++)
            {
                double value = cv.Value(mask), tol = 0.003 * Math.Max(cv.GapAboveMinimum(mask), 1e-300);
                double inside = 0;
                for (int i = 1; i < time.Length; i++)
                    if (Math.Abs(loss[i] - value) <= tol && Math.Abs(loss[i - 1] - value) <= tol) inside += time[i] - time[i - 1];
                if (inside >= 0.02 * span && mask != cv.GlobalMask) passed.Add(mask);
            }
        }
        foreach (var mask in passed)
        {
            double y = Math.Log10(cv.GapAboveMinimum(mask));
            var h = plot.Add.HorizontalLine(y, 1, Colors.Gray, LinePattern.Dashed);
            h.ExcludeFromLegend = true;
            var name_ = plot.Add.Text($"L{CriticalValues.Label(mask)} = {F(cv.Value(mask))}", tEnd, y);
            name_.LabelAlignment = Alignment.LowerRight;
            name_.LabelFontSize = 12;
            name_.LabelFontColor = Colors.DimGray;
        }
        LogY(plot);
        plot.Title($"Traced trajectories, point {point.Index} {ParamText(point)}");
        plot.XLabel(point.Spec.Dynamics.Discrete ? "iteration" : "time t");
        plot.YLabel("L − L_min (log scale)");
        plot.ShowLegend(Alignment.LowerLeft);
        return Save(plot, outDir, name);
    }

    private static string ParamText(CampaignPoint p) =>
        p.Params.Count == 0 ? "" : "(" + string.Join(", ", p.Params.Select(kv => $"{kv.Key} = {kv.Value?.ToJsonString()}")) + ")";

    /// <summary>Data are plotted as log10(y); ticks are labelled with the values and minor ticks follow a log pattern.</summary>
    private static void LogY(Plot plot) =>
        plot.Axes.Left.TickGenerator = LogTicks(y => Math.Pow(10, y).ToString("0.###E+0", CultureInfo.InvariantCulture));

    /// <summary>Ticks for an axis that holds log10 of the values: one per decade, log-spaced minor ticks between.</summary>
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks(Func<double, string> label) => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = label,
    };

    private static string Save(Plot plot, string outDir, string name)
    {
        plot.SavePng(Path.Combine(outDir, name + ".png"), Width, Height);
        plot.SaveSvg(Path.Combine(outDir, name + ".svg"), Width, Height);
        return name;
    }

    // ---- HTML -------------------------------------------------------------------------------------------------------

    private static string Quantiles(TimeQuantiles t) =>
        $"{t.Count} observed, p10 {Q(t.P10)}, p50 {Q(t.P50)}, p90 {Q(t.P90)}";

    private static string Q(double? v) => v is { } x ? F(x) : "censored";

    private static string Html(Campaign campaign, List<PointSummary> summaries, List<(string Name, string Caption)> figures, bool partial, long done, List<Provenance> builds)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(campaign.Name)).Append(" — ActorSweep report</title>");
        sb.Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td.l{text-align:left}.partial{background:#fff3cd;border:1px solid #e0c060;padding:.6em}figure{margin:1.5em 0}figcaption{font-size:90%;color:#555}pre{background:#f8f8f8;padding:1em;overflow:auto}</style></head><body>");
        sb.Append("<h1>").Append(E(campaign.Name)).Append("</h1>");
        sb.Append($"<p>Campaign hash <code>{campaign.Hash[..16]}</code>; {campaign.Points.Count} point(s) × {campaign.Samples} samples; seed {campaign.Seed}; report generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.</p>");
        if (partial)
            sb.Append($"<p class=\"partial\"><b>Partial:</b> {done} of {campaign.TotalSamples} samples are stored; the campaign is still running or was stopped. Estimates will change.</p>");
        // Which builds produced these samples, and on what: the store records every build that ran the campaign.
        if (builds.Count > 0)
            sb.Append("<p>Samples computed by: ").Append(string.Join("; then ", builds.Select(b => E(b.ToString())))).Append(".</p>");
        sb.Append($"<p>Report written by {E(Provenance.Current.ToString())}.</p>");
        sb.Append("<h2>Summary per point</h2>");
        foreach (var s in summaries)
        {
            var p = campaign.Points[s.Point];
            sb.Append($"<h3>Point {s.Point} {E(ParamText(p))}</h3>");
            sb.Append($"<p>{s.Samples} samples: {s.Converged} converged, {s.Horizon} at the horizon, {s.Diverged} diverged. Global minimum L_min = {F(p.Problem.CriticalValues.GlobalMinimum)}; singular values {E(string.Join(", ", p.Problem.Spectrum.SingularValues.Select(F)))}.");
            sb.Append(" Outcomes: " + string.Join(", ", s.Outcomes.Select(o => $"{o.Count} {SampleColumns.NameOf(o.Outcome)} ({F(o.Fraction)}, 95% CI [{F(o.Ci95.Low)}, {F(o.Ci95.High)}])")) + ".");
            if (s.SaddleMass is { } m)
                sb.Append($" Saddle-basin mass between {F(m.Lower)} (95% lower bound {F(m.Lower95)}; certified saddles) and {F(m.Upper)} (95% upper bound {F(m.Upper95)}; with the unresolved).");
            sb.Append($" Certified global at t (all non-diverged samples, censored at the horizon): {Quantiles(s.GlobalTimes)}; hit L − L_min ≤ eps_hit: {Quantiles(s.HitTimes)}.");
            if (s.Itineraries is { Sequences.Count: > 0 } it)
                sb.Append($" Itineraries ({it.Count} samples): " + string.Join(", ", it.Sequences.Take(3).Select(q => $"{E(q.Sequence)} {q.Count} ({F(q.Fraction)})"))
                    + (it.Sequences.Count > 3 || it.Other > 0 ? ", …" : "") + "; median dwell " + string.Join(", ", it.Dwell.Select(d => $"at {E(d.Label)} {Q(d.P50)}")) + ".");
            if (s.FlowDiverged > 0) sb.Append($" <b>Warning:</b> {E(OutputWriter.FlowDivergedWarning(s.FlowDiverged))}.");
            sb.Append("</p><table><tr><th>label S</th><th>critical value L_S</th><th>count</th><th>fraction</th><th>95% CI</th></tr>");
            foreach (var l in s.Labels)
                sb.Append($"<tr><td class=\"l\">{E(l.Label)}</td><td>{F(l.CriticalValue)}</td><td>{l.Count}</td><td>{F(l.Fraction)}</td><td>[{F(l.Ci95.Low)}, {F(l.Ci95.High)}]</td></tr>");
            sb.Append("</table>");
        }
        sb.Append("<h2>Figures</h2>");
        foreach (var (name, caption) in figures)
            sb.Append($"<figure><img src=\"{name}.png\" alt=\"{E(caption)}\" width=\"{Width}\"><figcaption>{E(caption)} <a href=\"{name}.svg\">SVG</a></figcaption></figure>");
        sb.Append("<h2>Campaign file (normalised)</h2><pre>")
          .Append(E(JsonNode.Parse(campaign.NormalizedJson)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true })))
          .Append("</pre></body></html>");
        return sb.ToString();
    }
}

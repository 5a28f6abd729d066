using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScottPlot;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Campaigns;
using Sweep.Campaigns.Methods;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using Sweep.Results.Storage;
using Sweep.Numerics.Problems;
using Sweep.Results;
using Sweep.Reporting.Figures;

namespace Sweep.Reporting;

/// <summary>What was written: the HTML page and every figure (PNG and SVG), all under DIR/report (or the folder asked for).</summary>
public sealed record ReportResult(string IndexPath, IReadOnlyList<string> Figures, bool Partial);

/// <summary>
/// `sweep report`: figures (ScottPlot, PNG + SVG) and a self-contained HTML page from the stored samples of a finished
/// or running campaign. Everything is derived from the store, so a report of a running campaign is simply marked partial.
/// The samples are streamed shard by shard into each point's statistics (bounded memory: exact time distributions up to
/// 65 536 event times per point, then the same log-binned histogram as summary.json's quantiles), and the figures of
/// time distributions are drawn from those.
/// </summary>
public static class ReportBuilder
{
    private const int Width = 900, Height = 540, MaxPanels = 12;
    private static string F(double v) => Display.Short(v);

    /// <param name="outDir">Where to write (default DIR/report).</param>
    public static ReportResult Build(string dir, string? outDir = null)
    {
        var (campaign, store) = StoredCampaign.Open(dir);
        IReadOnlyList<PointStatistics> stats;
        List<(int Point, long Sample, double[] Time, double[] Loss)> traces;
        List<Provenance> builds;
        var eigen = new AnalysedEigenvalues();
        var tails = new TailRatesByOutcome();
        var laws = new LawSamples(campaign.Points.Count);
        PrefixWalk? walk = null;
        using (store)
        {
            // With a target, each point's samples up to its stop (what samples.csv and summary.json hold).
            if (campaign.Target is null)
                stats = OutputWriter.Aggregate(campaign, store.ReadSamples().Select(r => { eigen.Observe(r); tails.Observe(r); laws.Observe(r); return r; }));
            else
            {
                walk = new PrefixWalk(campaign);
                foreach (var r in walk.Filter(store.ReadSamples())) { eigen.Observe(r); tails.Observe(r); laws.Observe(r); }
                stats = walk.Stats;
            }
            traces = store.ReadTraces();
            var (created, list) = StoreProvenance.Read(store);
            builds = list.Count > 0 ? list : created is null ? [] : [created];
        }
        var summaries = stats.Select(s => s.Summarize()).ToList();
        long done = stats.Sum(s => s.Count);
        bool partial = walk is null ? done < campaign.TotalSamples : !walk.AllStopped;
        outDir ??= Path.Combine(dir, "report");
        Directory.CreateDirectory(outDir);
        var figures = new List<(string Name, string Caption)>();

        var axes = SweepAxes(campaign);
        foreach (var axis in axes)
            foreach (var group in axis.Groups.Take(MaxPanels))
            {
                string suffix = axes.Count == 1 && axis.Groups.Count == 1 ? axis.Slug : $"{axis.Slug}-{figures.Count}";
                figures.Add((BasinFractions(outDir, campaign, summaries, axis, group, $"fractions-{suffix}"),
                    $"Share of each label at the stop (of all samples; diverged samples have no label) against {axis.Key}{group.Context}, with exact 95% (Clopper–Pearson) intervals. A label says where a sample was when it stopped, not where it goes: see the outcomes for what is certified."));
                if (group.Points.Any(p => campaign.Points[p].Spec.Analyses.Hessian != HessianScope.None))
                {
                    figures.Add((StrictShare(outDir, summaries, axis, group, $"hessian-strict-{suffix}"),
                        $"Share of strict saddles (λ_min < −τ) among the samples whose Hessian was analysed, per label at the stop, against {axis.Key}{group.Context}, with exact 95% intervals; the legend counts the analysed samples. The Hessian is that of the state at the stop: near a non-strict saddle, a state still off it has negative curvature of the size of its distance to it."));
                    figures.Add((SmallestEigenvalues(outDir, campaign, eigen, axis, group, $"hessian-min-{suffix}"),
                        $"Smallest Hessian eigenvalue λ_min at the stop of every analysed sample against {axis.Key}{group.Context}, as −λ_min on a log scale (samples with λ_min ≥ 0 at the bottom edge); the black bars are τ, below which a negative eigenvalue does not count (non-strict)."));
                }
                if (group.Points.Any(p => campaign.Points[p].Spec.TailRate))
                    figures.Add((TailRates(outDir, tails, axis, group, $"tail-rate-{suffix}"),
                        $"Tail rate (the fitted exponential rate of L − L_min over the last decade before the stop) against {axis.Key}{group.Context}, per outcome (log scale): the median (marker) and the 10%–90% range over the samples with a rate; n in the legend. Converged samples sit at the linearised rate of the minimum they reach (2·N·s_min^(2−2/N) at a balanced one, i.e. for balanced starts; imbalanced starts differ), bounded away from 0; samples stopped on a plateau near 0. Rates ≤ 0 are not drawn."));
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
        if (SweepsDynamics(campaign))
        {
            figures.Add((MethodOutcomes(outDir, campaign, summaries, "methods-outcomes"),
                "Outcome fractions per method of the dynamics sweep (of all samples), with exact 95% (Clopper–Pearson) intervals: global = certified (for momentum, Nesterov, Adam and sgd with batch_size < m only by convergence at the global label), unresolved = neither certified nor diverged at max_iters."));
            figures.Add((MethodTimes(outDir, campaign, stats, "methods-times"),
                "Per method: share of non-diverged samples certified global by iteration k (t_global, solid) and share that hit L − L_min ≤ eps_hit by k (t_hit, dashed); the gap to 1 at the horizon is censored. The loss of momentum, Nesterov, Adam and sgd is not monotone, so they certify later than they hit."));
        }
        figures.Add((Uncertified(outDir, campaign, stats, "uncertified-share"),
            "Share of samples not yet certified global against time (log-time axis), per point: the upper bound on the saddle-basin mass that a horizon at t would give. The overfitting conjecture says it tends to 0; the dotted line marks the horizon, beyond which nothing is known."));
        figures.Add((HitTimes(outDir, campaign, stats, "hitting-times"),
            "Empirical CDF of the hitting time (L − L_min ≤ eps_hit) per point, as a fraction of all non-diverged samples; the gap to 1 at the right is the censored share (never hit by the stop)."));
        AddLaws(outDir, campaign, laws, figures);
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            var mine = traces.Where(t => t.Point == point.Index).ToList();
            if (mine.Count == 0) continue;
            figures.Add((Traces(outDir, point, mine, $"traces-p{point.Index}"),
                $"Loss gap L − L_min of the traced trajectories of point {point.Index} (log scale); dashed lines mark the critical values L_S they pass, named by S."));
        }

        string index = Path.Combine(outDir, "index.html");
        File.WriteAllText(index, Html(campaign, summaries, figures, partial, done, builds, walk?.States), new UTF8Encoding(false));
        return new ReportResult(index, figures.Select(f => f.Name).ToList(), partial);
    }

    /// <summary>Survival curves (one panel per depth when init.scale is swept), the escape-exponent figure with itineraries, and laws.json (docs/laws.md).</summary>
    private static void AddLaws(string outDir, Campaign campaign, LawSamples samples, List<(string Name, string Caption)> figures)
    {
        if (campaign.Points.Any(p => p.Spec.Dynamics.Discrete)) return;
        var points = campaign.Points.Select(p => LawsTable.Point(p, samples)).ToList();
        var groups = LawSamples.ScaleGroups(campaign);
        var fits = LawsTable.Groups(campaign, points);
        LawsTable.Write(outDir, points, fits);
        if (groups.Count == 0)
            figures.Add((SurvivalCurves.Draw(outDir, "survival", "", campaign.Points.Take(MaxPanels).Select(p => p.Index), campaign, samples, points), SurvivalCurves.Caption));
        else
            for (int g = 0; g < Math.Min(groups.Count, MaxPanels); g++)
                figures.Add((SurvivalCurves.Draw(outDir, groups.Count == 1 ? "survival" : $"survival-{g}", groups[g].Context.Length > 0 ? $" ({groups[g].Context})" : "",
                    groups[g].Points.Select(x => x.Point), campaign, samples, points), SurvivalCurves.Caption));
        if (samples.AnyItinerary && groups.Count > 0)
            figures.Add((EscapeExponents.Draw(outDir, "escape-exponents", groups, points, fits), EscapeExponents.Caption));
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

    /// <summary>Finishes a figure against a swept parameter (title, x axis, y label, the legend at the right; a share's y
    /// range when <paramref name="share"/>) and saves it.</summary>
    private static string SaveAgainst(Plot plot, Axis axis, string title, string yLabel, string outDir, string name, bool share = false)
    {
        plot.Title(title);
        ApplyAxis(plot, axis);
        plot.YLabel(yLabel);
        if (share) plot.Axes.SetLimitsY(-0.03, 1.03);
        plot.ShowLegend(Edge.Right);
        return Save(plot, outDir, name);
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
            MarkersWithBars(plot, xs, ys, lo, hi, color, global ? $"{label} (global min)" : label);
        }
        return SaveAgainst(plot, axis, $"Basin fractions vs {axis.Key}{group.Context}", "fraction of samples", outDir, name, share: true);
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

    /// <summary>Strict share per label (of the analysed samples) with exact intervals, against the swept parameter.</summary>
    private static string StrictShare(string outDir, List<PointSummary> summaries, Axis axis, Group group, string name)
    {
        var plot = new Plot();
        var labels = group.Points.SelectMany(p => summaries[p].Hessian.Select(h => h.Label)).Distinct()
            .OrderBy(l => CriticalValues.ParseLabel(l) ?? int.MaxValue).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        for (int li = 0; li < labels.Count; li++)
        {
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            long analysed = 0;
            foreach (var p in group.Points)
            {
                var h = summaries[p].Hessian.FirstOrDefault(x => x.Label == labels[li]);
                if (h is null) continue;
                long n = h.Strict + h.NonStrict;
                analysed += n;
                double share = (double)h.Strict / n;
                var ci = ClopperPearson.Interval95(h.Strict, n);
                xs.Add(axis.X(p)); ys.Add(share); lo.Add(share - ci.Low); hi.Add(ci.High - share);
            }
            var color = palette.GetColor(li);
            MarkersWithBars(plot, xs, ys, lo, hi, color, $"{labels[li]} ({analysed} analysed)");
        }
        return SaveAgainst(plot, axis, $"Strict saddles at the stop vs {axis.Key}{group.Context}", "share strict (λ_min < −τ)", outDir, name, share: true);
    }

    /// <summary>−λ_min of every analysed sample (log scale, slightly spread horizontally) with τ marked per point.</summary>
    private static string SmallestEigenvalues(string outDir, Campaign campaign, AnalysedEigenvalues eigen, Axis axis, Group group, string name)
    {
        var plot = new Plot();
        const double floor = 1e-12;
        var palette = new ScottPlot.Palettes.Category10();
        double spread = 0.15 * (group.Points.Count > 1 ? group.Points.Select(axis.X).Distinct().OrderBy(x => x).Zip(group.Points.Select(axis.X).Distinct().OrderBy(x => x).Skip(1), (a, b) => b - a).DefaultIfEmpty(1).Min() : 1);
        foreach (var p in group.Points)
        {
            var mine = eigen.Of(p);
            if (mine.Count == 0) continue;
            double x0 = axis.X(p);
            var xs = mine.Select((_, i) => x0 + spread * ((i * 0.618034) % 1 - 0.5)).ToArray();
            var ys = mine.Select(s => Math.Log10(Math.Max(-s.HessianMin, floor))).ToArray();
            var dots = plot.Add.ScatterPoints(xs, ys, palette.GetColor(p % 10));
            dots.MarkerSize = 4;
            dots.LegendText = $"p{p}: {mine.Count(s => s.HessianNegative > 0)} strict of {mine.Count}";
            double tau = HessianSpectrum.ToleranceFor(campaign.Points[p].Problem);
            var t = plot.Add.Line(x0 - spread, Math.Log10(tau), x0 + spread, Math.Log10(tau));
            t.Color = Colors.Black;
            t.LineWidth = 2;
        }
        LogY(plot);
        return SaveAgainst(plot, axis, $"Smallest Hessian eigenvalue at the stop vs {axis.Key}{group.Context}", "−λ_min (log scale; black bars: τ)", outDir, name);
    }

    /// <summary>The tail rates per (point, outcome), in bounded sketches (<see cref="TailStatistics"/>).</summary>
    private sealed class TailRatesByOutcome
    {
        private readonly Dictionary<(int, Outcome), TailStatistics> _rates = [];
        public void Observe(SampleRecord r)
        {
            if (double.IsNaN(r.TailRate)) return;
            if (!_rates.TryGetValue((r.Point, r.Outcome), out var s)) _rates[(r.Point, r.Outcome)] = s = new TailStatistics();
            s.Add(r with { InvariantEigenvalues = "" });
        }
        public TailStatistics? Of(int point, Outcome outcome) => _rates.GetValueOrDefault((point, outcome));
    }

    /// <summary>Per outcome: the median tail rate with its 10%–90% range on a log axis (positive rates).</summary>
    private static string TailRates(string outDir, TailRatesByOutcome rates, Axis axis, Group group, string name)
    {
        var plot = new Plot();
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
        return SaveAgainst(plot, axis, $"Tail rate vs {axis.Key}{group.Context}", "tail rate (log scale)", outDir, name);
    }

    /// <summary>λ_min of the analysed samples, kept per point up to a cap while the store streams by: a scatter needs
    /// no more dots, and the report's memory stays bounded (the strict counts come from the full statistics).</summary>
    private sealed class AnalysedEigenvalues
    {
        private const int MaxPerPoint = 20_000;
        private readonly Dictionary<int, List<SampleRecord>> _byPoint = [];
        public void Observe(SampleRecord r)
        {
            if (double.IsNaN(r.HessianMin)) return;
            if (!_byPoint.TryGetValue(r.Point, out var list)) _byPoint[r.Point] = list = [];
            if (list.Count < MaxPerPoint) list.Add(r);
        }
        public List<SampleRecord> Of(int point) => _byPoint.TryGetValue(point, out var list) ? list : [];
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
            MarkersWithBars(plot, xs, ys, lo, hi, color, other ? "other" : sequences[k]);
        }
        return SaveAgainst(plot, axis, $"Itineraries vs {axis.Key}{group.Context}", "fraction of samples with an itinerary", outDir, name, share: true);
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
        return SaveAgainst(plot, axis, $"Dwell time at each saddle vs {axis.Key}{group.Context}", "dwell time (log scale)", outDir, name);
    }

    /// <summary>1 − (certified global by t) / n per point on a log-time axis, with the horizon marked.</summary>
    private static string Uncertified(string outDir, Campaign campaign, IReadOnlyList<PointStatistics> stats, string name)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double horizon = 0, first = double.PositiveInfinity;
        bool descent = false;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            long n = stats[point.Index].NonDiverged;
            if (n == 0) continue;
            descent = point.Spec.Dynamics.Discrete;
            horizon = Math.Max(horizon, point.Spec.Horizon);
            var curve = PointStatistics.UncertifiedShare(stats[point.Index].GlobalTimeSteps(), n);
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

    private static string HitTimes(string outDir, Campaign campaign, IReadOnlyList<PointStatistics> stats, string name)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double horizon = 0;
        bool descent = false;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            long n = stats[point.Index].NonDiverged;
            if (n == 0) continue;
            descent = point.Spec.Dynamics.Discrete;
            double pointHorizon = point.Spec.Horizon;
            horizon = Math.Max(horizon, pointHorizon);
            var (xs, ys, hitCount) = CdfSteps(stats[point.Index].HitTimeSteps(), n, pointHorizon, t => t);
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(point.Index % 10));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            double censored = 1 - (double)hitCount / n;
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

    /// <summary>
    /// A time distribution as a step line: 0 at time 0, the share of <paramref name="n"/> reached at each event time,
    /// held to the horizon; times drawn at <paramref name="x"/>(t). Returns the count reached by the horizon too.
    /// </summary>
    private static (double[] Xs, double[] Ys, long Reached) CdfSteps(IEnumerable<(double Time, long Cumulative)> steps, long n, double horizon, Func<double, double> x)
    {
        var xs = new List<double> { x(0) }; var ys = new List<double> { 0 };
        long reached = 0;
        foreach (var (t, cumulative) in steps) { xs.Add(x(t)); ys.Add((double)cumulative / n); reached = cumulative; }
        xs.Add(x(horizon)); ys.Add((double)reached / n);
        return (xs.ToArray(), ys.ToArray(), reached);
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

    internal static string ParamText(CampaignPoint p) =>
        p.Params.Count == 0 ? "" : "(" + string.Join(", ", p.Params.Select(kv => $"{kv.Key} = {kv.Value?.ToJsonString()}")) + ")";

    /// <summary>Data are plotted as log10(y); ticks are labelled with the values and minor ticks follow a log pattern.</summary>
    internal static void LogY(Plot plot) =>
        plot.Axes.Left.TickGenerator = LogTicks(y => Math.Pow(10, y).ToString("0.###E+0", CultureInfo.InvariantCulture));

    /// <summary>Ticks for an axis that holds log10 of the values: one per decade, log-spaced minor ticks between.</summary>
    internal static ScottPlot.TickGenerators.NumericAutomatic LogTicks(Func<double, string> label) => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = label,
    };

    internal static string Save(Plot plot, string outDir, string name)
    {
        plot.SavePng(Path.Combine(outDir, name + ".png"), Width, Height);
        plot.SaveSvg(Path.Combine(outDir, name + ".svg"), Width, Height);
        return name;
    }

    // ---- optimizer comparison -------------------------------------------------------------------------------------

    /// <summary>True when the campaign sweeps the dynamics (the whole object, its method or a hyper-parameter).</summary>
    public static bool SweepsDynamics(Campaign campaign) =>
        campaign.Points.Count > 1 && campaign.Points[0].Params.Any(kv => kv.Key == "dynamics" || kv.Key.StartsWith("dynamics.", StringComparison.Ordinal));

    /// <summary>A method and its hyper-parameters in a few characters, for legends and ticks.</summary>
    public static string MethodText(Dynamics d) => MethodCatalog.Of(d)?.Label(d, F) ?? d.GetType().Name;

    /// <summary>Outcome fractions (global, saddle, unresolved, diverged) per point of a dynamics sweep, with exact 95% intervals.</summary>
    private static string MethodOutcomes(string outDir, Campaign campaign, List<PointSummary> summaries, string name)
    {
        var plot = new Plot();
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
            var words = MethodText(p.Spec.Dynamics).Split(' ');
            var lines = new List<string> { $"p{p.Index} {words[0]}" };
            for (int i = 1; i < words.Length; i += 2) lines.Add(string.Join(" ", words.Skip(i).Take(2)));
            return string.Join("\n", lines);
        }
        plot.Axes.Bottom.SetTicks(points.Select((_, i) => (double)i).ToArray(), points.Select(Tick).ToArray());
        plot.Axes.SetLimitsX(-0.6, points.Count - 0.4);
        plot.Axes.SetLimitsY(-0.03, 1.03);
        plot.Title("Outcomes by method");
        plot.YLabel("fraction of samples");
        plot.ShowLegend(Edge.Right);
        return Save(plot, outDir, name);
    }

    /// <summary>Per point of a dynamics sweep: share certified global by iteration k (solid) and share that hit L − L_min ≤ eps_hit by k (dashed).</summary>
    private static string MethodTimes(string outDir, Campaign campaign, IReadOnlyList<PointStatistics> stats, string name)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double horizon = 0;
        bool discrete = true;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            long n = stats[point.Index].NonDiverged;
            if (n == 0) continue;
            double h = point.Spec.Horizon;
            horizon = Math.Max(horizon, h);
            discrete &= point.Spec.Dynamics.Discrete;
            var color = palette.GetColor(point.Index % 10);
            foreach (var (steps, hit) in new[] { (stats[point.Index].GlobalTimeSteps(), false), (stats[point.Index].HitTimeSteps(), true) })
            {
                // Log time from 1 (iteration 0 drawn at 1): plateaus and late certificates span decades.
                static double X(double t) => Math.Log10(Math.Max(t, 1));
                var (xs, ys, _) = CdfSteps(steps, n, h, X);
                var line = plot.Add.ScatterLine(xs, ys, color);
                line.ConnectStyle = ConnectStyle.StepHorizontal;
                line.LineWidth = 2;
                line.LinePattern = hit ? LinePattern.Dashed : LinePattern.Solid;
                if (!hit) line.LegendText = $"p{point.Index} {MethodText(point.Spec.Dynamics)}";   // dashed lines stay out of the legend
            }
        }
        if (horizon > 0)
        {
            var v = plot.Add.VerticalLine(Math.Log10(horizon), 1, Colors.Gray, LinePattern.Dotted);
            v.Text = "horizon";
        }
        plot.Axes.Bottom.TickGenerator = LogTicks(x => Display.Short(Math.Pow(10, x)));
        plot.Title("Certified global (solid) and hit L − L_min ≤ eps_hit (dashed), per method");
        plot.XLabel(discrete ? "iteration (log scale)" : "time (log scale)");
        plot.YLabel("fraction of non-diverged samples");
        plot.Axes.SetLimitsY(-0.02, 1.05);
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, outDir, name);
    }

    // ---- HTML -------------------------------------------------------------------------------------------------------

    private static string Quantiles(TimeQuantiles t) =>
        $"{t.Count} observed, p10 {Q(t.P10)}, p50 {Q(t.P50)}, p90 {Q(t.P90)}";

    private static string Q(double? v) => v is { } x ? F(x) : "censored";

    private static string Html(Campaign campaign, List<PointSummary> summaries, List<(string Name, string Caption)> figures, bool partial, long done, List<Provenance> builds, IReadOnlyList<TargetState?>? targets)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(campaign.Name)).Append(" — ActorSweep report</title>");
        sb.Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td.l{text-align:left}.partial{background:#fff3cd;border:1px solid #e0c060;padding:.6em}figure{margin:1.5em 0}figcaption{font-size:90%;color:#555}pre{background:#f8f8f8;padding:1em;overflow:auto}</style></head><body>");
        sb.Append("<h1>").Append(E(campaign.Name)).Append("</h1>");
        sb.Append($"<p>Campaign hash <code>{campaign.Hash[..16]}</code>; {campaign.Points.Count} point(s) × {campaign.Samples} samples; seed {campaign.Seed}; report generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.</p>");
        if (partial)
            sb.Append(targets is null
                ? $"<p class=\"partial\"><b>Partial:</b> {done} of {campaign.TotalSamples} samples are stored; the campaign is still running or was stopped. Estimates will change.</p>"
                : $"<p class=\"partial\"><b>Partial:</b> {targets.Count(t => t?.Stopped is null)} of {targets.Count} points have not reached a decision on their target; the campaign is still running or was stopped. Estimates will change.</p>");
        if (campaign.Target is { } target)
            sb.Append($"<p>Target per point: {E(target.ToString())}; first batch {campaign.Samples}, at most {campaign.MaxSamples} samples. Bounds named <i>anytime</i> come from the {E(OutputWriter.SequenceMethod)}: valid however often the campaign looked; the exact (Clopper–Pearson) intervals beside them are fixed-n.</p>");
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
            if (targets?[s.Point] is { } t) sb.Append($" <b>Target:</b> {E(t.Describe())}.");
            if (s.Itineraries is { Sequences.Count: > 0 } it)
                sb.Append($" Itineraries ({it.Count} samples): " + string.Join(", ", it.Sequences.Take(3).Select(q => $"{E(q.Sequence)} {q.Count} ({F(q.Fraction)})"))
                    + (it.Sequences.Count > 3 || it.Other > 0 ? ", …" : "") + "; median dwell " + string.Join(", ", it.Dwell.Select(d => $"at {E(d.Label)} {Q(d.P50)}")) + ".");
            if (s.FlowDiverged > 0) sb.Append($" <b>Warning:</b> {E(OutputWriter.FlowDivergedWarning(s.FlowDiverged))}.");
            sb.Append("</p><table><tr><th>label S</th><th>critical value L_S</th><th>count</th><th>fraction</th><th>95% CI</th></tr>");
            foreach (var l in s.Labels)
                sb.Append($"<tr><td class=\"l\">{E(l.Label)}</td><td>{F(l.CriticalValue)}</td><td>{l.Count}</td><td>{F(l.Fraction)}</td><td>[{F(l.Ci95.Low)}, {F(l.Ci95.High)}]</td></tr>");
            sb.Append("</table>");
            if (p.Spec.Analyses.Hessian != HessianScope.None)
            {
                sb.Append($"<p>Hessian at the stop ({(p.Spec.Analyses.Hessian == HessianScope.All ? "every non-diverged sample" : "the unresolved samples")}; τ = {F(HessianSpectrum.ToleranceFor(p.Problem))}):</p>");
                sb.Append("<table><tr><th>label S</th><th>analysed</th><th>strict (λ_min &lt; −τ)</th><th>non-strict</th></tr>");
                foreach (var h in s.Hessian)
                    sb.Append($"<tr><td class=\"l\">{E(h.Label)}</td><td>{h.Strict + h.NonStrict}</td><td>{h.Strict}</td><td>{h.NonStrict}</td></tr>");
                sb.Append("</table>");
            }
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

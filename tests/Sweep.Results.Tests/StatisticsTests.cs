using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using Sweep.Results;
using Sweep.Numerics.Integration;

namespace Sweep.Results.Tests;

public class StatisticsTests
{
    [Theory]
    // Reference values evaluated separately (5 digits); the contract example 188/1000 → [0.165, 0.213].
    [InlineData(188, 1000, 0.16499, 0.21339)]
    [InlineData(0, 10, 0.0, 0.27753)]
    [InlineData(10, 10, 0.72247, 1.0)]
    [InlineData(5, 20, 0.11186, 0.46870)]
    public void Wilson_interval_matches_reference_values(long k, long n, double low, double high)
    {
        var (l, h) = Proportions.Wilson(k, n);
        Assert.Equal(low, l, 4);
        Assert.Equal(high, h, 4);
    }

    [Theory]
    [InlineData(3, 40)]
    [InlineData(17, 60)]
    [InlineData(999, 1000)]
    public void Wilson_bounds_solve_the_score_equation(long k, long n)
    {
        // The Wilson interval is the set of p with |p̂ − p| ≤ z √(p(1−p)/n): both ends satisfy it with equality.
        var (low, high) = Proportions.Wilson(k, n);
        double ph = (double)k / n, z = Proportions.Z95;
        foreach (var b in new[] { low, high })
            Assert.Equal((ph - b) * (ph - b), z * z * b * (1 - b) / n, 12);
    }

    [Fact]
    public void Quantiles_interpolate_linearly_like_numpy()
    {
        double[] x = [1, 2, 3, 4, 10];
        Assert.Equal(1.4, Proportions.Quantile(x, 0.1), 12);
        Assert.Equal(3, Proportions.Quantile(x, 0.5), 12);
        Assert.Equal(7.6, Proportions.Quantile(x, 0.9), 12);
        Assert.Equal(5, Proportions.Quantile([5.0], 0.9));
    }

    private static SampleRecord R(long i, Outcome outcome, string label, double hit = double.NaN, double global = double.NaN) => new()
    {
        Point = 0, Sample = i, Label = outcome == Outcome.Diverged ? "" : label, Outcome = outcome,
        Status = outcome == Outcome.Diverged ? SampleStatus.Diverged : outcome == Outcome.Unresolved ? SampleStatus.Horizon : SampleStatus.Converged,
        FinalLoss = 0, CriticalValue = label == "{0,1}" ? 0 : 0.5, StopTime = 1, HitTime = hit, GlobalTime = global, Steps = 1, RhsEvaluations = 1,
    };

    [Fact]
    public void Point_statistics_count_labels_statuses_outcomes_and_bound_the_saddle_mass_exactly()
    {
        var s = new PointStatistics(0, "{0,1}", horizon: 10, flow: true);
        s.Add(R(0, Outcome.Global, "{0,1}", hit: 3, global: 2));
        s.Add(R(1, Outcome.Global, "{0}", global: 1));            // certified global while still on a plateau label
        s.Add(R(2, Outcome.Unresolved, "{0}"));
        s.Add(R(3, Outcome.Saddle, "{1}"));
        s.Add(R(4, Outcome.Diverged, ""));
        var sum = s.Summarize();
        Assert.Equal(5, sum.Samples);
        Assert.Equal((2, 1, 1), (sum.Converged - 1, sum.Horizon, sum.Diverged));
        Assert.Equal(["{0}", "{1}", "{0,1}"], sum.Labels.Select(l => l.Label));
        Assert.Equal(1.0 / 5, sum.GlobalFraction!.Value, 12);       // labels: of all samples
        Assert.Equal(ClopperPearson.Interval95(2, 5), sum.Labels[0].Ci95);
        Assert.Equal((2L, 1L, 1L, 1L), (sum.Of(Outcome.Global).Count, sum.Of(Outcome.Saddle).Count, sum.Of(Outcome.Unresolved).Count, sum.Of(Outcome.Diverged).Count));
        Assert.Equal(2.0 / 5, sum.Of(Outcome.Global).Fraction, 12);  // outcomes: of all samples, summing to 1 with diverged
        Assert.Equal(1.0, sum.Outcomes.Sum(o => o.Fraction), 12);
        // Saddle mass over the n = 4 non-diverged: lower = certified saddles, upper = + unresolved, exact one-sided bounds.
        Assert.Equal(new SaddleMass(1.0 / 4, ClopperPearson.Lower95(1, 4), 2.0 / 4, ClopperPearson.Upper95(2, 4)), sum.SaddleMass);
        Assert.Equal(1, sum.FlowDiverged);
        // Times over all 4 non-diverged samples, the rest censored: t_global 1, 2, +∞, +∞ → p10 = 1.3, p50 = +∞·0.5 → censored.
        Assert.Equal(2, sum.GlobalTimes.Count);
        Assert.Equal(1.3, sum.GlobalTimes.P10!.Value, 12);
        Assert.Null(sum.GlobalTimes.P50);
        Assert.Equal(1, sum.HitTimes.Count);
        Assert.Null(sum.HitTimes.P50);
    }

    [Fact]
    public void Descent_divergence_is_an_outcome_not_a_numerical_failure()
    {
        var s = new PointStatistics(0, "{0,1}", horizon: 100, flow: false);
        s.Add(R(0, Outcome.Diverged, ""));
        Assert.Equal(0, s.Summarize().FlowDiverged);
        Assert.Null(s.Summarize().SaddleMass);                    // no non-diverged sample: no bound to give
    }

    [Fact]
    public void A_point_where_60_percent_hit_has_a_finite_median_and_a_censored_p90()
    {
        var s = new PointStatistics(0, "{0,1}", horizon: 100, flow: true);
        for (int i = 0; i < 10; i++) s.Add(i < 6 ? R(i, Outcome.Global, "{0,1}", hit: 10 + i, global: 5 + i) : R(i, Outcome.Unresolved, "{0}"));
        var t = s.Summarize().HitTimes;
        Assert.Equal(6, t.Count);
        Assert.NotNull(t.P50);
        Assert.Equal(14.5, t.P50!.Value, 12);                     // numpy: quantile([10..15, inf×4], 0.5) = 14.5
        Assert.Null(t.P90);
    }

    [Fact]
    public void Summaries_do_not_depend_on_arrival_order_and_live_ones_skip_only_the_quantiles()
    {
        var rng = new Random(5);
        var outcomes = new[] { Outcome.Global, Outcome.Global, Outcome.Global, Outcome.Unresolved, Outcome.Saddle, Outcome.Diverged };
        var samples = Enumerable.Range(0, 500).Select(i => R(i, outcomes[i % outcomes.Length], i % 3 == 0 ? "{0}" : "{0,1}",
            i % 4 == 0 ? double.NaN : rng.NextDouble() * 100, i % 5 == 0 ? double.NaN : rng.NextDouble() * 50)).ToList();
        var inOrder = new PointStatistics(0, "{0,1}", 100, true);
        foreach (var s in samples) inOrder.Add(s);
        var shuffled = new PointStatistics(0, "{0,1}", 100, true);
        foreach (var s in samples.OrderBy(_ => rng.Next())) shuffled.Add(s);
        var (a, b) = (inOrder.Summarize(), shuffled.Summarize());
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Outcomes, b.Outcomes);
        Assert.Equal((a.SaddleMass, a.GlobalTimes, a.HitTimes), (b.SaddleMass, b.GlobalTimes, b.HitTimes));
        var live = inOrder.Summarize(quantiles: false);
        Assert.Equal(a.Labels, live.Labels);
        Assert.Equal(a.Outcomes, live.Outcomes);
        Assert.Equal(a.SaddleMass, live.SaddleMass);
        Assert.Equal(a.HitTimes.Count, live.HitTimes.Count);
        Assert.Null(live.HitTimes.P50);
    }

    [Fact]
    public void Hessian_counts_per_label_cover_the_analysed_samples_only()
    {
        var stats = new PointStatistics(0, "{0,1}", 100, flow: true);
        SampleRecord R(string label, double negative) => new()
        {
            Point = 0, Label = label, Outcome = Outcome.Unresolved, CriticalValue = 0.5, HessianNegative = negative,
            HessianMin = double.IsNaN(negative) ? double.NaN : negative > 0 ? -1 : 0, HessianNull = double.IsNaN(negative) ? double.NaN : 3,
        };
        foreach (var r in new[] { R("{0}", 2), R("{0}", 0), R("{0}", 1), R("{}", 0), R("{}", double.NaN), R("{0,1}", double.NaN) }) stats.Add(r);
        var h = stats.Summarize().Hessian;
        Assert.Equal([new HessianCounts("{}", 0, 1), new HessianCounts("{0}", 2, 1)], h);
    }

    [Fact]
    public void The_hessian_columns_come_last_in_the_contract_order()
    {
        Assert.EndsWith(",hessian_min,hessian_negative,hessian_null,invariant_eigs,tail_rate", CsvLayout.Default.Header);
        Assert.EndsWith(",tail_rate,prop2_rate,step_condition,hessian_at", SampleColumns.CsvHeader);
    }

    /// <summary>The optional columns are in samples.csv only for campaigns that fill them, so every other campaign's file keeps its bytes.</summary>
    [Fact]
    public void Optional_columns_appear_only_for_the_campaigns_that_fill_them()
    {
        Campaign Load(string dynamics, string analysis) => CampaignLoader.Parse($$"""
            { "name": "c", "seed": 1, "problem": { "kind": "canonical", "singular_values": [3, 1], "input_dim": 2 },
              "network": { "hidden": [2] }, "init": { "kind": "gaussian", "scale": 0.1 }, "dynamics": {{dynamics}},
              {{analysis}} "samples": 4, "shard_size": 2 }
            """, ".");
        const string flow = "{ \"method\": \"flow\", \"t_max\": 10 }", gd = "{ \"method\": \"gd\", \"learning_rate\": 0.1, \"max_iters\": 10 }";
        const string momentum = "{ \"method\": \"momentum\", \"learning_rate\": 0.1, \"beta\": 0.9, \"max_iters\": 10 }";
        Assert.Equal(CsvLayout.Default.Header, CsvLayout.For(Load(flow, "")).Header);
        Assert.Equal(CsvLayout.Default.Header, CsvLayout.For(Load(momentum, "")).Header);
        Assert.Equal(CsvLayout.Default.Header + ",step_condition", CsvLayout.For(Load(gd, "")).Header);
        Assert.Equal(CsvLayout.Default.Header + ",hessian_at", CsvLayout.For(Load(flow, "\"analysis\": { \"hessian\": \"all\" },")).Header);
        var both = CsvLayout.For(Load(gd, "\"analysis\": { \"hessian\": \"uncertified\" },"));
        Assert.Equal(CsvLayout.Default.Header + ",step_condition,hessian_at", both.Header);
        Assert.Equal(CsvLayout.Default.Header + ",prop2_rate", CsvLayout.For(Load(flow, "\"analysis\": { \"prop2\": true },")).Header);
        // A row round-trips through the layout; the columns it leaves out stay empty.
        var r = new SampleRecord { Point = 1, Sample = 2, Label = "{0}", StepCondition = "held", HessianAt = "limit", HessianMin = -1, HessianNegative = 1, HessianNull = 0 };
        var w = new StringWriter();
        both.WriteRow(w, r);
        Assert.Equal(r, both.ParseRow(OutputWriter.SplitCsv(w.ToString().TrimEnd('\n'))));
        var plain = new StringWriter();
        CsvLayout.Default.WriteRow(plain, r);
        Assert.Equal(r with { StepCondition = "", HessianAt = "" }, CsvLayout.Default.ParseRow(OutputWriter.SplitCsv(plain.ToString().TrimEnd('\n'))));
    }

    [Fact]
    public void Hessian_counts_split_into_limit_and_stop()
    {
        var stats = PointStatistics.ForShard(0, 100);
        SampleRecord R(string label, double negative, string at) => new()
        {
            Point = 0, Label = label, Outcome = at == "limit" ? Outcome.Saddle : Outcome.Unresolved, CriticalValue = 0.5, HessianNegative = negative,
            HessianMin = negative > 0 ? -1 : 0, HessianNull = 3, HessianAt = at,
        };
        foreach (var r in new[] { R("{0}", 2, "limit"), R("{0}", 0, "stop"), R("{0}", 1, "stop"), R("{0}", 1, "limit"), R("{}", 0, "limit") }) stats.Add(r);
        var h = stats.Summarize().Hessian;
        Assert.Equal([new HessianCounts("{}", 0, 1) { NonStrictAtLimit = 1 }, new HessianCounts("{0}", 3, 1) { StrictAtLimit = 2 }], h);
        Assert.Equal(1, h[1].StrictAtStop);
        Assert.Equal(1, h[1].NonStrictAtStop);
        var back = PointStatistics.Decode(0, 100, stats.Encode());
        Assert.Equal(h, back.Summarize().Hessian);
        Assert.Equal(3, stats.Encode()[0]);     // format 1 with the counts at the limit
    }
}

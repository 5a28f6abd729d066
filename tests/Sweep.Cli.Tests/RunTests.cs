using System.Text.Json.Nodes;
using Sweep.Campaigns;

namespace Sweep.Cli.Tests;

public class RunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string Campaign(string problem, string hidden, string init, string dynamics, int samples, int shard, string extra = "",
        string stop = """{ "grad_tol_rel": 1e-6, "eps_hit": 1e-3 }""") => $$"""
        { "name": "e2e", "seed": 5, "problem": {{problem}}, "network": { "hidden": {{hidden}} }, "init": {{init}},
          "dynamics": {{dynamics}}, "stop": {{stop}}, "samples": {{samples}}, "shard_size": {{shard}} {{extra}} }
        """;

    private const string Canonical = """{ "kind": "canonical", "singular_values": [3, 1.5, 0.6], "input_dim": 3 }""";

    private static JsonObject Summary(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!.AsObject();

    [Fact]
    public void Positive_control_gives_all_samples_the_predicted_saddle()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaign(Canonical, "[3, 3]", """{ "kind": "gaussian", "scale": 0.3, "suppress_modes": [1] }""",
            """{ "method": "flow", "t_max": 300 }""", 40, 10,
            // until converged: the saddle certificate holds as soon as L < L_{0} − δ on the manifold; the labels at
            // the stop are the limit's only once the flow has arrived there.
            stop: """{ "grad_tol_rel": 1e-6, "eps_hit": 1e-3, "until": "converged" }"""));
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "out"), "--workers", "2");
        Assert.True(exit == 0, stdout + stderr);
        var point = Summary(Path.Combine(dir, "out"))["points"]![0]!;
        Assert.Equal(40, point["labels"]!["{0,2}"]!["count"]!.GetValue<long>());
        Assert.Equal(1.0, point["labels"]!["{0,2}"]!["fraction"]!.GetValue<double>());
        Assert.Equal(0.5 * 1.5 * 1.5, point["labels"]!["{0,2}"]!["critical_value"]!.GetValue<double>(), 12);
        // Every sample a certified saddle: the lower bound is 1 with its exact 95% bound 0.05^{1/40}.
        Assert.Equal(40, point["outcomes"]!["saddle"]!["count"]!.GetValue<long>());
        Assert.Equal(1.0, point["saddle_mass"]!["lower"]!.GetValue<double>());
        Assert.Equal(Math.Pow(0.05, 1.0 / 40), point["saddle_mass"]!["lower95"]!.GetValue<double>(), 12);
        Assert.Equal(0, point["t_hit"]!["count"]!.GetValue<long>());
        Assert.Equal(0, point["t_global"]!["count"]!.GetValue<long>());
        Assert.Contains("[1, 1]", stdout);   // the final table: every sample a certified saddle
        // The labels at the stop are in the point's details.
        var details = SweepProcess.Run(Timeout, "status", Path.Combine(dir, "out"), "--point", "0");
        Assert.Contains("{0,2}", details.Out);
    }

    [Fact]
    public void Proposition_2_rates_are_written_met_by_every_sample_and_drawn()
    {
        // Widths d_x = d_1 = d_y = 3 (H = 1, pyramidal): orthogonal starts with increasing layer scales c = (0.5, 1) are on
        // the hypotheses surely, D_1 = (1 − 0.25) I, so ρ = 2·0.75 = 1.5 for every sample (docs/tail-rate.md). Every sample
        // is certified global, its measured tail rate at least ρ, and the report draws the pairs.
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaign(Canonical, "[3]", """{ "kind": "orthogonal", "scale": 1, "layer_scales": [0.5, 1] }""",
            """{ "method": "flow", "t_max": 500, "rtol": 1e-8, "atol": 1e-10 }""", 12, 6,
            extra: """, "analysis": { "tail_rate": true, "prop2": true }""",
            stop: """{ "grad_tol_rel": 1e-6, "eps_hit": 1e-3, "until": "converged" }"""));
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", file, "--out", outDir, "--workers", "2");
        Assert.True(exit == 0, stdout + stderr);
        var rows = File.ReadAllLines(Path.Combine(outDir, "samples.csv"));
        Assert.EndsWith(",tail_rate,prop2_rate", rows[0]);
        Assert.Equal(13, rows.Length);
        var header = rows[0].Split(',');
        int outcome = Array.IndexOf(header, "outcome");
        foreach (var row in rows.Skip(1))
        {
            var cells = Sweep.Results.Output.OutputWriter.SplitCsv(row);
            double rho = double.Parse(cells[^1], System.Globalization.CultureInfo.InvariantCulture);
            double tail = double.Parse(cells[^2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(1.5, rho, 12);
            Assert.Equal("global", cells[outcome]);
            Assert.True(tail >= rho, row);
        }
        var report = SweepProcess.Run(Timeout, "report", outDir);
        Assert.True(report.Exit == 0, report.Out + report.Err);
        Assert.True(File.Exists(Path.Combine(outDir, "report", "prop2-rates.png")));
        Assert.Contains("Proposition 2 per sample", File.ReadAllText(Path.Combine(outDir, "report", "index.html")));
    }

    [Fact]
    public void Invariant_eigenvalues_and_tail_rates_are_written_summarised_and_drawn()
    {
        // H = 1, balanced: D_1 = 0 at t = 0, and every sample converges at the slowest linearised rate 2·N·s_min = 2.4.
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, """
            { "name": "tails", "seed": 3, "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.6], "input_dim": 3 }, "network": { "hidden": [3] },
              "init": { "kind": "balanced", "scale": 0.3 }, "dynamics": { "method": "flow", "t_max": 500 },
              "stop": { "grad_tol_rel": 1e-6, "eps_hit": 1e-3, "until": "converged" }, "analysis": { "invariants": true, "tail_rate": true },
              "samples": 20, "shard_size": 10 }
            """);
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", file, "--out", outDir, "--workers", "2");
        Assert.True(exit == 0, stdout + stderr);
        var rows = File.ReadAllLines(Path.Combine(outDir, "samples.csv"));
        Assert.EndsWith(",hessian_null,invariant_eigs,tail_rate", rows[0]);     // prop2_rate only where analysis.prop2 asks
        Assert.Equal(21, rows.Length);
        foreach (var row in rows.Skip(1))
        {
            var cells = row.Split(',');
            var eig = cells[^2].Split(':').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(2, eig.Length);
            Assert.All(eig, v => Assert.True(Math.Abs(v) < 1e-14, row));
            Assert.Equal(2.4, double.Parse(cells[^1], System.Globalization.CultureInfo.InvariantCulture), 0.024);
        }
        var point = Summary(outDir)["points"]![0]!;
        Assert.Equal(20, point["tail_rate"]!["count"]!.GetValue<long>());
        Assert.Equal(2.4, point["tail_rate"]!["p50"]!.GetValue<double>(), 0.024);
        Assert.Equal(20, point["invariants"]!["count"]!.GetValue<long>());
        Assert.True(point["invariants"]!["median_max_abs"]!.GetValue<double>() < 1e-14);
        var report = SweepProcess.Run(Timeout, "report", outDir);
        Assert.True(report.Exit == 0, report.Out + report.Err);
        Assert.True(File.Exists(Path.Combine(outDir, "report", "tail-rate-point.png")));
    }

    [Fact]
    public void Generic_single_hidden_layer_campaign_reaches_the_global_minimum_everywhere()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaign(Canonical, "[4]", """{ "kind": "gaussian", "scale": 0.3 }""", """{ "method": "flow", "t_max": 500 }""", 60, 15));
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "out"), "--workers", "2");
        Assert.True(exit == 0, stdout + stderr);
        var point = Summary(Path.Combine(dir, "out"))["points"]![0]!;
        Assert.Equal(1.0, point["global_fraction"]!.GetValue<double>());
        Assert.Equal(60, point["outcomes"]!["global"]!["count"]!.GetValue<long>());
        Assert.Equal(0.0, point["saddle_mass"]!["upper"]!.GetValue<double>());
        Assert.Equal(1 - Math.Pow(0.05, 1.0 / 60), point["saddle_mass"]!["upper95"]!.GetValue<double>(), 12);
        Assert.Equal(60, point["t_hit"]!["count"]!.GetValue<long>());
        Assert.Equal(60, point["status"]!["converged"]!.GetValue<long>());
        var rows = File.ReadAllLines(Path.Combine(dir, "out", "samples.csv"));
        Assert.Equal("point,sample,status,label,final_loss,critical_value,t_stop,t_hit,steps,rhs_evals,grad_norm,invariant_drift,outcome,t_global,itinerary,hessian_min,hessian_negative,hessian_null,invariant_eigs,tail_rate", rows[0]);
        Assert.All(rows.Skip(1), r => Assert.EndsWith(",,,,,,", r));      // no itinerary, Hessian, invariants or tail rate asked: empty cells
        Assert.Equal(61, rows.Length);
        Assert.True(Directory.EnumerateFiles(Path.Combine(dir, "out", "logs")).Any());
    }

    [Fact]
    public void One_worker_and_four_workers_give_identical_samples_and_summary()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaign(Canonical, "[3, 3]", """{ "kind": "gaussian", "scale": 0.2 }""", """{ "method": "flow", "t_max": 40 }""", 30, 7,
            """, "analysis": { "itinerary": true }, "sweep": { "network.hidden": [[3], [3, 3]] }"""));
        var one = Path.Combine(dir, "one");
        var four = Path.Combine(dir, "four");
        var r1 = SweepProcess.Run(Timeout, "run", file, "--out", one, "--workers", "1");
        var r4 = SweepProcess.Run(Timeout, "run", file, "--out", four, "--workers", "4");
        Assert.True(r1.Exit == 0, r1.Err);
        Assert.True(r4.Exit == 0, r4.Err);
        Assert.Equal(File.ReadAllText(Path.Combine(one, "samples.csv")), File.ReadAllText(Path.Combine(four, "samples.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(one, "summary.json")), File.ReadAllText(Path.Combine(four, "summary.json")));
        Assert.All(File.ReadAllLines(Path.Combine(one, "samples.csv")).Skip(1), r => Assert.Contains("@0", r));   // itineraries, identical above
    }

    [Fact]
    public void Sgd_samples_are_the_same_for_any_worker_count_and_shard_size()
    {
        var dir = Temp.Dir();
        var rng = new Random(4);
        string Row(int n) => string.Join(",", Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1).ToString("R")));
        File.WriteAllLines(Path.Combine(dir, "X.csv"), [Row(24), Row(24), Row(24)]);
        File.WriteAllLines(Path.Combine(dir, "Y.csv"), [Row(24), Row(24)]);
        string Sgd(int shard) => Campaign("""{ "kind": "data", "x_csv": "X.csv", "y_csv": "Y.csv" }""", "[3]", """{ "kind": "gaussian", "scale": 0.3 }""",
            """{ "method": "sgd", "learning_rate": 0.01, "batch_size": 5, "decay_every": 100, "decay_factor": 0.5, "max_iters": 400 }""", 14, shard,
            """, "sweep": { "dynamics.batch_size": [5, 24] }""");
        var one = Path.Combine(dir, "one");
        var two = Path.Combine(dir, "two");
        var r1 = SweepProcess.Run(Timeout, "run", Temp.Campaign(dir, Sgd(14), "one.json"), "--out", one, "--workers", "1");
        var r2 = SweepProcess.Run(Timeout, "run", Temp.Campaign(dir, Sgd(3), "two.json"), "--out", two, "--workers", "2");
        Assert.True(r1.Exit == 0, r1.Err);
        Assert.True(r2.Exit == 0, r2.Err);
        var rows = File.ReadAllLines(Path.Combine(one, "samples.csv"));
        Assert.Equal(29, rows.Length);
        Assert.Equal(rows, File.ReadAllLines(Path.Combine(two, "samples.csv")));
        // The b < m point says its reported state is the tail average; the b = m point is plain descent.
        var points = Summary(one)["points"]!.AsArray();
        Assert.Contains("last 40 iterates", points[0]!["label_rule"]!.GetValue<string>());
        Assert.Null(points[1]!["label_rule"]);
    }

    [Fact]
    public void Data_problem_with_gradient_descent_runs_and_reports_iteration_counts()
    {
        var dir = Temp.Dir();
        var rng = new Random(3);
        var x = Enumerable.Range(0, 3).Select(_ => string.Join(",", Enumerable.Range(0, 20).Select(_ => (rng.NextDouble() * 2 - 1).ToString("R")))).ToArray();
        File.WriteAllLines(Path.Combine(dir, "X.csv"), x);
        var xs = x.Select(l => l.Split(',').Select(double.Parse).ToArray()).ToArray();
        var y = new[] { Enumerable.Range(0, 20).Select(c => 2 * xs[0][c] - xs[1][c] + 0.1 * xs[2][c]).ToArray(),
                        Enumerable.Range(0, 20).Select(c => 0.5 * xs[1][c] + 0.3 * xs[2][c] + 0.05 * Math.Sin(c)).ToArray() };
        File.WriteAllLines(Path.Combine(dir, "Y.csv"), y.Select(r => string.Join(",", r.Select(v => v.ToString("R")))));
        var file = Temp.Campaign(dir, Campaign("""{ "kind": "data", "x_csv": "X.csv", "y_csv": "Y.csv" }""", "[3, 3]", """{ "kind": "gaussian", "scale": 0.3 }""",
            """{ "method": "gd", "learning_rate": 0.02, "max_iters": 20000 }""", 12, 6));
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "out"), "--workers", "2");
        Assert.True(exit == 0, stdout + stderr);
        var rows = File.ReadAllLines(Path.Combine(dir, "out", "samples.csv")).Skip(1).Select(Sweep.Results.Output.OutputWriter.SplitCsv).ToList();
        Assert.Equal(12, rows.Count);
        Assert.All(rows, r => Assert.Equal(Math.Floor(double.Parse(r[6])), double.Parse(r[6])));     // t_stop is an iteration count
        var point = Summary(Path.Combine(dir, "out"))["points"]![0]!;
        Assert.True(point["global_min"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void Status_reports_a_finished_campaign_and_rerunning_it_recomputes_nothing()
    {
        var dir = Temp.Dir();
        var out_ = Path.Combine(dir, "out");
        var file = Temp.Campaign(dir, Campaign(Canonical, "[3]", """{ "kind": "gaussian", "scale": 0.3 }""", """{ "method": "flow", "t_max": 100 }""", 20, 10));
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", out_, "--workers", "2").Exit);
        var csv = File.ReadAllText(Path.Combine(out_, "samples.csv"));
        var status = SweepProcess.Run(Timeout, "status", out_);
        Assert.Equal(0, status.Exit);
        Assert.Contains("20/20 samples", status.Out);
        Assert.Contains("complete", status.Out);
        var one = SweepProcess.Run(Timeout, "status", out_, "--point", "0");
        Assert.True(one.Exit == 0, one.Err);
        Assert.Contains("point 0", one.Out);
        Assert.Contains("labels at the stop", one.Out);
        var missing = SweepProcess.Run(Timeout, "status", out_, "--point", "7");
        Assert.Equal(2, missing.Exit);
        Assert.StartsWith("error: --point 7: the campaign has points 0 to", missing.Err);
        var again = SweepProcess.Run(Timeout, "run", file, "--out", out_);
        Assert.Equal(0, again.Exit);
        Assert.Contains("20 of 20 samples already stored", again.Out);
        Assert.Equal(csv, File.ReadAllText(Path.Combine(out_, "samples.csv")));
    }

    [Fact]
    public void Report_and_export_work_on_a_finished_campaign()
    {
        var dir = Temp.Dir();
        var out_ = Path.Combine(dir, "out");
        var file = Temp.Campaign(dir, Campaign(Canonical, "[3, 3]", """{ "kind": "gaussian", "scale": 0.2 }""", """{ "method": "flow", "t_max": 60 }""", 10, 5,
            """, "trace_samples": 2"""));
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", out_, "--workers", "2").Exit);
        var report = SweepProcess.Run(Timeout, "report", out_);
        Assert.True(report.Exit == 0, report.Err);
        Assert.True(File.Exists(Path.Combine(out_, "report", "index.html")));
        Assert.True(File.Exists(Path.Combine(out_, "report", "traces-p0.png")));
        var parquet = Path.Combine(dir, "s.parquet");
        var export = SweepProcess.Run(Timeout, "export", out_, "--format", "parquet", "--to", parquet);
        Assert.True(export.Exit == 0, export.Err);
        Assert.True(new FileInfo(parquet).Length > 0);
        // csv is the default format: no -f needed.
        var csv = SweepProcess.Run(Timeout, "export", out_, "--to", Path.Combine(dir, "s.csv"));
        Assert.Equal(0, csv.Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(out_, "samples.csv")), File.ReadAllText(Path.Combine(dir, "s.csv")));
        var bad = SweepProcess.Run(Timeout, "export", out_, "--format", "xlsx");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--format", bad.Err);
    }

    [Fact]
    public void Help_and_unknown_commands()
    {
        var help = SweepProcess.Run(Timeout, "--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("sweep run CAMPAIGN --out DIR", help.Out);
        var bad = SweepProcess.Run(Timeout, "frobnicate");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("unknown command", bad.Err);
        var badOpt = SweepProcess.Run(Timeout, "run", "x.json", "--out", "y", "--wrokers", "2");
        Assert.Equal(2, badOpt.Exit);
        Assert.Contains("--wrokers", badOpt.Err);
    }
}

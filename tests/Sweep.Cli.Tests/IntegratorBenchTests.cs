using System.Text.Json.Nodes;

namespace Sweep.Cli.Tests;

/// <summary>`sweep bench --integrators`: its options and the shape of what it prints (fast: H = 1, one sample each).</summary>
public class IntegratorBenchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Prints_one_json_line_per_point_and_integrator()
    {
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "bench", "--integrators", "--max-hidden", "1", "--samples", "1",
            "--dp45-samples", "1", "--max-steps", "100000");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Trim().Split('\n');
        Assert.Equal(10, lines.Length);   // 5 scales × (dp45, auto)
        for (int i = 0; i < lines.Length; i++)
        {
            var o = JsonNode.Parse(lines[i])!.AsObject();
            Assert.Equal("integrators", (string?)o["bench"]);
            Assert.Equal(1, (int)o["hidden"]!);
            Assert.Equal(i % 2 == 0 ? "dp45" : "auto", (string?)o["integrator"]);
            Assert.Equal(1, (int)o["run"]!);
            Assert.Equal(1, (int)o["certified"]!);   // H = 1 certifies quickly whatever the scale
            foreach (var key in new[] { "steps", "gradient_evals", "hessian_evals", "cpu_s" })
            {
                Assert.NotNull(o[key]!["p50"]);
                Assert.NotNull(o[key]!["p90"]);
            }
            Assert.True((double)o["steps"]!["p50"]! >= 1);
        }
    }

    [Fact]
    public void A_non_positive_step_cap_is_refused()
    {
        var (exit, _, stderr) = SweepProcess.Run(Timeout, "bench", "--integrators", "--max-steps", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--max-steps", stderr);
    }

    [Fact]
    public void Markdown_names_uncertified_samples_instead_of_inventing_numbers()
    {
        var row = new IntegratorBench.Row(4, 0.01, "dp45", 2, 0, 0, 0, 2, 2, 0, 14.2, [], [], [], []);
        var ok = new IntegratorBench.Row(4, 0.01, "auto", 3, 3, 3, 0, 0, 0, 0, 0.05, [10, 20, 30], [40, 50, 60], [1, 2, 3], [0.001, 0.002, 0.003]);
        var md = IntegratorBench.ToMarkdown([row, ok]).Split('\n');
        Assert.StartsWith("| H | scale | integrator |", md[0]);
        Assert.Contains("| 4 | 0.01 | dp45 | 0 / 2 (2 not certified within the cap) | – | – | – | – | 14.2 |", md[2]);
        Assert.Contains("| 4 | 0.01 | auto | 3 / 3 | 20 / 28 | 50 / 58 | 2 / 2.8 | 2 / 2.8 | 0.1 |", md[3]);
        Assert.Equal(2.8, IntegratorBench.Quantile([1, 2, 3], 0.9), 12);
    }

    [Fact]
    public void Markdown_adds_the_hessian_vector_products_where_the_matrix_free_path_ran()
    {
        var dp = new IntegratorBench.Row(3, 0.003, "dp45", 1, 1, 1, 0, 0, 0, 0, 1.1, [61208], [428444], [0], [1.1], 16, [0]);
        var auto = new IntegratorBench.Row(3, 0.003, "auto", 3, 3, 3, 0, 0, 0, 0, 0.4, [500, 510, 520], [4600, 4650, 4700], [9, 9, 10],
            [0.13, 0.14, 0.15], 16, [5300, 5310, 5320]);
        var md = IntegratorBench.ToMarkdown([dp, auto]).Split('\n');
        Assert.Contains("| HVPs p50 / p90 |", md[0]);
        Assert.Contains("| 3 | 0.003 | auto | 3 / 3 | 510 / 518 | 4650 / 4690 | 9 / 9.8 | 5310 / 5318 | 140 / 148 | 0.4 |", md[3]);
        Assert.Equal(16, (int)IntegratorBench.ToJson(auto)["width"]!);
        Assert.Equal(5310, (double)IntegratorBench.ToJson(auto)["hessian_vector_products"]!["p50"]!, 9);
    }
}

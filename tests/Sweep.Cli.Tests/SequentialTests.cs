using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests;

/// <summary>
/// A campaign with a target decides each point's stop on complete prefixes of its samples, so the samples it counts and
/// every output are the same whatever the number of workers and however often it is killed and resumed.
/// </summary>
public class SequentialTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public void One_and_three_workers_and_a_run_killed_three_times_give_identical_outputs()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Sequential);
        var one = Path.Combine(dir, "one");
        var r1 = SweepProcess.Run(Timeout, "run", file, "--out", one, "--workers", "1");
        Assert.True(r1.Exit == 0, r1.Err);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(one, "summary.json")))!;
        var stops = summary["points"]!.AsArray().Select(p => (string?)p!["target"]!["stopped"]).ToList();
        output.WriteLine(string.Join(", ", summary["points"]!.AsArray().Select(p => $"{p!["samples"]} samples: {p["target"]!["stopped"]}")));
        Assert.Equal(["target_met", "out_of_reach", "out_of_reach"], stops);
        Assert.Contains("target met", r1.Out);

        var three = Path.Combine(dir, "three");
        var r3 = SweepProcess.Run(Timeout, "run", file, "--out", three, "--workers", "3");
        Assert.True(r3.Exit == 0, r3.Err);
        Campaigns.AssertSameOutputs(one, three);

        // Kills at moments chosen by progress (a share of what the reference stored), then a resume.
        var killed = Path.Combine(dir, "killed");
        long reference = Campaigns.StoredSamples(three);
        int kills = 0;
        foreach (double share in new[] { 0.15, 0.4, 0.7 })
        {
            using var p = SweepProcess.Start("run", file, "--out", killed, "--workers", "3");
            var deadline = DateTime.UtcNow + Timeout;
            while (!p.HasExited && Campaigns.StoredSamples(killed) < share * reference && DateTime.UtcNow < deadline) Thread.Sleep(10);
            if (!p.HasExited) { p.Kill(); kills++; }
            output.WriteLine($"after the kill at {share:P0}: {Campaigns.StoredSamples(killed)} stored");
        }
        Assert.True(kills >= 1, "every run finished before its kill");
        var final = SweepProcess.Run(Timeout, "run", file, "--out", killed, "--workers", "2");
        Assert.True(final.Exit == 0, final.Err);
        Campaigns.AssertSameOutputs(one, killed);

        // status, report and export read the same prefixes as the outputs.
        var status = SweepProcess.Run(Timeout, "status", killed, "--json");
        Assert.Equal(0, status.Exit);
        var live = JsonNode.Parse(status.Out)!;
        Assert.True((bool)live["complete"]!);
        Assert.Equal(summary["points"]!.ToJsonString(), live["points"]!.ToJsonString());
        var export = SweepProcess.Run(Timeout, "export", killed, "--format", "csv", "--to", Path.Combine(dir, "export.csv"));
        Assert.Equal(0, export.Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(one, "samples.csv")), Campaigns.WithoutParameters(File.ReadAllText(Path.Combine(dir, "export.csv"))));
    }
}

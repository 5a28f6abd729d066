namespace Sweep.Cli.Tests;

/// <summary>Output folders and export targets that belong to someone else are refused and left untouched.</summary>
public class OutputSafetyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_non_empty_folder_without_a_campaign_is_refused_and_left_untouched_an_empty_one_is_used()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Tiny);
        var outDir = Path.Combine(dir, "someone-elses");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "samples.csv"), "precious");
        File.WriteAllText(Path.Combine(outDir, "summary.json"), "{}");
        var (exit, _, err) = SweepProcess.Run(Timeout, "run", file, "--out", outDir);
        Assert.Equal(2, exit);
        Assert.Contains("holds no campaign", err);
        Assert.Equal(["samples.csv", "summary.json"], Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName).Order());
        Assert.Equal("precious", File.ReadAllText(Path.Combine(outDir, "samples.csv")));

        var empty = Path.Combine(dir, "empty");
        Directory.CreateDirectory(empty);
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", empty).Exit);
    }
}

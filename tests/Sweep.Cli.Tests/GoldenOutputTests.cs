using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Sweep.Results.Output;

namespace Sweep.Cli.Tests;

/// <summary>
/// Every example campaign run end to end, its samples.csv and summary.json compared byte for byte (SHA-256) with
/// golden/examples.sha256 (summary.json without its "provenance" key, see <see cref="SummarySha256"/>). A change that alters any sample or any printed statistic fails here; when the change is
/// intended, regenerate the table on purpose and say why in the commit.
/// </summary>
public class GoldenOutputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static Dictionary<string, (string Samples, string Summary)> Golden() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "golden", "examples.sha256"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(f => f[0], f => (f[1], f[2]));

    /// <summary>
    /// Examples that are results rather than demonstrations: the atlas takes hours of CPU (up to 10^6 samples for each of
    /// 25 points); its summary.json is committed under docs/results/ and docs/results.md is generated from it. The
    /// others take CPU-minutes each (atlas-width: about 3.5, docs/width-spectrum.md); their summaries are committed
    /// under docs/results/ too.
    /// </summary>
    public static readonly string[] TooLongToRun = ["atlas", "atlas-complete", "atlas-laws", "atlas-laws-small", "atlas-width", "atlas-spectrum"];

    public static TheoryData<string> Examples() => new(Directory.GetFiles(Path.Combine(DeployTests.Root(), "examples"), "*.json")
        .Select(Path.GetFileNameWithoutExtension).Where(n => !TooLongToRun.Contains(n))!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_outputs_are_byte_identical_to_the_golden_hashes(string example)
    {
        var golden = Golden();
        Assert.True(golden.ContainsKey(example), $"examples/{example}.json has no line in golden/examples.sha256: add one");
        var dir = Temp.Dir();
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", Path.Combine(DeployTests.Root(), "examples", example + ".json"), "--out", outDir, "--workers", "2");
        Assert.True(exit == 0, stdout + stderr);
        var (samples, summary) = golden[example];
        Assert.Equal(samples, Sha256(Path.Combine(outDir, "samples.csv")));
        Assert.Equal(summary, SummarySha256(Path.Combine(outDir, "summary.json")));
        FitsATerminal(stdout, outDir);
        // The dynamics sweeps (parameters that are whole objects) and a target campaign, in full.
        if (example is "optimizers" or "optimizers-data" or "sequential")
        {
            var points = SweepProcess.Run(Timeout, "status", outDir, "--points");
            Assert.True(points.Exit == 0, points.Err);
            FitsATerminal(points.Out, outDir);
            Assert.Contains("labels at the stop", points.Out);
        }
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>
    /// Every line of the table, its legend and the per-point details fits 100 columns, and no parameter is printed as
    /// raw JSON. Lines naming the output folder (a long temporary path here) and the 10-second progress lines are not the table's.
    /// </summary>
    private static void FitsATerminal(string stdout, string outDir)
    {
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => !l.Contains(outDir) && !System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d+(/\d+)? samples")).ToList();
        Assert.Contains(lines, l => l.StartsWith("#  parameters", StringComparison.Ordinal));
        var wide = lines.Where(l => l.Length > SummaryTable.Width).ToList();
        Assert.True(wide.Count == 0, "wider than 100 columns:\n" + string.Join("\n", wide));
        Assert.DoesNotContain("{\"", stdout);
    }

    private static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    /// <summary>
    /// summary.json without its "provenance" (the build and machine, which differ from one checkout or computer to the
    /// next), re-serialized with summary.json's own indented writer: every other byte is compared.
    /// </summary>
    internal static string SummarySha256(string path)
    {
        var summary = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.True(summary.Remove("provenance"), "summary.json has no provenance");
        string text = OutputWriter.SummaryText(summary);
        return Convert.ToHexStringLower(SHA256.HashData(new UTF8Encoding(false).GetBytes(text)));
    }
}

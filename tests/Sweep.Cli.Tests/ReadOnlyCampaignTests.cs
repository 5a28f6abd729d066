using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Sweep.Cli.Tests;

/// <summary>Readers (status, report, export) on a read-only campaign folder: they work and write nothing there.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ReadOnlyCampaignTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Every entry under DIR (the folder itself included) with its size, mtime and content hash.</summary>
    private static List<string> Snapshot(string dir) =>
        new[] { dir }.Concat(Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p)
                ? $"{p} {new FileInfo(p).Length} {File.GetLastWriteTimeUtc(p):O} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))}"
                : $"{p}/ {Directory.GetLastWriteTimeUtc(p):O}")
            .ToList();

    [Fact]
    public void Status_report_and_export_read_a_read_only_campaign_and_change_no_byte_or_mtime_in_it()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Tiny);
        var campaignDir = Path.Combine(dir, "out");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", campaignDir).Exit);
        string summary = File.ReadAllText(Path.Combine(campaignDir, "summary.json"));
        // Read-only by its mode bits. As root the kernel would still allow writes, so what is checked is that nothing
        // changed: every file's bytes and mtime, and the folders' (a file created or removed changes those).
        var entries = new[] { campaignDir }.Concat(Directory.EnumerateFileSystemEntries(campaignDir, "*", SearchOption.AllDirectories)).ToList();
        var modes = entries.ToDictionary(p => p, p => File.GetUnixFileMode(p));
        const UnixFileMode write = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        foreach (var p in entries.OrderByDescending(p => p.Length)) File.SetUnixFileMode(p, modes[p] & ~write);
        try
        {
            var before = Snapshot(campaignDir);

            var status = SweepProcess.Run(Timeout, "status", campaignDir);
            Assert.True(status.Exit == 0, status.Err);
            Assert.Contains("10/10 samples", status.Out);
            Assert.Equal(before, Snapshot(campaignDir));

            var json = SweepProcess.Run(Timeout, "status", campaignDir, "--json");
            Assert.True(json.Exit == 0, json.Err);
            var a = JsonNode.Parse(summary)!.AsObject(); a.Remove("provenance");
            var b = JsonNode.Parse(json.Out)!.AsObject(); b.Remove("provenance");
            Assert.Equal(a.ToJsonString(), b.ToJsonString());
            Assert.Equal(before, Snapshot(campaignDir));

            // The report's default place is inside DIR: refused, naming the option that writes elsewhere.
            var report = SweepProcess.Run(Timeout, "report", campaignDir);
            Assert.Equal(2, report.Exit);
            Assert.Contains("--out", report.Err);
            var reportDir = Path.Combine(dir, "report-elsewhere");
            var elsewhere = SweepProcess.Run(Timeout, "report", campaignDir, "--out", reportDir);
            Assert.True(elsewhere.Exit == 0, elsewhere.Err);
            Assert.True(File.Exists(Path.Combine(reportDir, "index.html")));
            Assert.Equal(before, Snapshot(campaignDir));

            var export = SweepProcess.Run(Timeout, "export", campaignDir, "--format", "csv");
            Assert.Equal(2, export.Exit);
            Assert.Contains("--to", export.Err);
            var csv = Path.Combine(dir, "samples.csv");
            Assert.Equal(0, SweepProcess.Run(Timeout, "export", campaignDir, "--format", "csv", "--to", csv).Exit);
            Assert.Equal(File.ReadAllBytes(Path.Combine(campaignDir, "samples.csv")), File.ReadAllBytes(csv));
            Assert.Equal(0, SweepProcess.Run(Timeout, "export", campaignDir, "--format", "parquet", "--to", Path.Combine(dir, "samples.parquet")).Exit);
            Assert.Equal(before, Snapshot(campaignDir));
        }
        finally
        {
            foreach (var p in entries) File.SetUnixFileMode(p, modes[p]);
        }
        Directory.Delete(dir, recursive: true);
    }
}

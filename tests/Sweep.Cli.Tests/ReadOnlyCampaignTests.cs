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
    /// <summary>The folder's own entries and mtime, and every file's bytes and mtime outside DIR/logs (where readers append their log lines).</summary>
    private static List<string> Footprint(string dir) => Snapshot(dir).Where(l => !l.StartsWith(Path.Combine(dir, "logs") + "/")).ToList();

    [Fact]
    public void Readers_on_a_writable_folder_create_nothing_in_it_and_leave_its_mtime()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Tiny);
        var campaignDir = Path.Combine(dir, "out");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", campaignDir).Exit);
        var before = Footprint(campaignDir);
        Assert.Equal(0, SweepProcess.Run(Timeout, "status", campaignDir).Exit);
        Assert.Equal(0, SweepProcess.Run(Timeout, "status", campaignDir, "--json").Exit);
        Assert.Equal(0, SweepProcess.Run(Timeout, "export", campaignDir, "--format", "csv", "--to", Path.Combine(dir, "s.csv")).Exit);
        Assert.Equal(before, Footprint(campaignDir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(campaignDir, ".sweep-probe-*", SearchOption.AllDirectories));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Run_refuses_a_read_only_folder_as_the_readers_see_it_and_a_store_that_is_a_symbolic_link()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Tiny);
        var campaignDir = Path.Combine(dir, "out");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", campaignDir).Exit);

        var mode = File.GetUnixFileMode(campaignDir);
        File.SetUnixFileMode(campaignDir, mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        try
        {
            var before = Snapshot(campaignDir);
            var run = SweepProcess.Run(Timeout, "run", file, "--out", campaignDir);
            Assert.Equal(2, run.Exit);
            Assert.Contains("read-only", run.Err);
            Assert.Equal(before, Snapshot(campaignDir));
        }
        finally { File.SetUnixFileMode(campaignDir, mode); }

        // The store moved elsewhere and linked back: refused by the readers and by run, nothing opened.
        string db = Path.Combine(campaignDir, "campaign.db"), moved = Path.Combine(dir, "elsewhere.db");
        File.Move(db, moved);
        File.CreateSymbolicLink(db, moved);
        var bytes = File.ReadAllBytes(moved);
        foreach (var args in new[] { new[] { "status", campaignDir }, ["run", file, "--out", campaignDir] })
        {
            var r = SweepProcess.Run(Timeout, args);
            Assert.Equal(2, r.Exit);
            Assert.Contains("is a symbolic link", r.Err);
        }
        Assert.Equal(bytes, File.ReadAllBytes(moved));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void An_out_path_with_a_newline_and_an_escape_is_echoed_printable()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Tiny);
        var campaignDir = Path.Combine(dir, "out\nfake line\u001b[31m");
        var run = SweepProcess.Run(Timeout, "run", file, "--out", campaignDir);
        Assert.True(run.Exit == 0, run.Err);
        Assert.DoesNotContain('\u001b', run.Out + run.Err);
        Assert.DoesNotContain(run.Out.Split('\n'), l => l.StartsWith("fake line"));
        Assert.Contains("out?fake line?[31m", run.Out);
        var status = SweepProcess.Run(Timeout, "status", campaignDir + "-missing");
        Assert.Equal(2, status.Exit);
        Assert.DoesNotContain('\u001b', status.Err);
        Assert.Single(status.Err.TrimEnd('\n').Split('\n'));
        Directory.Delete(dir, recursive: true);
    }
}

namespace Sweep.Cli.Tests;

/// <summary>export --to never replaces an existing file without --force, nor anything that is not a regular file.</summary>
public class ExportTargetTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Export_refuses_an_existing_target_without_force_and_anything_but_a_regular_file_even_with_it()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Tiny);
        var outDir = Path.Combine(dir, "out");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", outDir).Exit);
        string samples = File.ReadAllText(Path.Combine(outDir, "samples.csv"));

        // An existing regular file: refused, then replaced with --force.
        var existing = Path.Combine(dir, "existing.csv");
        File.WriteAllText(existing, "keep");
        var refused = SweepProcess.Run(Timeout, "export", outDir, "--format", "csv", "--to", existing);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("--force", refused.Err);
        Assert.Equal("keep", File.ReadAllText(existing));
        Assert.Equal(0, SweepProcess.Run(Timeout, "export", outDir, "--format", "csv", "--to", existing, "--force").Exit);
        Assert.Equal(samples, File.ReadAllText(existing));

        // A symbolic link, a folder and a device: refused even with --force, and left as they were.
        var target = Path.Combine(dir, "link-target.csv");
        File.WriteAllText(target, "behind the link");
        var link = Path.Combine(dir, "link.csv");
        File.CreateSymbolicLink(link, target);
        var folder = Path.Combine(dir, "folder.csv");
        Directory.CreateDirectory(folder);
        foreach (var path in new[] { link, folder, "/dev/null" })
        {
            var r = SweepProcess.Run(Timeout, "export", outDir, "--format", "parquet", "--to", path, "--force");
            Assert.True(r.Exit == 2, $"{path}: exit {r.Exit}: {r.Err}");
            Assert.Contains("not a regular file", r.Err);
        }
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("behind the link", File.ReadAllText(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        Assert.Empty(Directory.EnumerateFiles(dir, "*.tmp"));
        Assert.Empty(Directory.EnumerateFiles(dir, ".*.tmp"));
    }
}

using System.Diagnostics;

namespace Sweep.Cli.Tests;

/// <summary>
/// Exhausted limits (issue 27). Descriptors: `ulimit -n 64` or 150 ends with exit 1 and one line (no stack trace, no
/// abort), before DIR is touched, and the store resumes afterwards; a low soft limit under a higher hard one is raised.
/// Disk and memory: exit 1 and one line, the store resumed to the outputs of an uninterrupted run.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class LimitsTests
{
    // A guard against a hang only: runs of a few CPU-seconds can take minutes on a 2-core machine at load 50.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    private static (int Exit, string Out, string Err) Limited(string ulimit, params string[] args) => Limited(ulimit, [], args);

    private static (int Exit, string Out, string Err) Limited(string ulimit, (string Name, string Value)[] environment, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        psi.ArgumentList.Add("-c");
        // SIGXFSZ ignored (inherited through exec), as a shell or a service manager may leave it: a write past
        // `ulimit -f` then fails with EFBIG instead of killing the process (which no program could report).
        psi.ArgumentList.Add($"trap '' XFSZ; ulimit {ulimit} && exec dotnet \"$0\" \"$@\"");
        psi.ArgumentList.Add(SweepProcess.Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var out_ = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(Timeout)) { p.Kill(true); throw new TimeoutException(); }
        return (p.ExitCode, out_.Result, err.Result);
    }

    [Fact]
    public void Too_few_descriptors_end_with_exit_1_and_one_line_and_the_store_resumes()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Tiny);
        var out_ = Path.Combine(dir, "out");
        var fresh = Limited("-n 64", "run", file, "--out", out_);
        Assert.Equal(1, fresh.Exit);
        Assert.Single(fresh.Err.TrimEnd('\n').Split('\n'));
        Assert.Contains("ulimit -n", fresh.Err);
        Assert.False(Directory.Exists(out_));

        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", out_).Exit);
        var db = File.ReadAllBytes(Path.Combine(out_, "campaign.db"));
        foreach (var args in new[] { new[] { "run", file, "--out", out_ }, ["status", out_] })
        {
            var r = Limited("-n 150", args);
            Assert.Equal(1, r.Exit);
            Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
            Assert.DoesNotContain("   at ", r.Err);
        }
        Assert.Equal(db, File.ReadAllBytes(Path.Combine(out_, "campaign.db")));
        var resumed = SweepProcess.Run(Timeout, "run", file, "--out", out_);
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Contains("10 of 10 samples already stored", resumed.Out);

        // Only the soft limit low: raised up to the hard one, and the command runs.
        var soft = Limited("-Sn 64", "status", out_);
        Assert.True(soft.Exit == 0, soft.Err);
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>
    /// An exhausted disk and exhausted memory (issue 27) end with exit 1 and one line that says what to do, the store
    /// resumable: the rerun's outputs equal an uninterrupted run's. The disk: a file size limit (`ulimit -f`, no root
    /// needed; SQLite's "disk I/O error" for the EFBIG a full disk's ENOSPC would be) hit by the store's journal during
    /// the run, and by samples.csv when a complete store writes it again. Memory: a GC heap limit of 4 MiB
    /// (with the runtime's default large-object threshold).
    /// </summary>
    [Fact]
    public void An_exhausted_disk_or_memory_ends_with_exit_1_and_one_line_and_the_store_resumes()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.SeveralSeconds);
        var reference = Path.Combine(dir, "reference");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", reference).Exit);
        // The runtime's double-mapped code pages are a file too, sized past any small limit: off, they are plain memory.
        (string, string)[] noDoubleMapping = [("DOTNET_EnableWriteXorExecute", "0")];

        // The journal past 64 KiB while shards are committed.
        var store = Path.Combine(dir, "store");
        Refused(Limited("-f 64", noDoubleMapping, "run", file, "--out", store), "ulimit -f");
        Resumed(reference, store, file);

        // samples.csv past 40 KiB (66 KB in all), written again from a complete store that the run itself barely writes.
        var csv = Path.Combine(dir, "csv");
        CopyStore(reference, csv);
        var r = Limited("-f 40", noDoubleMapping, "run", file, "--out", csv);
        Refused(r, "ulimit -f");
        Assert.Contains("cannot write outputs", r.Err);
        Resumed(reference, csv, file);

        var memory = Path.Combine(dir, "memory");
        // 4 MiB is the smallest heap the runtime starts with. The runtime's own large-object threshold (85 000 bytes,
        // not sweep's 2 MB) keeps it too small for this campaign: with sweep's, some runs fit in 4 MiB and finish.
        (string, string)[] tinyHeap = [("DOTNET_GCHeapHardLimit", "0x400000"), ("DOTNET_GCLOHThreshold", "0x14C08")];
        Refused(Limited("-f unlimited", tinyHeap, "run", file, "--out", memory), "out of memory");
        Resumed(reference, memory, file);
        Directory.Delete(dir, recursive: true);
    }

    private static void Refused((int Exit, string Out, string Err) r, string says)
    {
        Assert.True(r.Exit == 1, $"exit {r.Exit}: {r.Err}");
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", r.Err);
        Assert.Contains(says, r.Err);
        Assert.Contains("resumes where it stopped", r.Err);
    }

    private static void Resumed(string reference, string stopped, string file)
    {
        var resumed = SweepProcess.Run(Timeout, "run", file, "--out", stopped);
        Assert.True(resumed.Exit == 0, resumed.Err);
        Campaigns.AssertSameOutputs(reference, stopped);
    }

    /// <summary>The store alone (campaign.db), as a finished run leaves it: the outputs are written again from it.</summary>
    private static void CopyStore(string from, string to)
    {
        Directory.CreateDirectory(to);
        File.Copy(Path.Combine(from, "campaign.db"), Path.Combine(to, "campaign.db"));
    }
}

using System.Diagnostics;

namespace Sweep.Cli.Tests;

/// <summary>
/// An exhausted descriptor limit (issue 27): `ulimit -n 64` or 150 ends with exit 1 and one line (no stack trace, no
/// abort), before DIR is touched, and the store resumes afterwards; a low soft limit under a higher hard one is raised.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class LimitsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static (int Exit, string Out, string Err) Limited(string ulimit, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"ulimit {ulimit} && exec dotnet \"$0\" \"$@\"");
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
}

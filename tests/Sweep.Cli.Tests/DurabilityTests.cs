using Xunit.Abstractions;
using Sweep.Campaigns;

namespace Sweep.Cli.Tests;

public class DurabilityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);



    /// <summary>Waits until the child has claimed DIR (its first line is printed after the store is open), or it exited.</summary>
    private static void WaitForStart(SweepProcess p)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!p.HasExited && !p.Stdout.Contains("campaign") && !p.Stdout.Contains("resuming") && DateTime.UtcNow < deadline) Thread.Sleep(20);
    }

    [Fact]
    public void Sigkill_at_random_moments_then_resume_gives_outputs_identical_to_an_uninterrupted_run()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.KillTest);
        var reference = Path.Combine(dir, "reference");
        var r = SweepProcess.Run(Timeout, "run", file, "--out", reference, "--workers", "2");
        Assert.True(r.Exit == 0, r.Err);

        int seed = Environment.TickCount;
        var rng = new Random(seed);
        var killed = Path.Combine(dir, "killed");
        const long total = Campaigns.KillTestSamples;
        int kills = 0, attempts = 0;
        while (kills < 5 && attempts++ < 20)
        {
            long before = Campaigns.StoredSamples(killed);
            using var p = SweepProcess.Start("run", file, "--out", killed, "--workers", "2");
            WaitForStart(p);
            // Random moments chosen by progress, not by the clock (a faster build would finish first): sometimes during
            // start-up and cluster formation, otherwise once a random share of the remaining samples is stored, which
            // lands the kill between or during shard commits. Each kill leaves at least a third of the rest to do.
            string moment;
            if (rng.Next(4) == 0)
            {
                Thread.Sleep(rng.Next(0, 300));
                moment = "start-up";
            }
            else
            {
                long target = before + 1 + rng.Next(0, (int)Math.Max(1, (total - before) * 2 / 3 - 1));
                var deadline = DateTime.UtcNow + Timeout;
                while (!p.HasExited && Campaigns.StoredSamples(killed) < target && DateTime.UtcNow < deadline) Thread.Sleep(10);
                moment = $"{target - before} more samples stored";
            }
            if (!p.HasExited) { p.Kill(); kills++; }
            else Assert.True(p.ExitCode == 0, $"seed {seed}: run exited with {p.ExitCode}: {p.Stderr}");
            output.WriteLine($"attempt {attempts}: {(p.ExitCode == 0 ? "finished" : $"killed after {moment}")}, {Campaigns.StoredSamples(killed)} stored");
        }
        Assert.True(kills == 5, $"seed {seed}: only {kills} kills landed before the campaign finished");
        var final = SweepProcess.Run(Timeout, "run", file, "--out", killed, "--workers", "2");
        Assert.True(final.Exit == 0, $"seed {seed}: {final.Err}");
        output.WriteLine($"seed {seed}, {kills} kills; final run: {final.Out.Split('\n')[0]}");
        Campaigns.AssertSameOutputs(reference, killed);
        var status = SweepProcess.Run(Timeout, "status", killed);
        Assert.Contains($"{total}/{total} samples", status.Out);
    }

    [Fact]
    public void A_second_process_on_a_running_dir_is_refused_and_a_killed_run_shows_partial_status()
    {
        var dir = Temp.Dir();
        // Far longer than the test needs (it is killed after a few seconds), so it is surely still running on a slow machine.
        var file = Temp.Campaign(dir, Campaigns.WithSamples(100000));
        var out_ = Path.Combine(dir, "out");
        using var first = SweepProcess.Start("run", file, "--out", out_, "--workers", "1");
        WaitForStart(first);
        Assert.False(first.HasExited, first.Stderr);
        var second = SweepProcess.Run(Timeout, "run", file, "--out", out_);
        Assert.Equal(2, second.Exit);
        Assert.Contains("in use by another sweep process", second.Err);
        // status reads without disturbing the running campaign
        var status = SweepProcess.Run(Timeout, "status", out_);
        Assert.Equal(0, status.Exit);
        Assert.Contains("/200000 samples", status.Out);
        first.Kill();
        var after = SweepProcess.Run(Timeout, "status", out_);
        Assert.Contains("in progress or stopped", after.Out);
    }

    [Fact]
    public void An_edited_campaign_file_is_refused_and_the_stored_run_is_left_untouched()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.WithSamples(16));
        var out_ = Path.Combine(dir, "out");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", out_, "--workers", "2").Exit);
        var before = Directory.EnumerateFiles(out_).Where(f => !f.EndsWith(".lock")).ToDictionary(f => f, File.ReadAllBytes);
        // Another seed: a different campaign (more samples would grow this one, docs/campaign.md "Growing a campaign").
        File.WriteAllText(file, Campaigns.WithSamples(16).Replace("\"seed\": 13", "\"seed\": 14"));
        var edited = SweepProcess.Run(Timeout, "run", file, "--out", out_);
        Assert.Equal(2, edited.Exit);
        Assert.Contains("different campaign", edited.Err);
        foreach (var (path, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_unwritable_output_location_is_a_clear_error()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.SeveralSeconds);
        File.WriteAllText(Path.Combine(dir, "afile"), "x");
        var r = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "afile", "out"));
        Assert.Equal(2, r.Exit);
        Assert.Contains("cannot create", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public void A_corrupted_store_is_detected_and_not_reused()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.WithSamples(16));
        var out_ = Path.Combine(dir, "out");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", out_, "--workers", "2").Exit);
        var db = Path.Combine(out_, "campaign.db");
        using (var f = new FileStream(db, FileMode.Open)) f.SetLength(f.Length / 2);
        var r = SweepProcess.Run(Timeout, "run", file, "--out", out_);
        Assert.Equal(1, r.Exit);
        Assert.Contains("corrupt", r.Err);
        Assert.True(new FileInfo(db).Length > 0);
    }
}

using System.Diagnostics;
using System.Runtime.Versioning;

namespace Sweep.Cli.Tests;

/// <summary>
/// Workers bound to one campaign (issue 26): a worker serves the campaign it was started for (or the first it is handed),
/// exits 0 when that campaign is done, and gives up (exit 1) after --join-timeout without its coordinator, including
/// after a coordinator that finished while the worker was paused; per-campaign join tokens on top of TLS certificates.
/// </summary>
public class CampaignBindingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(100);
        }
    }

    /// <summary>A campaign other than <see cref="Campaigns.SeveralSeconds"/> (another name and seed, so another hash).</summary>
    private static string Second(int perPoint) =>
        Campaigns.WithSamples(perPoint).Replace("\"name\": \"kill-test\"", "\"name\": \"second\"").Replace("\"seed\": 13", "\"seed\": 14");

    [Fact]
    public void A_worker_without_a_coordinator_gives_up_after_its_join_timeout_with_exit_1()
    {
        string seed = $"127.0.0.1:{ClusterTests.FreePort()}";     // nothing listens there
        var clock = Stopwatch.StartNew();
        var r = SweepProcess.Run(Timeout, "worker", "--seed", seed, "--insecure", "--workers", "1", "--join-timeout", "3");
        Assert.True(r.Exit == 1, r.Out + r.Err);
        Assert.Contains($"no coordinator at {seed} within 3 s", r.Err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"took {clock.Elapsed}");
        // A bad --campaign is bad input, refused before anything starts.
        var bad = SweepProcess.Run(Timeout, "worker", "--seed", seed, "--insecure", "--campaign", "xyz");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--campaign must be the campaign's hash", bad.Err);
    }

    [Fact]
    public void A_worker_paused_across_the_end_of_its_campaign_never_serves_the_next_campaign_at_the_same_address()
    {
        var dir = Temp.Dir();
        string fileA = Temp.Campaign(dir, Campaigns.WithSamples(300), "a.json"), fileB = Temp.Campaign(dir, Second(100), "b.json");
        string outA = Path.Combine(dir, "a"), outB = Path.Combine(dir, "b");
        int port = ClusterTests.FreePort(), pausedPort = ClusterTests.FreePort();
        string seed = $"127.0.0.1:{port}";
        // --insecure on both: nothing but the campaign binding stands between the paused worker and the next campaign.
        using var coordinatorA = SweepProcess.Start("coordinator", fileA, "--out", outA, "--port", port.ToString(), "--insecure");
        Assert.True(coordinatorA.WaitForOutput("coordinator listening", Timeout), coordinatorA.Stdout + coordinatorA.Stderr);
        using var paused = SweepProcess.Start("worker", "--seed", seed, "--insecure", "--workers", "1", "--port", pausedPort.ToString(), "--join-timeout", "25");
        Assert.True(paused.WaitForOutput("serving campaign", Timeout), paused.Stdout + paused.Stderr);     // unbound: binds to A, says so
        paused.Signal("STOP");
        try
        {
            using var helper = SweepProcess.Start("worker", "--seed", seed, "--insecure", "--workers", "2");
            Assert.True(coordinatorA.WaitForExit(Timeout), "campaign A did not finish with the paused worker downed: " + coordinatorA.Stdout + coordinatorA.Stderr);
            Assert.True(coordinatorA.ExitCode == 0, coordinatorA.Stdout + coordinatorA.Stderr);
            Assert.True(helper.WaitForExit(Timeout) && helper.ExitCode == 0, helper.Stdout + helper.Stderr);

            using var coordinatorB = SweepProcess.Start("coordinator", fileB, "--out", outB, "--port", port.ToString(), "--insecure");
            Assert.True(coordinatorB.WaitForOutput("coordinator listening", Timeout), coordinatorB.Stdout + coordinatorB.Stderr);
            paused.Signal("CONT");
            // The paused worker finds campaign B where A was: refused, it waits for A, which never comes back.
            Assert.True(paused.WaitForOutput("refused by the coordinator", Timeout), paused.Stdout + paused.Stderr);
            Assert.False(paused.HasExited && paused.ExitCode == 0, "the paused worker exited 0 without its campaign: " + paused.Stdout + paused.Stderr);
            using var own = SweepProcess.Start("worker", "--seed", seed, "--insecure", "--workers", "2");
            Assert.True(coordinatorB.WaitForExit(Timeout), "campaign B did not finish: " + coordinatorB.Stdout + coordinatorB.Stderr);
            Assert.True(coordinatorB.ExitCode == 0, coordinatorB.Stdout + coordinatorB.Stderr);
            Assert.True(paused.WaitForExit(TimeSpan.FromSeconds(90)), "the paused worker did not give up: " + paused.Stdout + paused.Stderr);
            Assert.True(paused.ExitCode == 1, paused.Stdout + paused.Stderr);
            Assert.Contains("giving up", paused.Stderr);
            // Campaign B's shards were all solved by its own worker, none by the paused one (worker ids are HOST:PORT:UID#K).
            var workers = Campaigns.ShardWorkers(outB);
            Assert.Equal(26, workers.Count);     // 2 points × 100 samples in shards of 8
            Assert.DoesNotContain(workers, w => w.StartsWith($"127.0.0.1:{pausedPort}:"));
            Assert.Contains("refused worker", Campaigns.Logs(outB));
        }
        finally
        {
            if (!paused.HasExited) paused.Signal("CONT");     // a stopped process cannot be killed cleanly by every runtime
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]     // Unix file modes
    public void A_certificate_of_the_same_ca_opens_only_the_campaign_whose_join_token_it_holds()
    {
        var dir = Temp.Dir();
        string file = Temp.Campaign(dir, Campaigns.WithSamples(16)), other = Temp.Campaign(dir, Second(16), "other.json");
        using var ca = ClusterTests.Ca("sweep-test-ca");
        string caPem = ClusterTests.CaPem(dir, ca, "ca");
        string coordPfx = ClusterTests.NodePfx(dir, "coordinator", ca), workerPfx = ClusterTests.NodePfx(dir, "worker", ca);
        string[] Tls(string pfx) => ["--tls-cert", pfx, "--tls-password", "secret", "--tls-ca", caPem];

        // `sweep credential` issues a token for another campaign: owner-only, never overwritten.
        string otherToken = Path.Combine(dir, "other-token");
        var issued = SweepProcess.Run(Timeout, "credential", other, "-o", otherToken);
        Assert.True(issued.Exit == 0, issued.Err);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(otherToken));
        Assert.Equal(2, SweepProcess.Run(Timeout, "credential", other, "-o", otherToken).Exit);
        // A coordinator given another campaign's token refuses to start, before its folder exists.
        int port = ClusterTests.FreePort();
        var wrong = SweepProcess.Run(Timeout, ["coordinator", file, "--out", Path.Combine(dir, "never"), "--port", port.ToString(), "--join-token", otherToken, .. Tls(coordPfx)]);
        Assert.Equal(2, wrong.Exit);
        Assert.Contains("--join-token", wrong.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "never")));

        var out_ = Path.Combine(dir, "out");
        using var coordinator = SweepProcess.Start(["coordinator", file, "--out", out_, "--port", port.ToString(), .. Tls(coordPfx)]);
        Assert.True(coordinator.WaitForOutput("coordinator listening", Timeout), coordinator.Stdout + coordinator.Stderr);
        string token = Path.Combine(out_, "join-token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(token));
        Assert.Contains($"--join-token {token}", coordinator.Stdout);
        string seed = $"127.0.0.1:{port}";
        // A certificate the campaign's CA signed, but the token of another campaign: refused, gives up after its join timeout.
        using var leaked = SweepProcess.Start(["worker", "--seed", seed, "--workers", "1", "--join-timeout", "8", "--join-token", otherToken, .. Tls(workerPfx)]);
        // Without a token a TLS worker is refused as bad input.
        var none = SweepProcess.Run(Timeout, ["worker", "--seed", seed, .. Tls(workerPfx)]);
        Assert.Equal(2, none.Exit);
        Assert.Contains("--join-token", none.Err);
        Assert.True(leaked.WaitForExit(Timeout), leaked.Stdout + leaked.Stderr);
        Assert.True(leaked.ExitCode == 1, leaked.Stdout + leaked.Stderr);
        Assert.Contains("refused by the coordinator", leaked.Stderr);
        Assert.False(coordinator.HasExited, coordinator.Stdout + coordinator.Stderr);
        Assert.Equal(0, Campaigns.StoredSamples(out_));

        using var good = SweepProcess.Start(["worker", "--seed", seed, "--workers", "2", "--join-token", token, .. Tls(workerPfx)]);
        Assert.True(coordinator.WaitForExit(Timeout), "the campaign did not finish with its own token: " + good.Stdout + good.Stderr);
        Assert.True(coordinator.ExitCode == 0, coordinator.Stdout + coordinator.Stderr);
        Assert.True(good.WaitForExit(TimeSpan.FromMinutes(1)) && good.ExitCode == 0, good.Stdout + good.Stderr);
        Assert.Equal(32, Campaigns.StoredSamples(out_));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Host_auto_is_the_local_address_that_routes_to_the_seed()
    {
        Assert.Equal("127.0.0.1", ClusterArgs.AutoHost("127.0.0.1:4053"));
        Assert.Equal("127.0.0.1", ClusterArgs.AutoHost("localhost:4053"));
        // The coordinator has no seed to route to: bad input, one line.
        var r = SweepProcess.Run(Timeout, "coordinator", "x.json", "--out", "o", "--port", "4000", "--host", "auto");
        Assert.Equal(2, r.Exit);
        Assert.Contains("--host auto is for workers", r.Err);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Certificate_files_that_cannot_be_used_are_one_line_errors_naming_the_file_and_the_cause()
    {
        var dir = Temp.Dir();
        using var ca = ClusterTests.Ca("sweep-test-ca");
        string caPem = ClusterTests.CaPem(dir, ca, "ca"), pfx = ClusterTests.NodePfx(dir, "node", ca);
        (int Exit, string Out, string Err) Worker(params string[] tls) =>
            SweepProcess.Run(Timeout, ["worker", "--seed", "127.0.0.1:4000", "--join-token", "unused", .. tls]);
        var folder = Worker("--tls-cert", dir, "--tls-ca", caPem);
        Assert.Equal(2, folder.Exit);
        Assert.Contains($"--tls-cert: '{dir}' is a folder", folder.Err);
        var nopw = Worker("--tls-cert", pfx, "--tls-ca", caPem);
        Assert.Equal(2, nopw.Exit);
        Assert.Contains("it may need --tls-password", nopw.Err);
        var badpw = Worker("--tls-cert", pfx, "--tls-password", "wrong", "--tls-ca", caPem);
        Assert.Equal(2, badpw.Exit);
        Assert.Contains("is --tls-password right?", badpw.Err);
        foreach (var r in new[] { folder, nopw, badpw })
            Assert.Single(r.Err.Trim().Split('\n'));
        // An unreadable certificate (compose's case: make-certs.sh's 0600 node.pfx read by the image's UID 1654): as root,
        // sweep is run as UID 1654 (setpriv); as anyone else, a file of mode 0000 is unreadable to its owner as well.
        File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Matches(@"^ \(owner UID \d+, mode 0600; sweep runs as UID \d+\)$", UnixFiles.Describe(pfx));
        bool root = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2] == "0";
        var psi = new ProcessStartInfo(root ? "setpriv" : "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        if (root) foreach (var a in new[] { "--reuid=1654", "--regid=1654", "--clear-groups", "dotnet" }) psi.ArgumentList.Add(a);
        else File.SetUnixFileMode(pfx, UnixFileMode.None);
        foreach (var a in new[] { SweepProcess.Dll, "worker", "--seed", "127.0.0.1:4000", "--tls-cert", pfx, "--tls-password", "secret", "--tls-ca", caPem, "--join-token", "unused" })
            psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = psi.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException(root ? "setpriv (util-linux) is needed to run this test as root" : "dotnet did not start");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 2, err);
        Assert.Matches($@"^error: --tls-cert: cannot read '{System.Text.RegularExpressions.Regex.Escape(pfx)}' \(owner UID \d+, mode 0[0-7]00; sweep runs as UID {(root ? "1654" : "\\d+")}\): give that user read access", err);
        Assert.Single(err.Trim().Split('\n'));
        Directory.Delete(dir, recursive: true);
    }
}

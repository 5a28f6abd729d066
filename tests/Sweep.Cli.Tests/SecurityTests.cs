using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Sweep.Hosting;

namespace Sweep.Cli.Tests;

/// <summary>
/// The local intrusion check: on loopback, a process without the campaign's credential cannot join a `run` or a
/// `coordinator`, receives no shard, and the campaign is solved by its owner's nodes alone.
/// </summary>
public class SecurityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan SignalBound = TimeSpan.FromSeconds(30);

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(100);
        }
    }

    /// <summary>The port a node of the campaign listens on, from its log (what `ss -tlnp` would tell anyone); 0 before it is logged.</summary>
    private static int ListeningPort(string dir)
    {
        var m = Regex.Match(Campaigns.Logs(dir), @"akka(?:\.ssl)?\.tcp://sweep@127\.0\.0\.1:(\d+)");
        return m.Success ? int.Parse(m.Groups[1].Value) : 0;
    }

    /// <summary>Connections the node refused at the TLS handshake (Akka.Remote's DotNetty transport logs each one).</summary>
    private static int Refusals(string dir) => Regex.Matches(Campaigns.Logs(dir), "Rejected incoming connection").Count;

    /// <summary>No byte of the credential's private key in anything under DIR, nor in what the processes printed.</summary>
    private static void AssertKeyNowhere(TlsOptions credential, string dir, params SweepProcess[] processes)
    {
        byte[] secret = credential.Certificate.GetECDsaPrivateKey()!.ExportParameters(includePrivateParameters: true).D!;
        foreach (var path in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var m = new MemoryStream()) { f.CopyTo(m); bytes = m.ToArray(); }
            Assert.True(bytes.AsSpan().IndexOf(secret) < 0, $"{path} holds the credential's private key");
            Assert.DoesNotContain(Convert.ToBase64String(secret), System.Text.Encoding.Latin1.GetString(bytes));
        }
        foreach (var p in processes) Assert.DoesNotContain(Convert.ToBase64String(secret), p.Stdout + p.Stderr);
    }

    [Fact]
    public void A_run_refuses_a_local_worker_without_its_credential_and_solves_every_shard_itself()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.KillTest);
        var out_ = Path.Combine(dir, "out");
        using var run = SweepProcess.Start("run", file, "--out", out_, "--workers", "1");
        int port = 0;
        WaitFor(() => run.HasExited || (port = ListeningPort(out_)) > 0, Timeout, "the run's port in its log");
        Assert.False(run.HasExited, run.Stdout + run.Stderr);

        // The intrusion of issue 14: another process (any user's) starts a worker at that port.
        using var rogue = SweepProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--insecure", "--workers", "2");
        WaitFor(() => Refusals(out_) > 0 || rogue.Stdout.Contains("joined") || run.HasExited, Timeout, "the rogue worker's attempt");
        Assert.False(run.HasExited && Refusals(out_) == 0, "the run finished before the rogue worker tried; lengthen the campaign");
        rogue.Signal("TERM");
        Assert.True(rogue.WaitForExit(SignalBound), "the rogue worker did not stop on SIGTERM");
        Assert.DoesNotContain("joined", rogue.Stdout);
        Assert.Equal(143, rogue.ExitCode);

        Assert.True(run.WaitForExit(Timeout), "the run did not finish");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        // Every shard was solved by the run's own node (worker ids are HOST:PORT:UID#K), none by the rogue.
        var workers = Campaigns.ShardWorkers(out_);
        Assert.Equal((int)(Campaigns.KillTestSamples / 8), workers.Count);
        Assert.All(workers, w => Assert.StartsWith($"127.0.0.1:{port}:", w));
        Assert.Equal(Campaigns.KillTestSamples, Campaigns.StoredSamples(out_));
        Assert.False(File.Exists(Path.Combine(out_, CredentialFile.FileName)), "`run` keeps its credential in memory");
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]     // Unix file modes
    public void A_loopback_coordinator_admits_only_workers_with_its_owner_only_credential()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.WithSamples(40));       // 2 points × 40 samples, shards of 8
        var out_ = Path.Combine(dir, "out");
        int port = ClusterTests.FreePort();
        string seed = $"127.0.0.1:{port}";
        using var coordinator = SweepProcess.Start("coordinator", file, "--out", out_, "--port", port.ToString());
        Assert.True(coordinator.WaitForOutput("coordinator listening", Timeout), coordinator.Stdout + coordinator.Stderr);
        // The intrusion of issue 14: a plain worker started by anyone.
        using var plain = SweepProcess.Start("worker", "--seed", seed, "--insecure", "--workers", "2");

        // The credential: created owner-only, named in the command the coordinator prints.
        string credential = Path.Combine(out_, CredentialFile.FileName);
        Assert.True(File.Exists(credential), coordinator.Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credential));
        Assert.Contains($"--credential {credential}", coordinator.Stdout);
        var tls = TlsOptions.FromPkcs12(File.ReadAllBytes(credential));

        // An impostor that knows the campaign CA's (public) certificate, so that it accepts the coordinator, but holds a
        // certificate of its own: the coordinator's own check must refuse it.
        using var rogueCa = ClusterTests.Ca("rogue-ca");
        string roguePfx = ClusterTests.NodePfx(dir, "rogue", rogueCa);
        string campaignCa = Path.Combine(dir, "campaign-ca.pem");
        File.WriteAllText(campaignCa, tls.Ca.ExportCertificatePem());
        // It even holds the campaign's join token: the TLS handshake alone must keep it out.
        using var impostor = SweepProcess.Start("worker", "--seed", seed, "--workers", "2", "--tls-cert", roguePfx, "--tls-password", "secret", "--tls-ca", campaignCa,
            "--join-token", Path.Combine(out_, JoinTokenFile.FileName));

        // A copy of the credential that other users could read is refused before anything is sent.
        string open = Path.Combine(dir, "open.pfx");
        File.Copy(credential, open);
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var refused = SweepProcess.Run(Timeout, "worker", "--seed", seed, "--credential", open);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("open to other users (mode 0644)", refused.Err);

        WaitFor(() => (Campaigns.Logs(out_).Contains("not an SSL/TLS record") && Campaigns.Logs(out_).Contains("CN=rogue"))
            || plain.Stdout.Contains("joined") || impostor.Stdout.Contains("joined") || coordinator.HasExited, Timeout, "both intruders' attempts");
        foreach (var intruder in new[] { plain, impostor })
        {
            intruder.Signal("TERM");
            Assert.True(intruder.WaitForExit(SignalBound), "an intruder did not stop on SIGTERM");
            Assert.DoesNotContain("joined", intruder.Stdout);
            Assert.Equal(143, intruder.ExitCode);
        }
        Assert.Contains("refused TLS peer", Campaigns.Logs(out_));
        Assert.False(coordinator.HasExited, coordinator.Stdout + coordinator.Stderr);
        Assert.Equal(0, Campaigns.StoredSamples(out_));

        // The owner's worker joins with the credential; the campaign is solved by it alone.
        int workerPort = ClusterTests.FreePort();
        using var worker = SweepProcess.Start("worker", "--seed", seed, "--workers", "2", "--port", workerPort.ToString(), "--credential", credential);
        Assert.True(coordinator.WaitForExit(Timeout), "the campaign did not finish with the owner's worker: " + worker.Stdout + worker.Stderr);
        Assert.True(coordinator.ExitCode == 0, coordinator.Stdout + coordinator.Stderr);
        Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(1)), worker.Stdout + worker.Stderr);
        Assert.Equal(0, worker.ExitCode);
        var workers = Campaigns.ShardWorkers(out_);
        Assert.Equal(10, workers.Count);
        Assert.All(workers, w => Assert.StartsWith($"127.0.0.1:{workerPort}:", w));
        Assert.False(File.Exists(credential), "the coordinator removes its credential when it stops");
        AssertKeyNowhere(tls, out_, coordinator, worker);
        Directory.Delete(dir, recursive: true);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sweep.Campaigns;

namespace Sweep.Cli.Tests;

/// <summary>Coordinator and workers as separate processes on loopback.</summary>
public class ClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);


    internal static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(100);
        }
    }

    private static string LocalReference(string dir, string file)
    {
        var reference = Path.Combine(dir, "local");
        var r = SweepProcess.Run(Timeout, "run", file, "--out", reference, "--workers", "2");
        Assert.True(r.Exit == 0, r.Err);
        return reference;
    }


    [Fact]
    public void Coordinator_and_two_workers_survive_a_worker_sigkill_with_outputs_identical_to_a_local_run()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.KillTest);
        var reference = LocalReference(dir, file);
        var out_ = Path.Combine(dir, "cluster");
        int port = FreePort();
        string credential = Path.Combine(out_, "cluster-credential.pfx");
        using var coordinator = SweepProcess.Start("coordinator", file, "--out", out_, "--port", port.ToString());
        using var w1 = SweepProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--workers", "1", "--credential", credential);
        using var w2 = SweepProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--workers", "1", "--credential", credential);
        WaitFor(() => Campaigns.StoredSamples(out_) >= 40 || coordinator.HasExited, TimeSpan.FromMinutes(2), "the first shards");
        Assert.False(coordinator.HasExited, coordinator.Stderr);
        w1.Kill();     // SIGKILL mid-run: its leased shard must be handed out again
        Assert.True(coordinator.WaitForExit(Timeout), "the campaign did not finish after a worker was killed");
        Assert.True(coordinator.ExitCode == 0, coordinator.Stdout + coordinator.Stderr);
        Campaigns.AssertSameOutputs(reference, out_);
    }

    [Fact]
    public void A_restarted_coordinator_resumes_from_its_store_and_workers_reconnect()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.KillTest);
        var reference = LocalReference(dir, file);
        var out_ = Path.Combine(dir, "cluster");
        int port = FreePort();
        // Started before the coordinator: it waits for the credential, and reads the new one the restarted coordinator writes.
        using var worker = SweepProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--workers", "2", "--credential", Path.Combine(out_, "cluster-credential.pfx"));
        using (var first = SweepProcess.Start("coordinator", file, "--out", out_, "--port", port.ToString()))
        {
            WaitFor(() => Campaigns.StoredSamples(out_) >= 40 || first.HasExited, TimeSpan.FromMinutes(2), "the first shards");
            first.Kill();
        }
        using var second = SweepProcess.Start("coordinator", file, "--out", out_, "--port", port.ToString());
        Assert.True(second.WaitForExit(Timeout), "the restarted coordinator did not finish: " + second.Stdout + worker.Stderr);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains("resuming", second.Stdout);
        Campaigns.AssertSameOutputs(reference, out_);
    }

    // ---- mutual TLS ------------------------------------------------------------------------------------------------

    internal static X509Certificate2 Ca(string name)
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(2));
    }

    internal static string NodePfx(string dir, string name, X509Certificate2 ca)
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        using var signed = req.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), Guid.NewGuid().ToByteArray()[..8]);
        using var withKey = signed.CopyWithPrivateKey(key);
        var path = Path.Combine(dir, name + ".pfx");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12, "secret"));
        return path;
    }

    internal static string CaPem(string dir, X509Certificate2 ca, string name)
    {
        var path = Path.Combine(dir, name + ".pem");
        File.WriteAllText(path, ca.ExportCertificatePem());
        return path;
    }

    [Fact]
    public void With_mutual_tls_a_worker_without_the_right_certificate_cannot_join_and_a_good_one_can()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.WithSamples(16));
        using var ca = Ca("sweep-test-ca");
        using var rogueCa = Ca("rogue-ca");
        string caPem = CaPem(dir, ca, "ca"), roguePem = CaPem(dir, rogueCa, "rogue-ca");
        string coordPfx = NodePfx(dir, "coordinator", ca), workerPfx = NodePfx(dir, "worker", ca), roguePfx = NodePfx(dir, "rogue", rogueCa);
        var out_ = Path.Combine(dir, "out");
        int port = FreePort();
        string[] Tls(string pfx, string caFile) => ["--tls-cert", pfx, "--tls-password", "secret", "--tls-ca", caFile];

        using var coordinator = SweepProcess.Start(["coordinator", file, "--out", out_, "--port", port.ToString(), .. Tls(coordPfx, caPem)]);
        Assert.True(coordinator.WaitForOutput("coordinator listening", Timeout), coordinator.Stdout + coordinator.Stderr);
        string token = Path.Combine(out_, "join-token");
        // A certificate from another CA (trusting its own CA), even with the campaign's join token, and no certificate at all: both refused.
        var rogue = SweepProcess.Run(Timeout, ["worker", "--seed", $"127.0.0.1:{port}", "--workers", "1", "--join-timeout", "8", "--join-token", token, .. Tls(roguePfx, roguePem)]);
        Assert.Equal(1, rogue.Exit);
        Assert.Contains("no coordinator", rogue.Err);
        var plain = SweepProcess.Run(Timeout, "worker", "--seed", $"127.0.0.1:{port}", "--workers", "1", "--join-timeout", "8", "--insecure");
        Assert.Equal(1, plain.Exit);
        Assert.False(coordinator.HasExited);
        Assert.Equal(0, Campaigns.StoredSamples(out_));
        using var good = SweepProcess.Start(["worker", "--seed", $"127.0.0.1:{port}", "--workers", "2", "--join-token", token, .. Tls(workerPfx, caPem)]);
        Assert.True(coordinator.WaitForExit(Timeout), "the campaign did not finish with a trusted worker: " + good.Stderr);
        Assert.Equal(0, coordinator.ExitCode);
        Assert.Contains("mutual TLS", coordinator.Stdout);
        Assert.Equal(32, Campaigns.StoredSamples(out_));
    }

    [Fact]
    public void Binding_beyond_loopback_needs_tls_or_insecure()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.SeveralSeconds);
        var r = SweepProcess.Run(Timeout, "coordinator", file, "--out", Path.Combine(dir, "o"), "--port", FreePort().ToString(), "--host", "0.0.0.0");
        Assert.Equal(2, r.Exit);
        Assert.Contains("--insecure", r.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "o")));
        var w = SweepProcess.Run(Timeout, "worker", "--seed", "10.1.2.3:4000", "--host", "10.1.2.4");
        Assert.Equal(2, w.Exit);
        var half = SweepProcess.Run(Timeout, "worker", "--seed", "127.0.0.1:4000", "--tls-cert", "x.pfx");
        Assert.Equal(2, half.Exit);
        Assert.Contains("--tls-ca", half.Err);
    }
}

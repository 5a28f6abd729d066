using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Sweep.Results.Output;
using Sweep.Results.Storage;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests;

/// <summary>Operations: the packed tool, provenance, status --json, graceful stops, logs, workers that finish.</summary>
public class OperationsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(50);
        }
    }

    private static string Version()
    {
        var r = SweepProcess.Run(Timeout, "--version");
        Assert.Equal(0, r.Exit);
        return r.Out.Trim();
    }

    /// <summary>summary.json's text without "provenance", as summary.json's own writer prints it.</summary>
    private static string WithoutProvenance(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        o.Remove("provenance");
        return OutputWriter.SummaryText(o);
    }

    internal static (int Exit, string Out, string Err) Exec(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void The_packed_tool_installs_offline_and_reports_its_version()
    {
        var dir = Temp.Dir();
        string packDir = Path.Combine(dir, "pack"), toolDir = Path.Combine(dir, "tools");
        // The project these tests were built from, in the same configuration (already built: --no-build).
        string configuration = AppContext.BaseDirectory.Replace('\\', '/').Contains("/Release/") ? "Release" : "Debug";
        var pack = Exec("dotnet", dir, "pack", Path.Combine(DeployTests.Root(), "src", "Sweep.Cli", "Sweep.Cli.csproj"), "-c", configuration, "--no-build", "-o", packDir);
        Assert.True(pack.Exit == 0, pack.Out + pack.Err);
        Assert.Single(Directory.GetFiles(packDir, "ActorSweep.Sweep.*.nupkg"));
        // Only the folder just packed as a source: no network.
        string config = Path.Combine(dir, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packDir}" /></packageSources></configuration>
            """);
        var install = Exec("dotnet", dir, "tool", "install", "--tool-path", toolDir, "--configfile", config, "ActorSweep.Sweep");
        Assert.True(install.Exit == 0, install.Out + install.Err);
        var run = Exec(Path.Combine(toolDir, OperatingSystem.IsWindows() ? "sweep.exe" : "sweep"), dir, "--version");
        Assert.True(run.Exit == 0, run.Err);
        Assert.Equal(Version(), run.Out.Trim());
        Assert.StartsWith("1.0.0", run.Out.Trim());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Provenance_is_in_summary_json_the_store_status_and_report_and_status_json_equals_the_summary()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.WithSamples(16));
        var out_ = Path.Combine(dir, "out");
        var r = SweepProcess.Run(Timeout, "run", file, "--out", out_, "--workers", "2");
        Assert.True(r.Exit == 0, r.Err);
        string version = Version();

        // summary.json: provenance last, after the keys readers already know.
        string summaryText = File.ReadAllText(Path.Combine(out_, "summary.json"));
        var summary = JsonNode.Parse(summaryText)!.AsObject();
        Assert.Equal("provenance", summary.Last().Key);
        var provenance = summary["provenance"]!.AsObject();
        Assert.Equal(version, (string?)provenance["version"]);
        Assert.Equal(version.Split('+').ElementAtOrDefault(1), (string?)provenance["commit"]);
        Assert.Contains((int)provenance["simd_width"]!, new[] { 128, 256, 512 });
        Assert.Equal(Sweep.Worker.NumericsFingerprint.Current, (string?)provenance["numerics"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)provenance["cpu"]));
        Assert.Contains(".NET", (string?)provenance["runtime"]);

        // status --json: what summary.json holds.
        var json = SweepProcess.Run(Timeout, "status", out_, "--json");
        Assert.True(json.Exit == 0, json.Err);
        Assert.Equal(WithoutProvenance(summaryText), WithoutProvenance(json.Out));
        Assert.True((bool)JsonNode.Parse(json.Out)!["complete"]!);
        Assert.Null(JsonNode.Parse(json.Out)!["provenance"]!["numerics"]);     // a reader does not measure them

        // The store, status and the report name the build.
        var status = SweepProcess.Run(Timeout, "status", out_);
        Assert.Contains($"created by sweep {version}", status.Out);
        var report = SweepProcess.Run(Timeout, "report", out_);
        Assert.True(report.Exit == 0, report.Err);
        Assert.Contains(version, File.ReadAllText(Path.Combine(out_, "report", "index.html")));

        // A resume by another build says so, naming both.
        using (var store = CampaignStore.Open(CampaignStore.PathIn(out_), readOnly: false))
        {
            var old = Provenance.Current with { Version = "0.9.0+0123abc", Commit = "0123abc", Numerics = null };
            store.SetMeta(StoreProvenance.BuildsKey, new JsonArray(old.ToJson()).ToJsonString());
        }
        var resumed = SweepProcess.Run(Timeout, "run", file, "--out", out_);
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Contains("last run by sweep 0.9.0+0123abc", resumed.Err);
        Assert.Contains($"this is sweep {version}", resumed.Err);
        using (var store = CampaignStore.Open(CampaignStore.PathIn(out_), readOnly: true))
            Assert.Equal(["0.9.0+0123abc", version], StoreProvenance.Read(store).Builds.Select(b => b.Version));
        // This build stated its numerics; status names them.
        string numerics = Sweep.Worker.NumericsFingerprint.Current;
        Assert.Contains($"numerics {numerics} (not stated by 1 older build)", SweepProcess.Run(Timeout, "status", out_).Out);

        // A build whose numerics differ is refused (exit 2), the store untouched.
        using (var store = CampaignStore.Open(CampaignStore.PathIn(out_), readOnly: false))
        {
            var other = Provenance.Current with { Version = "0.9.1+4567def", Commit = "4567def", Numerics = "ffffffffffffffff" };
            store.SetMeta(StoreProvenance.BuildsKey, new JsonArray(other.ToJson()).ToJsonString());
            store.SetMeta(StoreProvenance.NumericsKey, other.Numerics!);
        }
        byte[] before = File.ReadAllBytes(CampaignStore.PathIn(out_));
        var refused = SweepProcess.Run(Timeout, "run", file, "--out", out_);
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("computed by sweep 0.9.1+4567def with numerics ffffffffffffffff", refused.Err);
        Assert.Contains($"computes {numerics}", refused.Err);
        Assert.Equal(before, File.ReadAllBytes(CampaignStore.PathIn(out_)));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Sigterm_stops_gracefully_with_exit_143_and_the_resumed_run_equals_an_uninterrupted_one()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.KillTest);
        var reference = Path.Combine(dir, "reference");
        var r = SweepProcess.Run(Timeout, "run", file, "--out", reference, "--workers", "2");
        Assert.True(r.Exit == 0, r.Err);

        var out_ = Path.Combine(dir, "interrupted");
        long stored;
        using (var p = SweepProcess.Start("run", file, "--out", out_, "--workers", "2"))
        {
            WaitFor(() => p.HasExited || Campaigns.StoredSamples(out_) > 0, Timeout, "the first stored shard");
            Assert.False(p.HasExited, p.Stdout + p.Stderr);
            // status --json on a running (partial) campaign
            var partial = SweepProcess.Run(Timeout, "status", out_, "--json");
            Assert.True(partial.Exit == 0, partial.Err);
            Assert.False((bool)JsonNode.Parse(partial.Out)!["complete"]!);

            using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])) kill.WaitForExit();
            Assert.True(p.WaitForExit(Timeout), "the run did not stop after SIGTERM");
            output.WriteLine(p.Stdout + p.Stderr);
            Assert.True(p.ExitCode == 143, $"exit {p.ExitCode}: {p.Stderr}");
            stored = Campaigns.StoredSamples(out_);
            Assert.Contains($"interrupted after {stored}/{Campaigns.KillTestSamples} samples; run the same command to resume", p.Stderr);
        }
        Assert.True(stored < Campaigns.KillTestSamples, "the campaign finished before the signal");
        Assert.False(Directory.Exists(Path.Combine(out_, "samples.csv.parts")), "temporary files were left behind");
        Assert.False(File.Exists(Path.Combine(out_, "samples.csv")));

        var resumed = SweepProcess.Run(Timeout, "run", file, "--out", out_, "--workers", "2");
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Contains($"{stored} of {Campaigns.KillTestSamples} samples already stored", resumed.Out);
        Campaigns.AssertSameOutputs(reference, out_);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Every_command_logs_under_dir_with_the_chosen_level_and_format()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.WithSamples(16));
        var out_ = Path.Combine(dir, "out");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", out_, "--workers", "2").Exit);
        var status = SweepProcess.Run(Timeout, "status", out_, "--log-level", "debug", "--log-format", "json");
        Assert.True(status.Exit == 0, status.Err);
        var clef = Directory.GetFiles(Path.Combine(out_, "logs"), "sweep-*.clef");
        Assert.Single(clef);
        string line;
        using (var f = new FileStream(clef[0], FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(f)) line = reader.ReadLine()!;
        var evt = JsonNode.Parse(line)!.AsObject();
        Assert.True(evt.ContainsKey("@t") && evt.ContainsKey("@mt"), line);
        Assert.Equal("Debug", (string?)evt["@l"]);
        var bad = SweepProcess.Run(Timeout, "status", out_, "--log-level", "loud");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--log-level must be one of", bad.Err);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_worker_exits_0_when_its_coordinator_has_finished_the_campaign()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.WithSamples(40));
        var out_ = Path.Combine(dir, "out");
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        using var coordinator = SweepProcess.Start("coordinator", file, "--out", out_, "--port", port.ToString());
        using var worker = SweepProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--workers", "2", "--credential", Path.Combine(out_, "cluster-credential.pfx"));
        Assert.True(coordinator.WaitForExit(Timeout), "the coordinator did not finish");
        Assert.True(coordinator.ExitCode == 0, coordinator.Stdout + coordinator.Stderr);
        Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(1)), "the worker did not exit after the campaign finished: " + worker.Stdout + worker.Stderr);
        Assert.True(worker.ExitCode == 0, worker.Stdout + worker.Stderr);
        Assert.Contains("has finished its campaign", worker.Stdout);
        // Its coordinator going away is expected then: no lost-association warnings with their stack traces.
        Assert.DoesNotContain("   at ", worker.Stderr);
        Assert.DoesNotContain("Disassociated", worker.Stderr);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_worker_stops_within_seconds_on_sigterm_or_sigint_while_joining_or_waiting_for_its_credential()
    {
        var dir = Temp.Dir();
        string seed = $"127.0.0.1:{ClusterTests.FreePort()}";     // nothing listens there
        // Akka's own "Started up successfully" (information) shows the node is up and trying to join.
        string[] Joining() => ["worker", "--seed", seed, "--insecure", "--workers", "1", "--log-level", "information"];
        using var term = SweepProcess.Start(Joining());
        using var interrupt = SweepProcess.Start(Joining());
        using var waiting = SweepProcess.Start("worker", "--seed", seed, "--workers", "1", "--credential", Path.Combine(dir, "not-yet", "cluster-credential.pfx"));
        Assert.True(term.WaitForOutput("Started up successfully", Timeout), term.Stdout + term.Stderr);
        Assert.True(interrupt.WaitForOutput("Started up successfully", Timeout), interrupt.Stdout + interrupt.Stderr);
        Assert.True(waiting.WaitForOutput("waiting for the coordinator's credential", Timeout), waiting.Stdout + waiting.Stderr);
        foreach (var (p, signal, code) in new[] { (term, "TERM", 143), (interrupt, "INT", 130), (waiting, "TERM", 143) })
        {
            var clock = Stopwatch.StartNew();
            p.Signal(signal);
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), $"SIG{signal} did not stop a joining worker within 30 s");
            output.WriteLine($"SIG{signal}: exit {p.ExitCode} after {clock.Elapsed.TotalSeconds:F2} s");
            Assert.True(p.ExitCode == code, $"exit {p.ExitCode}: {p.Stdout}{p.Stderr}");
            Assert.Contains($"SIG{signal}: left the cluster", p.Stderr);      // the handler ran, not the default action
        }
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>A coordinator of the kill-test campaign in DIR/out and one worker of <paramref name="threads"/>, once a shard is stored.</summary>
    private static (SweepProcess Coordinator, SweepProcess Worker, string Out) Working(string dir, int threads)
    {
        var file = Temp.Campaign(dir, Campaigns.KillTest);
        var out_ = Path.Combine(dir, "out");
        int port = ClusterTests.FreePort();
        var coordinator = SweepProcess.Start("coordinator", file, "--out", out_, "--port", port.ToString());
        var worker = SweepProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--workers", threads.ToString(), "--credential", Path.Combine(out_, "cluster-credential.pfx"));
        try
        {
            WaitFor(() => worker.HasExited || Campaigns.StoredSamples(out_) > 0, Timeout, "the first stored shard");
            Assert.False(worker.HasExited, worker.Stdout + worker.Stderr);
            return (coordinator, worker, out_);
        }
        catch
        {
            worker.Dispose();
            coordinator.Dispose();
            throw;
        }
    }

    [Fact]
    public void A_second_signal_ends_a_worker_whose_leave_cannot_complete_at_once()
    {
        var dir = Temp.Dir();
        var (coordinator, worker, _) = Working(dir, threads: 1);
        using var _c = coordinator;
        using var _w = worker;
        // A stopped coordinator never acknowledges the worker's leave, so the graceful stop cannot complete.
        coordinator.Signal("STOP");
        try
        {
            worker.Signal("TERM");
            Assert.True(worker.WaitForOutput("SIGTERM: leaving the cluster (again to stop at once)", Timeout), worker.Stdout + worker.Stderr);
            var clock = Stopwatch.StartNew();
            worker.Signal("TERM");
            Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(10)), "a second SIGTERM did not end the worker within 10 s: " + worker.Stderr);
            output.WriteLine($"second SIGTERM: exit {worker.ExitCode} after {clock.Elapsed.TotalSeconds:F2} s");
            Assert.True(worker.ExitCode == 143, $"exit {worker.ExitCode}: {worker.Stderr}");
            Assert.Contains("SIGTERM: left the cluster without waiting for the node to stop", worker.Stderr);
        }
        finally { coordinator.Signal("CONT"); }
        coordinator.Signal("TERM");
        Assert.True(coordinator.WaitForExit(Timeout));
        Assert.Equal(143, coordinator.ExitCode);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_working_worker_stops_within_seconds_on_sigterm()
    {
        var dir = Temp.Dir();
        var (coordinator, worker, out_) = Working(dir, threads: 2);
        using var _c = coordinator;
        using var _w = worker;
        var clock = Stopwatch.StartNew();
        worker.Signal("TERM");
        Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(30)), "SIGTERM did not stop a working worker within 30 s");
        output.WriteLine($"SIGTERM while working: exit {worker.ExitCode} after {clock.Elapsed.TotalSeconds:F2} s");
        Assert.True(worker.ExitCode == 143, $"exit {worker.ExitCode}: {worker.Stderr}");
        Assert.True(Campaigns.StoredSamples(out_) < Campaigns.KillTestSamples, "the campaign finished before the signal");
        coordinator.Signal("TERM");
        Assert.True(coordinator.WaitForExit(Timeout));
        Assert.Equal(143, coordinator.ExitCode);
        Directory.Delete(dir, recursive: true);
    }
}

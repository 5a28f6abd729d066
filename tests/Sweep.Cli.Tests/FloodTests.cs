using System.Diagnostics;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests;

/// <summary>
/// A flood of unauthenticated connections (issue 27): a few hundred connections held open without a byte, then a few
/// thousand raw TCP connects (half closed at once, half sending bytes that are no TLS record) against a coordinator
/// while it solves its campaign. Its outputs equal a plain run's, its log stays small (refused handshakes are counted
/// per interval, not logged one by one), its time stays within a stated factor of the plain run's, and the held
/// connections beyond the handshake gate's cap are closed by the coordinator at once, its descriptors bounded.
/// </summary>
public class FloodTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private const int Connects = 3000;
    /// <summary>Connections held open without a byte: several times the gate's cap, far fewer than the descriptor limit.</summary>
    private const int Held = 600;
    private static readonly int Cap = Sweep.Hosting.Handshakes.HandshakeGateSettings.Default.MaxPending;
    /// <summary>The flooded run may take this factor of the plain run's time (plus startup slack on a loaded machine).</summary>
    private const double SlowdownFactor = 3;

    [Fact]
    public void A_connection_flood_leaves_the_outputs_identical_and_the_log_small()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.SeveralSeconds);
        var reference = Path.Combine(dir, "reference");
        var clock = Stopwatch.StartNew();
        var plain = SweepProcess.Run(Timeout, "coordinator", file, "--out", reference, "--port", ClusterTests.FreePort().ToString(), "--workers", "2");
        Assert.True(plain.Exit == 0, plain.Err);
        var plainTime = clock.Elapsed;

        var out_ = Path.Combine(dir, "flooded");
        int port = ClusterTests.FreePort();
        clock.Restart();
        using var coordinator = SweepProcess.Start("coordinator", file, "--out", out_, "--port", port.ToString(), "--workers", "2");
        Assert.True(coordinator.WaitForOutput("listening", Timeout), coordinator.Stderr);
        // Held connections: beyond the cap, closed by the coordinator before Akka's own handshake timeout (15 s) could.
        int baseline = Descriptors(coordinator.Id);
        var held = new List<TcpClient>();
        for (int i = 0; i < Held; i++)
        {
            var c = new TcpClient();
            c.Connect("127.0.0.1", port);
            held.Add(c);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (held.Count(ClosedByPeer) < Held - Cap && DateTime.UtcNow < deadline) Thread.Sleep(20);
        int closed = held.Count(ClosedByPeer), descriptors = Descriptors(coordinator.Id);
        Assert.True(closed >= Held - Cap, $"{closed} of {Held} held connections closed by the coordinator");
        Assert.True(descriptors <= baseline + Cap + 64, $"{descriptors} descriptors with {Held} held connections ({baseline} before)");

        int made = 0;
        var garbage = "GET / HTTP/1.0\r\n\r\n"u8.ToArray();
        for (int i = 0; i < Connects && !coordinator.HasExited; i++)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect("127.0.0.1", port);
                if (i % 2 == 1) c.GetStream().Write(garbage);
                made++;
            }
            catch (SocketException) { }
        }
        Assert.True(coordinator.WaitForExit(Timeout), "the flooded campaign did not finish");
        foreach (var c in held) c.Dispose();
        var floodedTime = clock.Elapsed;
        Assert.True(coordinator.ExitCode == 0, coordinator.Stdout + coordinator.Stderr);
        Campaigns.AssertSameOutputs(reference, out_);

        long logBytes = Directory.GetFiles(Path.Combine(out_, "logs")).Sum(f => new FileInfo(f).Length);
        string log = Campaigns.Logs(out_);
        int refusedLines = log.Split('\n').Count(l => l.Contains("TLS handshake"));
        output.WriteLine($"{Held} held ({closed} closed by the gate, {descriptors} descriptors, {baseline} before); {made} connects; plain {plainTime.TotalSeconds:F1} s, flooded {floodedTime.TotalSeconds:F1} s; log {logBytes} bytes, {refusedLines} handshake lines");
        Assert.True(made >= Connects / 2 || coordinator.ExitCode == 0);
        Assert.True(logBytes < 64 << 10, $"the log grew to {logBytes} bytes");
        Assert.True(floodedTime < plainTime * SlowdownFactor + TimeSpan.FromSeconds(20), $"plain {plainTime}, flooded {floodedTime}");
        Directory.Delete(dir, recursive: true);
    }

    private static int Descriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    /// <summary>True once the coordinator has closed the connection (a read would return 0 bytes or fail).</summary>
    private static bool ClosedByPeer(TcpClient c)
    {
        try { return c.Client.Poll(0, SelectMode.SelectRead) && c.Client.Available == 0; }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { return true; }
    }
}

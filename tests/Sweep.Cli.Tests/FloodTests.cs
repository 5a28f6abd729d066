using System.Diagnostics;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests;

/// <summary>
/// A flood of unauthenticated connections (issue 27): a few thousand raw TCP connects (half closed at once, half sending
/// bytes that are no TLS record) against a coordinator while it solves its campaign. Its outputs equal a plain run's,
/// its log stays small (refused handshakes are counted per interval, not logged one by one), and its time stays within
/// a stated factor of the plain run's.
/// </summary>
public class FloodTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private const int Connects = 3000;
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
        var floodedTime = clock.Elapsed;
        Assert.True(coordinator.ExitCode == 0, coordinator.Stdout + coordinator.Stderr);
        Campaigns.AssertSameOutputs(reference, out_);

        long logBytes = Directory.GetFiles(Path.Combine(out_, "logs")).Sum(f => new FileInfo(f).Length);
        string log = Campaigns.Logs(out_);
        int refusedLines = log.Split('\n').Count(l => l.Contains("TLS handshake"));
        output.WriteLine($"{made} connects; plain {plainTime.TotalSeconds:F1} s, flooded {floodedTime.TotalSeconds:F1} s; log {logBytes} bytes, {refusedLines} handshake lines");
        Assert.True(made >= Connects / 2 || coordinator.ExitCode == 0);
        Assert.True(logBytes < 64 << 10, $"the log grew to {logBytes} bytes");
        Assert.True(floodedTime < plainTime * SlowdownFactor + TimeSpan.FromSeconds(20), $"plain {plainTime}, flooded {floodedTime}");
        Directory.Delete(dir, recursive: true);
    }
}

using System.Net;
using System.Net.Sockets;

namespace Sweep.Cli.Tests;

/// <summary>A coordinator asked for a port another process holds: one line naming the port, exit 2, no stack trace.</summary>
public class PortInUseTests
{
    [Fact]
    public void A_coordinator_on_a_port_in_use_says_so_in_one_line()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var dir = Temp.Dir();
        var (exit, stdout, stderr) = SweepProcess.Run(TimeSpan.FromMinutes(2), "coordinator",
            Path.Combine(DeployTests.Root(), "examples", "quickstart.json"), "--out", Path.Combine(dir, "out"), "--port", port.ToString());
        Assert.Equal(2, exit);
        Assert.Contains($"--port {port}: 127.0.0.1:{port} is in use", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Exception", stdout + stderr);
    }
}

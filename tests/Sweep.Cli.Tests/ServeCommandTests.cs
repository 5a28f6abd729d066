using System.Net;
using System.Net.Sockets;

namespace Sweep.Cli.Tests;

/// <summary>`sweep serve`'s refusals: one line and exit 2, before anything is served (the page itself: Sweep.Web.Tests).</summary>
public class ServeCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_folder_without_a_campaign_a_bad_host_and_a_port_in_use_are_refused_with_exit_2()
    {
        var dir = Temp.Dir();
        var empty = SweepProcess.Run(Timeout, "serve", Path.Combine(dir, "nothing"), "--port", "0");
        Assert.Equal(2, empty.Exit);
        Assert.StartsWith("error: ", empty.Err);
        Assert.Single(empty.Err.Trim().Split('\n'));

        var badHost = SweepProcess.Run(Timeout, "serve", dir, "--host", "localhost.invalid");
        Assert.Equal(2, badHost.Exit);
        Assert.Contains("--host", badHost.Err);

        // A campaign folder (a stored fixture), on a port another socket holds.
        var run = Path.Combine(dir, "run");
        Directory.CreateDirectory(run);
        File.Copy(Path.Combine(DeployTests.Root(), "tests", "Sweep.Cli.Tests", "fixtures", "schema5-store", "campaign.db"), Path.Combine(run, "campaign.db"));
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var busy = SweepProcess.Run(Timeout, "serve", run, "--port", port.ToString());
        Assert.True(busy.Exit == 2, busy.Out + busy.Err);
        Assert.Contains($"--port {port}", busy.Err);
    }
}

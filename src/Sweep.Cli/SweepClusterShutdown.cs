using Sweep.Hosting;

namespace Sweep.Cli;

/// <summary>Akka prints a few remoting lines straight to stdout while it shuts down, after our loggers stop; they are noise here.</summary>
internal static class SweepClusterShutdown
{
    /// <summary>Stops the node; <paramref name="graceful"/> first leaves the cluster so peers need not wait for failure detection (for at most <paramref name="leaveLimit"/>).</summary>
    public static async Task TerminateQuietly(SweepNode node, bool graceful = true, TimeSpan? leaveLimit = null)
    {
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            await node.StopAsync(graceful, leaveLimit);
        }
        finally { Console.SetOut(stdout); }
    }
}

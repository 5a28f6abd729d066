using Sweep.Hosting;

namespace Sweep.Cli;

/// <summary>Akka prints a few remoting lines straight to stdout while it shuts down, after our loggers stop; they are noise here.</summary>
internal static class SweepClusterShutdown
{
    /// <summary>Stops the node; <paramref name="graceful"/> first leaves the cluster so peers need not wait for failure detection.</summary>
    public static async Task TerminateQuietly(SweepNode node, bool graceful = true)
    {
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            await node.StopAsync(graceful);
        }
        finally { Console.SetOut(stdout); }
    }
}

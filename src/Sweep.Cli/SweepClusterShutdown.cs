using Akka.Actor;

namespace Sweep.Cli;

/// <summary>Akka prints a few remoting lines straight to stdout while it shuts down, after our loggers stop; they are noise here.</summary>
internal static class SweepClusterShutdown
{
    /// <summary>Leaves the cluster gracefully (so peers need not wait for failure detection), then stops.</summary>
    public static async Task TerminateQuietly(ActorSystem system)
    {
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Null);
        try { await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance); }
        finally { Console.SetOut(stdout); }
    }
}

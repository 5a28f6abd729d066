using System.Runtime.InteropServices;

namespace Sweep.Cli;

/// <summary>
/// The process's limits a command needs before it starts: below <see cref="MinOpenFiles"/> descriptors the runtime, the
/// actor system and SQLite fail at some arbitrary moment (an assembly that cannot be loaded, a socket, the log), so a
/// command refuses at once with one line and exit 1, before it touches DIR. A soft limit below the hard one is raised
/// instead, as far as the hard limit allows.
/// </summary>
internal static class ResourceLimits
{
    /// <summary>`sweep run` on the quick start needs about 200 descriptors (the runtime, Akka's remoting and threads, SQLite, logs).</summary>
    public const ulong MinOpenFiles = 256;

    /// <summary>Null when the limit is enough (raising the soft limit if it has to), else the one-line reason.</summary>
    public static string? OpenFilesProblem()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            if (GetRLimit(RlimitNoFile, out var limit) != 0 || limit.Current >= MinOpenFiles) return null;
            if (limit.Max >= MinOpenFiles)
            {
                var raised = limit with { Current = Math.Min(limit.Max, 4096) };
                if (SetRLimit(RlimitNoFile, in raised) == 0) return null;
            }
            return $"the limit on open files is {limit.Current} (ulimit -n); sweep needs at least {MinOpenFiles}: raise it (e.g. ulimit -n 4096) and rerun. Nothing was written.";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    /// <summary>Whether a failure was the process running out of descriptors (EMFILE, ENFILE), anywhere in its chain.</summary>
    public static bool OutOfDescriptors(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x.Message.Contains("Too many open files", StringComparison.OrdinalIgnoreCase)
                || x is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TooManyOpenSockets })
                return true;
        return false;
    }

    private const int RlimitNoFile = 7;   // Linux, every architecture .NET runs on

    [StructLayout(LayoutKind.Sequential)]
    private record struct RLimit(ulong Current, ulong Max);

    [DllImport("libc", EntryPoint = "getrlimit")]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit")]
    private static extern int SetRLimit(int resource, in RLimit limit);
}

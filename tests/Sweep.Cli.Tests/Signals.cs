using System.Runtime.InteropServices;

namespace Sweep.Cli.Tests;

/// <summary>The test process's own signal dispositions, which the `sweep` children inherit.</summary>
internal static class Signals
{
    private const int SigInt = 2;

    /// <summary>Whether SIGINT is ignored in this process (Linux: the SigIgn mask of /proc/self/status).</summary>
    public static bool InterruptIgnored()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                return (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
        return false;
    }

    /// <summary>An ignored SIGINT back to its default action (an installed handler is left alone: there is none when ignored).</summary>
    public static void UnignoreInterrupt()
    {
        if (OperatingSystem.IsLinux() && InterruptIgnored()) SetDisposition(SigInt, IntPtr.Zero);   // SIG_DFL
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr SetDisposition(int signal, IntPtr handler);
}

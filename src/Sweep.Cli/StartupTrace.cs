using System.Diagnostics;
using Serilog;
using Serilog.Events;

namespace Sweep.Cli;

/// <summary>
/// Where start-up goes (`--log-level debug`): each phase of a run with the wall and CPU time since the process started
/// and the methods the JIT compiled so far, which is most of a short campaign's cost (docs/performance.md).
/// </summary>
internal static class StartupTrace
{
    public static void Mark(string phase)
    {
        if (!Log.IsEnabled(LogEventLevel.Debug)) return;
        using var process = Process.GetCurrentProcess();
        Log.Debug("start-up: {Phase} after {WallMs:F0} ms ({CpuMs:F0} ms CPU); {Methods} methods JIT-compiled",
            phase, (DateTime.Now - process.StartTime).TotalMilliseconds, process.TotalProcessorTime.TotalMilliseconds,
            System.Runtime.JitInfo.GetCompiledMethodCount());
    }
}

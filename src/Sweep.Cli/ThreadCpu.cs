using System.Runtime.InteropServices;

namespace Sweep.Cli;

/// <summary>The calling thread's CPU time (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)); 0 elsewhere. For benchmarks only.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static bool Available => OperatingSystem.IsLinux();

    public static double Seconds()
    {
        if (!Available || ClockGetTime(ClockThreadCpuTime, out var t) != 0) return 0;
        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}

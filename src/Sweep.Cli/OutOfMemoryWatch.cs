using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Sweep.Cli;

/// <summary>
/// Running out of memory ends the process, wherever the <see cref="OutOfMemoryException"/> was thrown. A command's own
/// path reports it where it can (exit 1 and one line that says which part failed), but the runtime's and the actor
/// system's threads catch exceptions of their own (a system actor's stash, a log message's formatting): a run whose
/// cluster sharding lost an actor that way waited forever with no sample done (1 of 80 runs under a 4 MiB heap limit,
/// eight at once on two cores). So the first such exception seen anywhere (first chance, caught or not) starts a clock:
/// if the process still runs <see cref="Grace"/> later, it ends at once, without the exit handlers (whose actor-system
/// shutdown may wait as well): with the exit code the command returned (<see cref="Decide"/>) if it has, silently; else
/// with 1 and the out-of-memory line, unless a failure line was written already (<see cref="WriteFailureLine"/>). Every
/// sweep process does this (run, coordinator, worker, serve). The store is then as after a kill: every committed shard
/// kept, the rerun resumes.
/// </summary>
public sealed class OutOfMemoryWatch : IDisposable
{
    /// <summary>Time for the command's own path to report and end; runs of a few seconds take longer on a loaded machine.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    public const int ExitCode = 1;

    private readonly ManualResetEventSlim _seen = new();
    private readonly ManualResetEventSlim _disposed = new();
    private readonly byte[] _line;          // encoded now: there may be no memory to encode it then
    private readonly Stream _stderr;
    private readonly Action<int> _exit;
    private readonly TimeSpan _grace;
    private int _lineClaimed;
    private int _decided = -1;

    /// <param name="stderr">Where the line goes (the process's standard error, opened before it is needed).</param>
    /// <param name="exit">Ends the process with the code (<see cref="ExitNow"/> in the process).</param>
    public OutOfMemoryWatch(Stream stderr, Action<int> exit, TimeSpan grace)
    {
        _stderr = stderr;
        _exit = exit;
        _grace = grace;
        _line = Encoding.UTF8.GetBytes($"error: {Sweep.Results.Storage.Exhausted.Describe(new OutOfMemoryException())}\n");
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        new Thread(Watch) { IsBackground = true, Name = "sweep out-of-memory watch" }.Start();
    }

    /// <summary>Whether an <see cref="OutOfMemoryException"/> has been thrown in this process since the watch started.</summary>
    public bool Seen => _seen.IsSet;

    /// <summary>True once, for whoever writes the process's failure line first: the watch then writes none.</summary>
    public bool ClaimFailureLine() => Interlocked.Exchange(ref _lineClaimed, 1) == 0;

    /// <summary>The command has ended with <paramref name="code"/>: a process still shutting down is ended with it, silently.</summary>
    public int Decide(int code)
    {
        Volatile.Write(ref _decided, code);
        return code;
    }

    /// <summary>
    /// Writes the process's one failure line: <paramref name="line"/>, or the out-of-memory line where it could not be
    /// built (null) or where memory ran out somewhere in this process and the line does not say so (the failure is then
    /// most likely a symptom of it). Nothing if a failure line was written already.
    /// </summary>
    public void WriteFailureLine(TextWriter writer, string? line)
    {
        if (!ClaimFailureLine()) return;
        if (line is null || Seen && !line.Contains(Sweep.Results.Storage.Exhausted.OutOfMemory, StringComparison.Ordinal)) { WriteOwnLine(); return; }
        try { writer.WriteLine(line); writer.Flush(); }
        catch (Exception) { WriteOwnLine(); }
    }

    // The prepared bytes, straight to the stream: no allocation.
    private void WriteOwnLine()
    {
        try { _stderr.Write(_line); _stderr.Flush(); }
        catch (Exception) { }           // nothing left to say it with; the exit code still does
    }

    // Runs on the throwing thread, for every exception: a type test and, once, a flag; nothing that allocates.
    private void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
    {
        if (e.Exception is OutOfMemoryException) _seen.Set();
    }

    private void Watch()
    {
        if (WaitHandle.WaitAny([_seen.WaitHandle, _disposed.WaitHandle]) == 1) return;
        if (_disposed.Wait(_grace)) return;
        int decided = Volatile.Read(ref _decided);
        if (decided < 0 && ClaimFailureLine()) WriteOwnLine();
        _exit(decided >= 0 ? decided : ExitCode);
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
        _disposed.Set();
    }

    /// <summary>Ends the process at once (POSIX `_exit`): no exit handlers, no finalizers, no flushing.</summary>
    public static void ExitNow(int code)
    {
        if (!OperatingSystem.IsWindows())
        {
            try { ExitImmediately(code); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
        Environment.Exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitImmediately(int code);
}

using Microsoft.Data.Sqlite;

namespace Sweep.Results.Storage;

/// <summary>
/// Whether a failure is an exhausted limit of the machine, and how to say so in the one line a run ends with (issue 27):
/// the disk full (ENOSPC, SQLite's "database or disk is full") or a file size limit reached (`ulimit -f`: EFBIG, which
/// SQLite reports as a "disk I/O error" and .NET, when a file is extended, as a length "too large for the file
/// system"); memory (<see cref="OutOfMemoryException"/>: a container's limit, `DOTNET_GCHeapHardLimit`). Such a run
/// ends with exit 1; the store keeps every committed shard, and the rerun resumes where it stopped.
/// </summary>
public static class Exhausted
{
    private const int Enospc = 28, Efbig = 27, SqliteIoErr = 10, SqliteFull = 13;

    public const string Resume = "rerun: the campaign resumes where it stopped";

    /// <summary>What every exhausted-memory line says (<see cref="Describe"/>).</summary>
    public const string OutOfMemory = "out of memory";

    public static bool Disk(Exception e) => e switch
    {
        SqliteException s => s.SqliteErrorCode is SqliteFull or SqliteIoErr,
        IOException io => io.HResult is Enospc or Efbig || io.Message.Contains("No space left", StringComparison.Ordinal)
            || io.Message.Contains("File too large", StringComparison.Ordinal),
        ArgumentException a => a.Message.Contains("too large for the file system", StringComparison.Ordinal),
        _ => false,
    } || e.InnerException is { } inner && Disk(inner);

    public static bool Memory(Exception e) => e is OutOfMemoryException || e.InnerException is { } inner && Memory(inner);

    /// <summary>The exception's message, followed by what to do when it is an exhausted disk or memory.</summary>
    public static string Describe(Exception e) =>
        e.Message.Contains(Resume, StringComparison.Ordinal) ? e.Message      // said already, by the layer below
        : Memory(e) ? $"{OutOfMemory} (a memory limit of this process or its container was reached): raise it and {Resume}"
        : Disk(e) ? $"{e.Message.TrimEnd()} (out of disk space or over a file size limit: free space, or raise the limit (ulimit -f), and {Resume})"
        : e.Message;
}

using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// An exclusive lock on DIR/.lock held while a process writes to DIR (.NET maps FileShare.None to flock on Unix, so a
/// killed process releases it at once). A second writer is refused instead of corrupting the campaign.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;
    private RunLock(FileStream s) => _stream = s;

    /// <summary>How long a writer waits for readers (status, report, export of a stopped campaign hold a shared lock) to finish.</summary>
    public static TimeSpan ReaderWait { get; set; } = TimeSpan.FromSeconds(120);

    public static RunLock Acquire(string dir)
    {
        string path = Path.Combine(dir, ".lock");
        var deadline = DateTime.UtcNow + ReaderWait;
        bool told = false;
        while (true)
        {
            if (TryAcquire(dir, path) is { } acquired) return acquired;
            if (!ReadersOnly(path) || DateTime.UtcNow >= deadline)
            {
                string holder = "";
                try { holder = File.ReadAllText(path).Trim(); } catch (IOException) { }
                throw new UserError($"'{dir}' is in use by another sweep process{(holder.Length > 0 ? $" (pid {holder})" : "")}; wait for it or stop it first");
            }
            if (!told) Console.Error.WriteLine($"waiting for a reader of '{UserError.Printable(dir)}' (sweep status, report or export) to finish …");
            told = true;
            Thread.Sleep(50);
        }
    }

    /// <summary>Whether the lock is held only shared (by readers): a shared lock is then granted, as it is not beside a writer's exclusive one.</summary>
    private static bool ReadersOnly(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The lock, or null when another process holds it.</summary>
    private static RunLock? TryAcquire(string dir, string path)
    {
        try
        {
            var s = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            s.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString());
            s.Write(pid);
            s.Flush();
            return new RunLock(s);
        }
        catch (IOException e)
        {
            // Held by another process (flock), unless the folder cannot be written at all (a read-only mount).
            if (Sweep.Results.Storage.ReadOnlyFolder.Is(dir)) throw new UserError($"cannot write to '{dir}': {e.Message}");
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserError($"cannot write to '{dir}': {e.Message}");
        }
    }

    public void Dispose() => _stream.Dispose();
}

namespace Sweep.Results.Storage;

/// <summary>
/// Whether a campaign folder is meant to be read only: it has no write permission bit at all, or this process cannot
/// write it. The mode bits count even for root, whom the kernel lets write anyway: readers then put nothing there
/// (logs go to the user's folder; report and export need a target elsewhere).
/// </summary>
public static class ReadOnlyFolder
{
    public static bool Is(string dir)
    {
        if (!Directory.Exists(dir)) return false;
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
            if ((File.GetUnixFileMode(dir) & anyWrite) == 0) return true;
        }
        return (new DirectoryInfo(dir).Attributes & FileAttributes.ReadOnly) != 0 || !CanCreateIn(dir);
    }

    // access(2) is not exposed; a read-only mount or a folder owned by someone else shows when a file cannot be created.
    // Only reached when a write bit is set, so on a writable folder it leaves nothing behind.
    private static bool CanCreateIn(string dir)
    {
        string probe = Path.Combine(dir, $".sweep-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}

using System.Runtime.InteropServices;

namespace Sweep.Results.Storage;

/// <summary>
/// Whether a campaign folder is meant to be read only: it has no write permission bit at all, or this process may not
/// write it (access(2): a read-only mount, a folder owned by someone else). The mode bits count even for root, whom the
/// kernel lets write anyway. `run` refuses such a folder and the readers put nothing there (logs go to the user's
/// folder; report and export need a target elsewhere): both ask this one question. Asking writes nothing (no probe
/// file), so the folder's modification time stays as it was.
/// </summary>
public static class ReadOnlyFolder
{
    public static bool Is(string dir)
    {
        if (!Directory.Exists(dir)) return false;
        if (OperatingSystem.IsWindows()) return (new DirectoryInfo(dir).Attributes & FileAttributes.ReadOnly) != 0;
        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        if ((File.GetUnixFileMode(dir) & anyWrite) == 0) return true;
        // W_OK | X_OK: creating a file needs both on the folder.
        return Access(dir, 2 | 1) != 0;
    }

    [DllImport("libc", EntryPoint = "access")]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
}

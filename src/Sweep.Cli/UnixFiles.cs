using System.Runtime.InteropServices;

namespace Sweep.Cli;

/// <summary>
/// Who owns a file and who we are, for the one-line message when a certificate, credential or token cannot be read: the
/// usual cause is a secret mounted for another user (compose's 0600 node.pfx of the user who ran make-certs.sh, read by the
/// image's UID 1654).
/// </summary>
public static class UnixFiles
{
    /// <summary>"(owner UID 1000, mode 0600; sweep runs as UID 1654)", or "" where that cannot be told (Windows).</summary>
    public static string Describe(string path)
    {
        if (OperatingSystem.IsWindows()) return "";
        try
        {
            string mode = Convert.ToString((int)File.GetUnixFileMode(path) & 0x1ff, 8).PadLeft(4, '0');
            string owner = Stat(path, out var st) == 0 ? $"owner UID {st.Uid}, " : "";
            return $" ({owner}mode {mode}; sweep runs as UID {EffectiveUid()})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException) { return ""; }
    }

    /// <summary>Reads a file that must be readable, with a message that says why not and what to do (exit 2).</summary>
    public static byte[] ReadSecret(string option, string path)
    {
        if (Directory.Exists(path)) throw new Campaigns.UserError($"{option}: '{path}' is a folder, not a file");
        if (!File.Exists(path)) throw new Campaigns.UserError($"{option}: '{path}' does not exist");
        try { return File.ReadAllBytes(path); }
        catch (UnauthorizedAccessException)
        {
            throw new Campaigns.UserError($"{option}: cannot read '{path}'{Describe(path)}: give that user read access (chown, or a group it is in with mode 0640; in containers mount the secret for UID 1654)");
        }
        catch (IOException e) { throw new Campaigns.UserError($"{option}: cannot read '{path}': {e.Message}"); }
    }

    // The runtime's own stat shim (libSystem.Native ships with every .NET on Unix); Flags, Mode and Uid lead its
    // FileStatus on every architecture, the rest is not needed (a buffer generous for later fields).
    [StructLayout(LayoutKind.Sequential)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 64)] public long[] Rest;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus output);

    /// <summary>This process's effective UID, from /proc (no libc name to guess across glibc and musl); "?" elsewhere.</summary>
    private static string EffectiveUid()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    return line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2];     // real, effective, saved, fs
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return "?";
    }
}

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

    /// <summary>
    /// Reads a secret (certificate, CA, credential, join token) that must be a readable regular file of at most
    /// <paramref name="maxBytes"/> bytes, with a message that says why not and what to do (exit 2). A link to a file is
    /// followed (Kubernetes mounts secrets through links); a FIFO or device is refused before it is opened (it would
    /// block or never end), and the size is checked before a byte is read and again while reading (issue 27).
    /// </summary>
    public static byte[] ReadSecret(string option, string path, long maxBytes)
    {
        string shown = Campaigns.UserError.Printable(path);
        if (Directory.Exists(path)) throw new Campaigns.UserError($"{option}: '{shown}' is a folder, not a file");
        string target;
        try
        {
            string full = Path.GetFullPath(path);
            target = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (Exception e) when (e is IOException or ArgumentException) { throw new Campaigns.UserError($"{option}: cannot read '{shown}': {Campaigns.UserError.Printable(e.Message)}"); }
        var kind = Campaigns.FileKind.Of(target);
        if (kind == Campaigns.FileKind.Kind.Missing) throw new Campaigns.UserError($"{option}: '{shown}' does not exist");
        if (kind != Campaigns.FileKind.Kind.Regular)
            throw new Campaigns.UserError($"{option}: '{shown}' is {Campaigns.FileKind.Describe(kind)}, not a regular file");
        try
        {
            using var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length > maxBytes) throw TooLarge(option, shown, stream.Length, maxBytes);
            var data = new byte[(int)stream.Length];
            int n = 0, read;
            while (n < data.Length && (read = stream.Read(data, n, data.Length - n)) > 0) n += read;
            // A file that grew since its length was taken: one byte more says so (never read on without bound).
            if (n == data.Length && stream.ReadByte() >= 0) throw TooLarge(option, shown, -1, maxBytes);
            return n == data.Length ? data : data[..n];
        }
        catch (UnauthorizedAccessException)
        {
            throw new Campaigns.UserError($"{option}: cannot read '{shown}'{Describe(path)}: give that user read access (chown, or a group it is in with mode 0640; in containers mount the secret for UID 1654)");
        }
        catch (IOException e) { throw new Campaigns.UserError($"{option}: cannot read '{shown}': {Campaigns.UserError.Printable(e.Message)}"); }
    }

    private static Campaigns.UserError TooLarge(string option, string shown, long length, long maxBytes) =>
        new($"{option}: '{shown}' {(length >= 0 ? $"is {length} bytes" : "grew while it was read")}; such a file is at most {maxBytes} bytes: is it the right file?");

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

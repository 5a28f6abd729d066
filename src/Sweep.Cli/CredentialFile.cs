using Sweep.Campaigns;
using Sweep.Hosting;

namespace Sweep.Cli;

/// <summary>
/// DIR/cluster-credential.pfx: the credential a loopback `sweep coordinator` makes at each start (<see cref="TlsOptions.Ephemeral"/>)
/// for the workers of the same user (`sweep worker --credential DIR/cluster-credential.pfx`). Whoever can read it can join
/// the campaign, so it is created readable by its owner only (mode 0600 from the open call on, never widened later), and a
/// file that others can read or write is refused. It holds no password: the file's mode is its protection.
/// </summary>
public static class CredentialFile
{
    public const string FileName = "cluster-credential.pfx";

    /// <summary>
    /// What is read of a credential at most (issue 27): the PKCS#12 of one certificate with its key and the CA's is about
    /// 3 KB; a larger file is not one, and a huge one (or a FIFO) must not be read into memory.
    /// </summary>
    public const int MaxBytes = 64 << 10;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static string PathIn(string dir) => Path.Combine(dir, FileName);

    /// <summary>
    /// Writes <paramref name="tls"/> to DIR/<see cref="FileName"/>, replacing the file of an earlier start: a new file made
    /// with mode 0600 (O_CREAT|O_EXCL, so nothing planted under its name is written through) and renamed over the old one.
    /// </summary>
    public static string Write(string dir, TlsOptions tls)
    {
        string path = PathIn(dir), tmp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.Delete(tmp);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
            using (var f = new FileStream(tmp, options))
            {
                f.Write(tls.ToPkcs12());
                f.Flush(flushToDisk: true);
            }
            // A file system that ignores modes (some network or FAT mounts) would leave it readable by others.
            CheckOwnerOnly(tmp);
            File.Move(tmp, path, overwrite: true);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (Exception) { }
            throw new UserError($"cannot write the cluster credential '{path}': {e.Message}");
        }
        catch (UserError)
        {
            try { File.Delete(tmp); } catch (Exception) { }
            throw;
        }
    }

    /// <summary>
    /// Reads a credential written by <see cref="Write"/>, with the bytes it was read from: refused (exit 2) when others may
    /// read or write it, or when it is not one.
    /// </summary>
    public static (TlsOptions Tls, byte[] Data) Read(string path)
    {
        if (Directory.Exists(path)) throw new UserError($"--credential: '{path}' is a folder; give the file, {PathIn(path)}");
        CheckOwnerOnly(path);
        byte[] data = UnixFiles.ReadSecret("--credential", path, MaxBytes);
        try { return (TlsOptions.FromPkcs12(data), data); }
        catch (FormatException e) { throw new UserError($"--credential: '{path}' is {e.Message}"); }
    }

    /// <summary>Removes the credential of a coordinator that stops (a later start writes a new one).</summary>
    public static void Delete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Serilog.Log.Warning("cannot remove {Path}: {Message}", path, e.Message); }
    }

    private static void CheckOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        UnixFileMode mode;
        try { mode = File.GetUnixFileMode(path); }
        catch (FileNotFoundException) { throw new UserError($"--credential: '{path}' does not exist"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserError($"--credential: cannot read '{path}': {e.Message}"); }
        if ((mode & Others) != 0)
            throw new UserError($"the cluster credential '{path}' is open to other users (mode {Convert.ToString((int)mode & 0x1ff, 8).PadLeft(4, '0')}): " +
                "whoever reads it can join the campaign, so it is refused. Restart the coordinator (it writes a new one, mode 0600) on a file system that keeps Unix modes");
    }
}

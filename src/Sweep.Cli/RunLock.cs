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

    public static RunLock Acquire(string dir)
    {
        string path = Path.Combine(dir, ".lock");
        try
        {
            var s = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            s.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString());
            s.Write(pid);
            s.Flush();
            return new RunLock(s);
        }
        catch (IOException)
        {
            string holder = "";
            try { holder = File.ReadAllText(path).Trim(); } catch (IOException) { }
            throw new UserError($"'{dir}' is in use by another sweep process{(holder.Length > 0 ? $" (pid {holder})" : "")}; wait for it or stop it first");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserError($"cannot write to '{dir}': {e.Message}");
        }
    }

    public void Dispose() => _stream.Dispose();
}

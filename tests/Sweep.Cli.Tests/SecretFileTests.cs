using System.Diagnostics;

namespace Sweep.Cli.Tests;

/// <summary>
/// The cluster's secrets (credential, join token, certificates) are read with a size bound like every other input
/// (issue 27): a huge credential is refused by its size before a byte is read, a FIFO before it is opened (it would
/// block), each with exit 2 and one line, the worker's peak resident memory small. The file is sparse: no disk, no time.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SecretFileTests
{
    private static readonly TimeSpan Refusal = TimeSpan.FromSeconds(30);
    private const long MaxRssMiB = 200;

    [Fact]
    public void A_huge_or_endless_credential_is_refused_without_reading_it()
    {
        var dir = Temp.Dir();
        try
        {
            string huge = Path.Combine(dir, "cluster-credential.pfx");
            using (var f = new FileStream(huge, FileMode.CreateNew, FileAccess.Write)) f.SetLength(1L << 30);
            File.SetUnixFileMode(huge, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var (err, peakMiB) = Worker(huge);
            Assert.Contains($"is {1L << 30} bytes", err);
            Assert.Contains($"at most {CredentialFile.MaxBytes} bytes", err);
            Assert.True(peakMiB < MaxRssMiB, $"peak RSS {peakMiB} MiB");

            string fifo = Path.Combine(dir, "fifo.pfx");
            using (var mk = Process.Start("mkfifo", ["-m", "600", fifo])) mk.WaitForExit();
            Assert.Contains("FIFO", Worker(fifo).Err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A worker given <paramref name="credential"/>: exit 2 and one line within <see cref="Refusal"/>; its peak RSS.</summary>
    private static (string Err, long PeakMiB) Worker(string credential)
    {
        var clock = Stopwatch.StartNew();
        using var p = SweepProcess.Start("worker", "--seed", "127.0.0.1:9", "--credential", credential, "--join-timeout", "20");
        long peakKiB = 0;
        while (!p.HasExited && clock.Elapsed < Refusal)
        {
            peakKiB = Math.Max(peakKiB, VmHwmKiB(p.Id));
            Thread.Sleep(5);
        }
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(5)), $"not refused within {Refusal}");
        Assert.True(p.ExitCode == 2, p.Stdout + p.Stderr);
        Assert.Single(p.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", p.Stderr);
        return (p.Stderr, peakKiB >> 10);
    }

    private static long VmHwmKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return 0;
    }
}

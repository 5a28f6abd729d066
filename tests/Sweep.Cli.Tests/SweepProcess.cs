using System.Diagnostics;
using System.Text;
using Sweep.Campaigns;

namespace Sweep.Cli.Tests;

/// <summary>Runs the real `sweep` executable (the built sweep.dll next to the tests) as a child process.</summary>
internal sealed class SweepProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new(), _err = new();

    private SweepProcess(Process p) => _process = p;

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "sweep.dll");

    // A test run started as a background job of a non-interactive shell (`dotnet test … &`) ignores SIGINT, and so would
    // every child: the .NET runtime leaves an inherited SIG_IGN alone, as a background job should, and a worker sent
    // SIGINT would never stop. The children start with SIGINT's default disposition instead, as from a terminal.
    static SweepProcess() => Signals.UnignoreInterrupt();

    public static SweepProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_TieredPGO"] = "0";
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var sp = new SweepProcess(p);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (sp._out) sp._out.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (sp._err) sp._err.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return sp;
    }

    public static (int Exit, string Out, string Err) Run(TimeSpan timeout, params string[] args)
    {
        using var p = Start(args);
        if (!p.WaitForExit(timeout)) throw new TimeoutException($"sweep {string.Join(' ', args)} did not finish in {timeout}");
        return (p.ExitCode, p.Stdout, p.Stderr);
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit();     // flush the async readers
        return true;
    }

    public int ExitCode => _process.ExitCode;
    public string Stdout { get { lock (_out) return _out.ToString(); } }
    public string Stderr { get { lock (_err) return _err.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    /// <summary>Sends a signal by name (TERM, INT) to the child, as `kill -TERM` does.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>Waits until the child's stdout or stderr contains <paramref name="text"/>, or it exits (then false), or the timeout (then an exception).</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text) && !Stderr.Contains(text))
        {
            if (_process.HasExited) return Stdout.Contains(text) || Stderr.Contains(text);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no '{text}' from the child in {timeout}: {Stdout}{Stderr}");
            Thread.Sleep(50);
        }
        return true;
    }

    /// <summary>SIGKILL: no cleanup code runs in the child.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}

internal static class Temp
{
    public static string Dir()
    {
        var d = Path.Combine(Path.GetTempPath(), "sweep-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    public static string Campaign(string dir, string json, string name = "campaign.json")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, json);
        return path;
    }
}

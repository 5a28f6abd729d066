using System.Diagnostics;

namespace Sweep.Cli.Tests;

/// <summary>
/// The repository's `./sweep` launcher, run in a copy of the layout it expects with a fake `dotnet` first on PATH that
/// records its calls: it builds when the dll is missing or older than a source, not otherwise, stops on a failed build,
/// and passes the arguments and the exit code through.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]     // a bash script and Unix file modes
public class LauncherTests
{
    private sealed record Result(int Exit, string Out, string Err, string[] Calls);

    private static string Layout()
    {
        var root = Temp.Dir();
        File.Copy(Path.Combine(DeployTests.Root(), "sweep"), Path.Combine(root, "sweep"));
        File.SetUnixFileMode(Path.Combine(root, "sweep"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(root, "src", "Sweep.Cli"));
        foreach (var f in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "src/Sweep.Cli/Sweep.Cli.csproj", "src/Sweep.Cli/Program.cs" })
            File.WriteAllText(Path.Combine(root, f), "");
        var bin = Directory.CreateDirectory(Path.Combine(root, "fakebin")).FullName;
        // The fake dotnet: `build` makes the dll (or fails when asked to), anything else "runs" it and exits with 3 on --exit3.
        File.WriteAllText(Path.Combine(bin, "dotnet"), """
            #!/usr/bin/env bash
            echo "$*" >> "$FAKE_LOG"
            if [[ "$1" == build ]]; then
              [[ -e "$FAKE_FAIL" ]] && { echo "compile error" >&2; exit 1; }
              mkdir -p "$(dirname "$FAKE_DLL")" && echo built > "$FAKE_DLL"
              exit 0
            fi
            echo "ran $*"
            [[ " $* " == *" --exit3 "* ]] && exit 3
            exit 0
            """.Replace("\r", ""));
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return root;
    }

    private static string Dll(string root) => Path.Combine(root, "src", "Sweep.Cli", "bin", "Release", "net10.0", "sweep.dll");

    private static Result Launch(string root, params string[] args)
    {
        string log = Path.Combine(root, "calls.log");
        File.Delete(log);
        var psi = new ProcessStartInfo(Path.Combine(root, "sweep")) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = Path.Combine(root, "fakebin") + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["FAKE_LOG"] = log;
        psi.Environment["FAKE_DLL"] = Dll(root);
        psi.Environment["FAKE_FAIL"] = Path.Combine(root, "fail-build");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "the launcher did not finish");
        return new Result(p.ExitCode, stdout.Result, stderr.Result, File.Exists(log) ? File.ReadAllLines(log) : []);
    }

    [Fact]
    public void Builds_once_then_runs_the_built_dll_and_rebuilds_only_after_a_source_changes()
    {
        var root = Layout();
        var first = Launch(root, "status", "runs/x");
        Assert.Equal(0, first.Exit);
        Assert.Equal(2, first.Calls.Length);
        Assert.StartsWith("build ", first.Calls[0]);
        Assert.Contains("Sweep.Cli.csproj -c Release", first.Calls[0]);
        Assert.Equal($"{Dll(root)} status runs/x", first.Calls[1]);
        Assert.Contains("building", first.Err);

        var second = Launch(root, "--version");
        Assert.Equal([$"{Dll(root)} --version"], second.Calls);
        Assert.Equal($"ran {Dll(root)} --version\n", second.Out);

        // A source newer than the dll: built again before running.
        File.SetLastWriteTimeUtc(Dll(root), DateTime.UtcNow.AddHours(-1));
        var third = Launch(root, "--version");
        Assert.Equal(2, third.Calls.Length);
        Assert.StartsWith("build ", third.Calls[0]);

        // A failed build stops there (exit 1, nothing run); sweep's own exit code passes through.
        File.SetLastWriteTimeUtc(Dll(root), DateTime.UtcNow.AddHours(-1));
        File.WriteAllText(Path.Combine(root, "fail-build"), "");
        var failed = Launch(root, "--version");
        Assert.Equal(1, failed.Exit);
        Assert.Single(failed.Calls);
        Assert.Contains("build failed", failed.Err);
        File.Delete(Path.Combine(root, "fail-build"));
        Assert.Equal(3, Launch(root, "run", "--exit3").Exit);
    }
}

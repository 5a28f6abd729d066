using System.CommandLine;
using System.CommandLine.Invocation;
using Serilog;
using Sweep.Campaigns;

namespace Sweep.Cli;

public static class Program
{
    private static OutOfMemoryWatch? _outOfMemory;

    /// <summary>The process's one failure line (<see cref="OutOfMemoryWatch.WriteFailureLine"/>): no second line follows it.</summary>
    internal static void WriteFailureLine(string line)
    {
        if (_outOfMemory is { } watch) watch.WriteFailureLine(Console.Error, line);
        else Console.Error.WriteLine(line);
    }

    public static async Task<int> Main(string[] args)
    {
        // The standard streams first: each takes a descriptor, and a failure must still be able to say so.
        var stderr = Console.Error;
        _ = Console.Out;
        // Memory that runs out anywhere, even where a runtime's or an actor system's thread swallows it, ends the process.
        var outOfMemory = _outOfMemory = new OutOfMemoryWatch(Console.OpenStandardError(), OutOfMemoryWatch.ExitNow, OutOfMemoryWatch.Grace);
        // A failure on another thread (an actor system's, a timer's) is one line and exit 1 too, never an abort (134).
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            outOfMemory.WriteFailureLine(stderr, Built(() => $"error: {OneLine(e.ExceptionObject as Exception)}"));
            Environment.Exit(outOfMemory.Decide(1));
        };
        if (ResourceLimits.OpenFilesProblem() is { } limit)
        {
            outOfMemory.WriteFailureLine(stderr, $"error: {limit}");
            return outOfMemory.Decide(1);
        }
        var root = SweepCommandLine.Build();
        try
        {
            if (args.Length == 0)
            {
                root.Parse(["--help"]).Invoke();
                return outOfMemory.Decide(2);
            }
            var parsed = root.Parse(args);
            // Bad usage is one line on stderr, not the parser's errors followed by the whole help text.
            if (parsed.Action is ParseErrorAction) throw new UserError(SweepCommandLine.Describe(parsed));
            // Every command logs: to the user's log folder until a command knows its campaign folder (DIR/logs).
            SweepLogging.Json = parsed.GetValue(SweepCommandLine.LogFormat) == "json";
            if (parsed.GetValue(SweepCommandLine.LogLevel) is { } level) SweepLogging.Level = SweepLogging.ParseLevel(level, "--log-level");
            else if (Environment.GetEnvironmentVariable(SweepLogging.LevelVariable) is { Length: > 0 } env) SweepLogging.Level = SweepLogging.ParseLevel(env, SweepLogging.LevelVariable);
            SweepLogging.ToUserFolder();
            // The command only: arguments may hold a --tls-password.
            Log.Debug("sweep {Version}: {Command}", Sweep.Results.Output.Provenance.Current.Version, parsed.CommandResult.Command.Name);
            StartupTrace.Mark("command line parsed");
            // Exceptions reach the handlers below; Ctrl-C and SIGTERM are the commands' own (a worker leaves gracefully).
            return outOfMemory.Decide(await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }));
        }
        catch (UserError e)
        {
            // Refusals the user can fix, from the command line, the campaign loader, the store or a command.
            if (outOfMemory.ClaimFailureLine()) Console.Error.WriteLine($"error: {UserError.Printable(e.Message)}");
            return outOfMemory.Decide(2);
        }
        catch (Exception e)
        {
            // Everything else is a failure.
            try { Log.Error(e, "sweep failed"); } catch (Exception) { }
            outOfMemory.WriteFailureLine(stderr, Built(() => $"error: {OneLine(e)}{Where()}"));
            return outOfMemory.Decide(1);
        }
        finally
        {
            try { await Log.CloseAndFlushAsync(); } catch (Exception) { }
        }
    }

    /// <summary>The line, or null where building it failed (memory, most likely): the watch's prepared line is written then.</summary>
    private static string? Built(Func<string> line)
    {
        try { return line(); }
        catch (Exception) { return null; }
    }

    private static string Where() => SweepLogging.Destination == "stderr" ? "" : $" (details in the log under {UserError.Printable(SweepLogging.Destination)})";

    /// <summary>A failure's message as one printable line; running out of descriptors says which limit to raise.</summary>
    private static string OneLine(Exception? e)
    {
        if (e is null) return "an unknown failure";
        // A full disk or memory says so and what to do (Sweep.Results' Exhausted); the store resumes either way.
        string text = UserError.Printable(Sweep.Results.Storage.Exhausted.Describe(e));
        if (ResourceLimits.OutOfDescriptors(e) || e is FileNotFoundException or FileLoadException && OutOfDescriptorsNow())
            text = $"too many open files ({text}); raise the limit (ulimit -n) and rerun: the campaign resumes where it stopped";
        return text.Length > 1000 ? text[..1000] + "…" : text;
    }

    /// <summary>Whether a new descriptor can be had at all (an assembly that cannot be loaded is often the first sign of none).</summary>
    private static bool OutOfDescriptorsNow()
    {
        try { using var f = File.OpenRead("/dev/null"); return false; }
        catch (IOException) { return true; }
        catch (Exception) { return false; }
    }
}

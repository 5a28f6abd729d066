using System.CommandLine;
using System.CommandLine.Invocation;
using Serilog;
using Sweep.Campaigns;

namespace Sweep.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = SweepCommandLine.Build();
        try
        {
            if (args.Length == 0)
            {
                root.Parse(["--help"]).Invoke();
                return 2;
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
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (UserError e)
        {
            // Refusals the user can fix, from the command line, the campaign loader, the store or a command.
            Console.Error.WriteLine($"error: {UserError.Printable(e.Message)}");
            return 2;
        }
        catch (Exception e)
        {
            // Everything else is a failure.
            Log.Error(e, "sweep failed");
            Console.Error.WriteLine($"error: {UserError.Printable(e.Message)}{(SweepLogging.Destination == "stderr" ? "" : $" (details in the log under {SweepLogging.Destination})")}");
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}

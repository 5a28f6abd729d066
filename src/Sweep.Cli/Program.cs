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
            Console.Error.WriteLine($"error: {UserError.Printable(e.Message)}");
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}

using System.CommandLine;
using System.CommandLine.Invocation;
using Serilog;

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
            if (parsed.Action is ParseErrorAction)
            {
                Console.Error.WriteLine($"error: {SweepCommandLine.Describe(parsed)}");
                return 2;
            }
            // Exceptions reach the handlers below; Ctrl-C and SIGTERM are the commands' own (a worker leaves gracefully).
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Sweep.Results.Storage.StoredCampaignException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e.UserError ? 2 : 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e)
        {
            Log.Error(e, "sweep failed");
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}

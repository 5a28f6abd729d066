using Serilog;

namespace Sweep.Cli;

public static class Program
{
    public const string Usage = """
        sweep — empirical basin measures of deep linear networks under gradient flow and descent

        usage:
          sweep run CAMPAIGN --out DIR [--workers N]      run (or resume) a campaign in this process
          sweep coordinator CAMPAIGN --out DIR --port P [--host H] [--workers N] [TLS]
                                                          serve a campaign to worker nodes (resumable like run)
          sweep worker --seed H:P [--workers N] [--host H] [--port P] [--join-timeout S] [TLS]
                                                          join a coordinator and solve its shards until stopped
          TLS: --tls-cert NODE.pfx --tls-ca CA.pem [--tls-password PW | env SWEEP_TLS_PASSWORD];
               required for any --host other than loopback, unless --insecure is given
          sweep status DIR                                progress and current estimates of a campaign
          sweep report DIR [--open]                       figures and DIR/report/index.html (also while running)
          sweep export DIR --format csv|parquet [--to FILE]
                                                          per-sample results for pandas, Julia, R
          sweep bench [--config small|medium] [--threads N] [--seconds S] [--peak]
                                                          trajectory throughput benchmark
          sweep bench --coordinator [--shards K] [--shard-size S] [--threads W]
                                                          coordinator capacity with a trivial job
          sweep help                                      this text

        Exit codes: 0 success, 2 bad input (nothing is written), 1 other failure.
        See README.md for the campaign file format and the outputs.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var rest = args.Skip(1);
            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                Console.WriteLine(Usage);
                return 0;
            }
            return args[0] switch
            {
                "run" => await RunCommand.Execute(new Args(rest, ["out", "workers"], [])),
                "coordinator" => await RunCommand.ExecuteCoordinator(new Args(rest, ["out", "workers", .. ClusterArgs.Valued], ClusterArgs.Flags)),
                "worker" => await WorkerCommand.Execute(new Args(rest, ["seed", "workers", .. ClusterArgs.Valued], ClusterArgs.Flags)),
                "status" => StatusCommand.Execute(new Args(rest, [], [])),
                "report" => ReportCommands.Report(new Args(rest, [], ["open"])),
                "export" => await ReportCommands.Export(new Args(rest, ["format", "to"], [])),
                "bench" => BenchCommand.Execute(new Args(rest, ["config", "threads", "seconds", "shards", "shard-size", "lanes"], ["peak", "coordinator"])),
                _ => throw new UsageException($"unknown command '{args[0]}' (try: sweep help)"),
            };
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

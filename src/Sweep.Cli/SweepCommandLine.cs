using System.CommandLine;
using System.CommandLine.Parsing;
using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// The command line: every command with its arguments and options (their descriptions are the per-command help), and
/// the one-line messages for bad usage.
/// </summary>
public static class SweepCommandLine
{
    private const string Description = """
        sweep — empirical basin measures of deep linear networks under gradient flow and descent.

        Start with:  sweep run CAMPAIGN --out DIR
        then:        sweep status DIR, sweep report DIR, sweep export DIR, sweep serve DIR
        Exit codes: 0 success, 2 bad input (nothing is written), 1 other failure.
        `sweep COMMAND --help` describes a command; docs/campaign.md the campaign file, docs/outputs.md the outputs.
        """;

    /// <summary>--log-level, for every command (default: $SWEEP_LOG_LEVEL, else information in files and warning on stderr).</summary>
    public static readonly Option<string?> LogLevel = new("--log-level")
    {
        Description = "log level: verbose, debug, information, warning, error, fatal (default: $SWEEP_LOG_LEVEL, else information in log files, warning on stderr)",
        HelpName = "LEVEL", Recursive = true,
    };

    /// <summary>--log-format, for every command: text, or compact JSON events (CLEF) for cluster log collectors.</summary>
    public static readonly Option<string> LogFormat = new("--log-format")
    {
        Description = "text, or json: compact JSON events (CLEF) for log collectors", HelpName = "text|json",
        DefaultValueFactory = _ => "text", Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand(Description);
        OneOf(LogFormat, "text", "json");
        LogLevel.Validators.Add(r =>
        {
            if (Value<string?>(r) is { } v && !SweepLogging.LevelNames.Contains(v.Trim().ToLowerInvariant()) && v is not ("info" or "warn" or "trace"))
                r.AddError($"--log-level must be one of {string.Join(", ", SweepLogging.LevelNames)} (got '{v}')");
        });
        root.Options.Add(LogLevel);
        root.Options.Add(LogFormat);
        root.Subcommands.Add(Run());
        root.Subcommands.Add(Coordinator());
        root.Subcommands.Add(Worker());
        root.Subcommands.Add(Credential());
        root.Subcommands.Add(Status());
        root.Subcommands.Add(Report());
        root.Subcommands.Add(Export());
        root.Subcommands.Add(Serve());
        root.Subcommands.Add(Bench());
        root.Subcommands.Add(Help(root));
        return root;
    }

    private static Command Run()
    {
        var campaign = CampaignArgument();
        var output = OutOption("the output folder; running again on the same folder resumes");
        var workers = IntOption("--workers", "solver threads (the number of cores unless given)", 1, 1024, Environment.ProcessorCount, "-w");
        var set = SetOption();
        var command = new Command("run", "run (or resume) a campaign in this process: a one-node cluster on 127.0.0.1") { campaign, output, workers, set };
        command.SetAction(r => RunCommand.Execute(r.GetRequiredValue(campaign), r.GetRequiredValue(output), r.GetValue(workers), r.GetValue(set) ?? []));
        return command;
    }

    private static Command Coordinator()
    {
        var campaign = CampaignArgument();
        var output = OutOption("the output folder (the store); a restarted coordinator resumes from it");
        var port = IntOption("--port", "the port workers join", 1, 65535, null, "-p");
        port.Required = true;
        var workers = IntOption("--workers", "solver threads on this node as well (none unless given: worker nodes solve)", 0, 1024, 0, "-w");
        var joinToken = new Option<string?>("--join-token")
        {
            Description = $"the campaign's join token (`sweep credential CAMPAIGN -o FILE`); without it the coordinator issues one into DIR/{JoinTokenFile.FileName} (kept across restarts)",
            HelpName = "FILE",
        };
        var set = SetOption();
        var network = new NetworkOptions();
        var command = new Command("coordinator", $"serve a campaign to worker nodes (resumable like run); without TLS options it writes DIR/{CredentialFile.FileName} for the workers to join with") { campaign, output, port, workers, joinToken, set };
        network.AddTo(command);
        command.SetAction(r => RunCommand.ExecuteCoordinator(r.GetRequiredValue(campaign), r.GetRequiredValue(output), r.GetValue(port),
            r.GetValue(workers), network.Resolve(r), r.GetValue(joinToken), r.GetValue(set) ?? []));
        return command;
    }

    private static Command Worker()
    {
        var seed = new Option<string>("--seed", "-s") { Description = "HOST:PORT of the coordinator", HelpName = "HOST:PORT", Required = true };
        var workers = IntOption("--workers", "solver threads (the number of cores unless given)", 1, 1024, Environment.ProcessorCount, "-w");
        var port = IntOption("--port", "this node's port (0: any free port)", 0, 65535, 0, "-p");
        var joinTimeout = IntOption("--join-timeout", "seconds to wait for the coordinator (and its credential) before giving up with exit code 1", 1, 86400, 60);
        var credential = new Option<string?>("--credential")
        {
            Description = $"the credential a loopback coordinator writes under its --out DIR (DIR/{CredentialFile.FileName}, readable only by you); waited for if the coordinator has not started yet",
            HelpName = "FILE",
        };
        var joinToken = new Option<string?>("--join-token")
        {
            Description = $"the campaign's join token (the coordinator's DIR/{JoinTokenFile.FileName}, or `sweep credential`'s file): needed with --tls-cert; binds this worker to that campaign",
            HelpName = "FILE",
        };
        var campaign = new Option<string?>("--campaign")
        {
            Description = "serve only this campaign (its hash, or the first 12+ hex digits the coordinator prints); default: the token's campaign, else the first one handed out",
            HelpName = "HASH",
        };
        var network = new NetworkOptions();
        var command = new Command("worker", "join a coordinator and solve its campaign's shards until it has finished (exit 0), Ctrl-C or SIGTERM (exit 130/143), or --join-timeout without it (exit 1)") { seed, workers, port, joinTimeout, credential, joinToken, campaign };
        network.AddTo(command);
        command.SetAction(r => WorkerCommand.Execute(r.GetRequiredValue(seed), r.GetValue(workers), r.GetValue(port),
            TimeSpan.FromSeconds(r.GetValue(joinTimeout)), network.Resolve(r, r.GetValue(seed)), r.GetValue(credential), r.GetValue(joinToken), r.GetValue(campaign)));
        return command;
    }

    private static Command Credential()
    {
        var campaign = CampaignArgument();
        var output = new Option<string>("--out", "-o") { Description = "the token file to write (mode 0600; never overwritten)", HelpName = "FILE", Required = true };
        var set = SetOption();
        var command = new Command("credential", "issue a join token for a campaign: give it to its coordinator and workers (--join-token FILE); a token opens that campaign only") { campaign, output, set };
        command.SetAction(r => CredentialCommand.Execute(r.GetRequiredValue(campaign), r.GetRequiredValue(output), r.GetValue(set) ?? []));
        return command;
    }

    private static Command Status()
    {
        var dir = DirArgument();
        var json = new Option<bool>("--json") { Description = "print what summary.json would hold now (\"complete\": false while running), for scripts and notebooks" };
        var points = new Option<bool>("--points") { Description = "after the table, every point in full: outcomes, saddle-mass bounds, time quantiles, labels at the stop, target" };
        var point = new Option<int?>("--point") { Description = "one point in full (its index, the table's first column)", HelpName = "N" };
        var command = new Command("status", "progress and current estimates of a running or stopped campaign") { dir, json, points, point };
        command.SetAction(r => StatusCommand.Execute(r.GetRequiredValue(dir), r.GetValue(json), r.GetValue(points), r.GetValue(point)));
        return command;
    }

    private static Command Report()
    {
        var dir = DirArgument();
        var open = new Option<bool>("--open") { Description = "open the report in the desktop's browser" };
        var outDir = new Option<string?>("--out", "-o") { Description = "the folder to write the report into (default: DIR/report; needed when DIR is read-only)", HelpName = "FOLDER" };
        var command = new Command("report", "write DIR/report/index.html and its figures (also while the campaign runs)") { dir, open, outDir };
        command.SetAction(r => ReportCommands.Report(r.GetRequiredValue(dir), r.GetValue(open), r.GetValue(outDir)));
        return command;
    }

    private static Command Export()
    {
        var dir = DirArgument();
        var format = new Option<string>("--format", "-f") { Description = "csv (the default: samples.csv's columns, then one per swept parameter) or parquet", HelpName = "csv|parquet", DefaultValueFactory = _ => "csv" };
        OneOf(format, "csv", "parquet");
        var to = new Option<string?>("--to") { Description = "the file to write (default: DIR/export.csv or DIR/export.parquet)", HelpName = "FILE" };
        var force = new Option<bool>("--force") { Description = "replace an existing --to file (only a regular file, never a link, device or folder)" };
        var command = new Command("export", "per-sample results for pandas, Julia, R") { dir, format, to, force };
        command.SetAction(r => ReportCommands.Export(r.GetRequiredValue(dir), r.GetRequiredValue(format), r.GetValue(to), r.GetValue(force)));
        return command;
    }

    private static Command Serve()
    {
        var dir = DirArgument();
        var port = IntOption("--port", "the port to serve on (0: any free port, printed at start)", 0, 65535, 8053, "-p");
        var host = new Option<string>("--host") { Description = "the address to bind (anything but loopback lets others read the results)", HelpName = "HOST", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("serve", "a live web view of a campaign (progress, outcomes with intervals, figures), read-only, while it runs and after") { dir, port, host };
        command.SetAction(r => ServeCommand.Execute(r.GetRequiredValue(dir), r.GetValue(host)!, r.GetValue(port)));
        return command;
    }

    private static Command Bench()
    {
        var config = new Option<string>("--config", "-c") { Description = "the fixed configuration to solve", HelpName = "small|medium", DefaultValueFactory = _ => "small" };
        OneOf(config, "small", "medium");
        var threads = new Option<int?>("--threads", "-t") { Description = "solver threads (default 1), or fake workers with --coordinator (default 16)", HelpName = "N" };
        AddRange(threads, 1, 256);
        var seconds = new Option<double>("--seconds") { Description = "how long to solve", HelpName = "S", DefaultValueFactory = _ => 10 };
        seconds.Validators.Add(r => { if (Value<double>(r) is var x && !(x > 0)) r.AddError($"--seconds must be a positive number (got {x})"); });
        var peak = new Option<bool>("--peak") { Description = "also measure this machine's double-precision FMA peak and the fraction reached" };
        var lanes = new Option<int?>("--lanes") { Description = "force the SIMD width: 1, 4 or 8 (for diagnosis)", HelpName = "1|4|8" };
        lanes.Validators.Add(r => { if (Value<int?>(r) is not (null or 1 or 4 or 8)) r.AddError("--lanes must be 1, 4 or 8"); });
        var coordinator = new Option<bool>("--coordinator") { Description = "measure the coordinator's capacity with a trivial job instead" };
        var shards = IntOption("--shards", "shards of the --coordinator job", 1, int.MaxValue, 2000);
        var shardSize = IntOption("--shard-size", "samples per shard of the --coordinator job", 1, 100_000, 250);
        var warmup = IntOption("--warmup-shards", "shards of an unmeasured --coordinator job run first in the same process, so that the measured one runs compiled code (0: none; its CPU is reported apart)", 0, int.MaxValue, 0);
        var storage = new Option<string>("--storage") { Description = "storage of the --coordinator job: full (the default) or aggregate", HelpName = "full|aggregate", DefaultValueFactory = _ => "full" };
        storage.Validators.Add(r => { if (Value<string>(r) is not ("full" or "aggregate")) r.AddError("--storage must be full or aggregate"); });
        var encodedBy = new Option<string>("--encoded-by") { Description = "with --coordinator: who encodes each shard's blob, rows and statistics: workers (the default, as real workers do) or coordinator (records only, as before wire format 7)", HelpName = "workers|coordinator", DefaultValueFactory = _ => "workers" };
        encodedBy.Validators.Add(r => { if (Value<string>(r) is not ("workers" or "coordinator")) r.AddError("--encoded-by must be workers or coordinator"); });
        var integrators = new Option<bool>("--integrators") { Description = "cost per certified sample of dp45 against auto at the atlas points (H = 1..5 x scale 0.01..1), one JSON line per point and integrator" };
        var samples = IntOption("--samples", "with --integrators: samples per point for auto", 1, 1_000_000, 30);
        var dp45Samples = IntOption("--dp45-samples", "with --integrators: samples per point for dp45", 1, 1_000_000, 10);
        var maxSteps = new Option<long>("--max-steps") { Description = "with --integrators: accepted steps per trajectory before status budget", HelpName = "M", DefaultValueFactory = _ => 2_000_000 };
        maxSteps.Validators.Add(r => { if (Value<long>(r) is var x && x < 1) r.AddError($"--max-steps must be a positive integer (got {x})"); });
        var cpuBudget = new Option<double>("--cpu-budget") { Description = "with --integrators: CPU seconds per point for auto (no new sample starts once spent)", HelpName = "S", DefaultValueFactory = _ => 10 };
        var dp45Budget = new Option<double>("--dp45-cpu-budget") { Description = "with --integrators: CPU seconds per point for dp45", HelpName = "S", DefaultValueFactory = _ => 15 };
        foreach (var b in new[] { cpuBudget, dp45Budget })
            b.Validators.Add(r => { if (Value<double>(r) is var x && !(x > 0)) r.AddError($"{r.Option.Name} must be a positive number (got {x})"); });
        var maxHidden = IntOption("--max-hidden", "with --integrators: the deepest point (H = 1..N)", 1, 5, 5);
        var markdown = new Option<bool>("--markdown") { Description = "with --integrators: print a markdown table (the JSON lines go to stderr)" };
        var laneSharing = new Option<string?>("--lane-sharing") { Description = "solve a campaign's shards on one thread one shard at a time and with lanes shared across shards, alternating; one JSON line per run (CPU, lane occupancy)", HelpName = "CAMPAIGN" };
        var repeats = IntOption("--repeats", "with --lane-sharing: runs of each way", 1, 100, 3);
        var costModel = new Option<bool>("--cost-model") { Description = "calibrate the allocation's cost model: CPU per gradient evaluation, Hessian and tridiagonal reduction per P, P² and P³" };
        var width = IntOption("--width", "with --integrators: width of every hidden layer (beyond 600 parameters Radau IIA runs matrix-free)", 1, 64, 4);
        var hidden = new Option<int?>("--hidden") { Description = "with --integrators: only this depth H", HelpName = "H" };
        hidden.Validators.Add(r => { if (Value<int?>(r) is int h && (h < 1 || h > 8)) r.AddError($"--hidden must be 1..8 (got {h})"); });
        var scale = new Option<double?>("--scale") { Description = "with --integrators: only this init.scale", HelpName = "X" };
        scale.Validators.Add(r => { if (Value<double?>(r) is double x && !(x > 0 && double.IsFinite(x))) r.AddError($"--scale must be a positive number (got {x})"); });
        var radau5 = new Option<bool>("--radau5") { Description = "with --integrators: also radau5 (Radau IIA from t = 0)" };
        var matrixFree = new Option<bool>("--matrix-free") { Description = "with --integrators: Radau IIA's matrix-free (Krylov) path even below 600 parameters" };
        var command = new Command("bench", "trajectory throughput benchmark; prints one JSON line")
            { config, threads, seconds, peak, lanes, coordinator, shards, shardSize, warmup, integrators, samples, dp45Samples, maxSteps, cpuBudget, dp45Budget, maxHidden, markdown, storage, encodedBy,
              width, hidden, scale, radau5, matrixFree, laneSharing, repeats, costModel };
        command.SetAction(async r => r.GetValue(costModel)
            ? CostModelBench.Execute()
            : r.GetValue(laneSharing) is { } laneCampaign
            ? LaneBench.Execute(laneCampaign, r.GetValue(repeats))
            : r.GetValue(integrators)
            ? IntegratorBench.Execute(new IntegratorBench.Options(r.GetValue(samples), r.GetValue(dp45Samples), r.GetValue(maxSteps),
                r.GetValue(cpuBudget), r.GetValue(dp45Budget), r.GetValue(maxHidden), r.GetValue(markdown),
                r.GetValue(width), r.GetValue(hidden), r.GetValue(scale), r.GetValue(radau5), r.GetValue(matrixFree)))
            : r.GetValue(coordinator)
            ? await BenchCommand.ExecuteCoordinator(r.GetValue(shards), r.GetValue(shardSize), r.GetValue(threads) ?? 16, r.GetValue(storage) == "aggregate", r.GetValue(encodedBy) == "workers", r.GetValue(warmup))
            : BenchCommand.Execute(r.GetValue(config)!, r.GetValue(threads) ?? 1, r.GetValue(seconds), r.GetValue(lanes), r.GetValue(peak)));
        return command;
    }

    private static Command Help(RootCommand root)
    {
        var name = new Argument<string?>("COMMAND") { Description = "the command to describe", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("help", "describe sweep, or one of its commands") { name };
        command.SetAction(r => root.Parse(r.GetValue(name) is { } n ? [n, "--help"] : ["--help"]).Invoke());
        return command;
    }

    private static Argument<string> CampaignArgument() => new("CAMPAIGN") { Description = "the campaign file (JSON, see docs/campaign.md)" };

    private static Option<string[]> SetOption() => new("--set")
    {
        Description = "change one campaign field: a dotted path and a JSON value (else a string), as init.scale=0.1, network.hidden.0=8 or sweep.init.scale=[0.1,0.2]; repeatable; applied before validation and stored with the campaign (resume with the same --set; a larger samples, max_samples or a stricter target grows a stored campaign)",
        HelpName = "KEY=VALUE", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false,
    };

    private static Argument<string> DirArgument() => new("DIR") { Description = "a campaign's output folder" };

    private static Option<string> OutOption(string description) =>
        new("--out", "-o") { Description = description, HelpName = "DIR", Required = true };

    private static Option<int> IntOption(string name, string description, int min, int max, int? fallback, params string[] aliases)
    {
        var option = new Option<int>(name, aliases) { Description = description, HelpName = "N" };
        if (fallback is int value) option.DefaultValueFactory = _ => value;
        AddRange(option, min, max);
        return option;
    }

    /// <summary>The option's value, or default when it does not even parse (the parser reports that error itself).</summary>
    private static T? Value<T>(OptionResult r)
    {
        try { return r.GetValueOrDefault<T>(); }
        catch (InvalidOperationException) { return default; }
    }

    private static void OneOf(Option<string> option, string first, string second) => option.Validators.Add(r =>
    {
        if (Value<string>(r) is { } v && v != first && v != second)
            r.AddError($"{option.Name} must be {first} or {second} (got '{v}')");
    });

    private static void AddRange<T>(Option<T> option, int min, int max) => option.Validators.Add(r =>
    {
        if (Value<T>(r) is int n && (n < min || n > max))
            r.AddError($"{option.Name} must be an integer in [{min}, {max}] (got {n})");
    });

    /// <summary>
    /// One line for bad usage: an unknown command or option with the nearest valid name, or the parser's first error.
    /// </summary>
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        string path = command is RootCommand ? "sweep" : $"sweep {command.Name}";
        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                string name = token.Split('=', ':')[0];
                var options = command.Options.Concat(command is RootCommand ? [] : result.RootCommandResult.Command.Options.Where(o => o.Recursive));
                return $"unknown option '{name}' for '{path}'{Hint(name, options.SelectMany(o => o.Aliases.Prepend(o.Name)), path)}";
            }
            if (command is RootCommand)
                return $"unknown command '{token}'{Hint(token, command.Subcommands.Select(c => c.Name), path)}";
            return $"unexpected argument '{token}' for '{path}' (see '{path} --help')";
        }
        return $"{result.Errors[0].Message.ReplaceLineEndings(" ")} (see '{path} --help')";
    }

    private static string Hint(string token, IEnumerable<string> candidates, string path) =>
        Suggestion.Nearest(token, candidates) is { } best ? $"; did you mean '{best}'?" : $" (see '{path} --help')";
}

/// <summary>
/// Network options shared by `coordinator` and `worker`: mutual TLS with the user's certificates (--tls-cert, --tls-ca,
/// optional --tls-password or SWEEP_TLS_PASSWORD), required beyond loopback; on loopback without them the coordinator
/// makes its own credential (<see cref="CredentialFile"/>); plain TCP only with an explicit --insecure.
/// </summary>
internal sealed class NetworkOptions
{
    private readonly Option<string> _host = new("--host") { Description = "bind address, also the address peers use (any other than loopback needs TLS or --insecure); workers: auto = the local address that reaches --seed", HelpName = "HOST", DefaultValueFactory = _ => "127.0.0.1" };
    private readonly Option<string?> _cert = new("--tls-cert") { Description = "this node's certificate with its private key (PKCS#12)", HelpName = "NODE.pfx" };
    private readonly Option<string?> _ca = new("--tls-ca") { Description = "the cluster CA: peers are accepted only with a certificate it signed", HelpName = "CA.pem" };
    private readonly Option<string?> _password = new("--tls-password") { Description = "password of --tls-cert (default: $SWEEP_TLS_PASSWORD)", HelpName = "PW" };
    private readonly Option<bool> _insecure = new("--insecure") { Description = "no TLS at all: any process that reaches the port can join (prints a warning)" };

    public void AddTo(Command command)
    {
        command.Options.Add(_host);
        command.Options.Add(_cert);
        command.Options.Add(_ca);
        command.Options.Add(_password);
        command.Options.Add(_insecure);
    }

    /// <param name="seed">A worker's --seed: `--host auto` binds to the local address that routes to it.</param>
    public ClusterNetwork Resolve(ParseResult r, string? seed = null)
    {
        string host = r.GetValue(_host)!;
        if (host == "auto")
            host = seed is null
                ? throw new Sweep.Campaigns.UserError("--host auto is for workers (the address that reaches --seed); give the coordinator's address, the one workers use in --seed")
                : ClusterArgs.AutoHost(seed);
        return ClusterArgs.Parse(host, r.GetValue(_cert), r.GetValue(_ca),
            r.GetValue(_password) ?? Environment.GetEnvironmentVariable("SWEEP_TLS_PASSWORD"), r.GetValue(_insecure));
    }
}

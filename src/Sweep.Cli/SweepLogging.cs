using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// Every command logs (Serilog): to DIR/logs/ when it works on a campaign folder, otherwise to the user's log folder
/// (or stderr where that cannot be written); the worker, which has no folder, to stderr. The level comes from
/// --log-level, else $SWEEP_LOG_LEVEL, else Information for files and Warning for stderr; --log-format json writes
/// compact JSON events (CLEF) for log collectors.
/// </summary>
public static class SweepLogging
{
    public const string LevelVariable = "SWEEP_LOG_LEVEL";
    private const string TextTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>The level asked for (option or environment), or null for the default of each destination.</summary>
    public static LogEventLevel? Level { get; set; }

    public static bool Json { get; set; }

    /// <summary>Where this process logs now (a file, or "stderr").</summary>
    public static string Destination { get; private set; } = "stderr";

    public static readonly string[] LevelNames = ["verbose", "debug", "information", "warning", "error", "fatal"];

    /// <summary>Parses a level name (also the short forms info, warn); a bad name is a <see cref="UserError"/>.</summary>
    public static LogEventLevel ParseLevel(string value, string source) => value.Trim().ToLowerInvariant() switch
    {
        "verbose" or "trace" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "information" or "info" => LogEventLevel.Information,
        "warning" or "warn" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "fatal" => LogEventLevel.Fatal,
        _ => throw new UserError($"{source} must be one of {string.Join(", ", LevelNames)} (got '{value}')"),
    };

    /// <summary>The default of every command until it knows better: the user's log folder, else stderr.</summary>
    public static void ToUserFolder()
    {
        string? folder = UserLogFolder();
        if (folder is null || !TryFile(folder)) ToStderr();
    }

    /// <summary>Logs under DIR/logs (every run, status, report and export on that DIR); the user's folder if it cannot be written.</summary>
    public static void ToDirectory(string dir)
    {
        if (!TryFile(Path.Combine(dir, "logs"))) ToUserFolder();
    }

    /// <summary>
    /// Status, report and export: under DIR/logs beside the run's logs when that folder exists and DIR is not read-only
    /// (<see cref="Sweep.Results.Storage.ReadOnlyFolder"/>); otherwise the user's folder. A reader never creates anything
    /// in DIR itself, so DIR's listing and modification time stay as they were.
    /// </summary>
    public static void ForReader(string dir)
    {
        if (!Directory.Exists(dir)) return;
        if (Sweep.Results.Storage.ReadOnlyFolder.Is(dir) || !Directory.Exists(Path.Combine(dir, "logs"))) ToUserFolder();
        else ToDirectory(dir);
    }

    public static void ToStderr()
    {
        var old = Log.Logger;
        Log.Logger = new LoggerConfiguration().MinimumLevel.Is(Level ?? LogEventLevel.Warning).Filter.With(Sweep.Hosting.FailedConnectionLog.Shared).Filter.With(Sweep.Hosting.ExpectedDisconnects.Shared)
            .WriteTo.Console(Formatter(), standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger();
        Destination = "stderr";
        (old as IDisposable)?.Dispose();
    }

    private static bool TryFile(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, Json ? "sweep-.clef" : "sweep-.log");
            var logger = new LoggerConfiguration().MinimumLevel.Is(Level ?? LogEventLevel.Information).Filter.With(Sweep.Hosting.FailedConnectionLog.Shared).Filter.With(Sweep.Hosting.ExpectedDisconnects.Shared)
                .WriteTo.File(Formatter(), path, rollingInterval: RollingInterval.Day, shared: true)
                .CreateLogger();
            var old = Log.Logger;
            Log.Logger = logger;
            (old as IDisposable)?.Dispose();
            Destination = folder;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException) { return false; }
    }

    private static ITextFormatter Formatter() => Json ? new CompactJsonFormatter() : new MessageTemplateTextFormatter(TextTemplate);

    private static string? UserLogFolder()
    {
        string? state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state))
        {
            string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            if (string.IsNullOrEmpty(local)) return null;
            return Path.Combine(local, "sweep", "logs");
        }
        return Path.Combine(state, "sweep", "logs");
    }
}

using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Sweep.Hosting;

/// <summary>
/// Rate-limited logging of refused connections (issue 27). Every inbound connection that fails its TLS handshake makes
/// Akka.Remote's transport log two events of about ten lines each, so a flood of unauthenticated connects (17 000 in
/// 20 s) wrote megabytes of log and slowed the run. This filter passes the first <see cref="PerInterval"/> such events
/// of each <see cref="Interval"/> and counts the rest; the count is logged once per interval, as one line.
/// </summary>
public sealed class FailedConnectionLog : ILogEventFilter, IDisposable
{
    /// <summary>The filter the CLI's loggers share.</summary>
    public static FailedConnectionLog Shared { get; } = new(TimeSpan.FromSeconds(10), 4);

    // What Akka.Remote 1.5.73's DotNetty transport logs for a connection that never became a peer.
    private static readonly string[] Markers =
    [
        "TLS handshake failed", "due to TLS handshake failure", "Error caught channel", "Server-side TLS troubleshooting",
    ];

    private readonly object _gate = new();
    private readonly Timer _timer;
    private DateTime _intervalStart = DateTime.UtcNow;
    private int _passed;
    private long _suppressed;

    public FailedConnectionLog(TimeSpan interval, int perInterval)
    {
        Interval = interval;
        PerInterval = perInterval;
        _timer = new Timer(_ => Flush(DateTime.UtcNow), null, interval, interval);
    }

    public TimeSpan Interval { get; }
    public int PerInterval { get; }

    /// <summary>Refused connections not logged since the process started (for tests and status).</summary>
    public long SuppressedTotal { get; private set; }

    /// <summary>Where the count of each interval goes; the global logger unless a test says otherwise.</summary>
    public Action<long, TimeSpan> Report { get; set; } = (count, interval) =>
        Log.Warning("{Count} more refused connections (failed TLS handshakes) in the last {Seconds:F0} s were not logged one by one", count, interval.TotalSeconds);

    public static bool IsFailedConnection(LogEvent e)
    {
        string text = e.MessageTemplate.Text;
        foreach (var m in Markers) if (text.Contains(m, StringComparison.Ordinal)) return true;
        return e.Exception is { } x && (x.GetType().FullName?.StartsWith("DotNetty.", StringComparison.Ordinal) ?? false);
    }

    public bool IsEnabled(LogEvent logEvent)
    {
        if (!IsFailedConnection(logEvent)) return true;
        lock (_gate)
        {
            Roll(DateTime.UtcNow);
            if (_passed < PerInterval) { _passed++; return true; }
            _suppressed++;
            SuppressedTotal++;
            return false;
        }
    }

    /// <summary>Starts a new interval when the current one is over; its count is reported outside the lock.</summary>
    private void Roll(DateTime now)
    {
        if (now - _intervalStart < Interval) return;
        long count = _suppressed;
        _intervalStart = now;
        _passed = 0;
        _suppressed = 0;
        if (count > 0) ThreadPool.QueueUserWorkItem(_ => Report(count, Interval));
    }

    internal void Flush(DateTime now)
    {
        lock (_gate) Roll(now);
    }

    public void Dispose() => _timer.Dispose();
}

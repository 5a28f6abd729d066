using Serilog.Core;
using Serilog.Events;

namespace Sweep.Hosting;

/// <summary>
/// A node that has decided to leave (a worker whose coordinator finished the campaign) sees its peers go away: Akka.Remote
/// then logs each lost association as a warning and an error that carry the transport's exception and stack trace.
/// They are expected at that point and say nothing to the user, so once <see cref="Expect"/> is called they are dropped.
/// Before that, a lost association is news and is logged as always.
/// </summary>
public sealed class ExpectedDisconnects : ILogEventFilter
{
    /// <summary>The filter the CLI's loggers share.</summary>
    public static ExpectedDisconnects Shared { get; } = new();

    private volatile bool _expected;

    /// <summary>Whether lost associations are expected now.</summary>
    public bool Expected => _expected;

    /// <summary>From now on this process expects its remote peers to disconnect.</summary>
    public void Expect() => _expected = true;

    /// <summary>Akka.Remote's events for a lost association, a quarantine included (1.5.73's texts and exception type).</summary>
    public static bool IsLostAssociation(LogEvent e)
    {
        string text = e.MessageTemplate.Text;
        return text.StartsWith("Association with remote system", StringComparison.Ordinal)
            || (text.StartsWith("Association to", StringComparison.Ordinal) && text.Contains("quarantined", StringComparison.Ordinal))
            || text == "Disassociated"
            || e.Exception?.GetType().FullName == "Akka.Remote.EndpointDisassociatedException";
    }

    public bool IsEnabled(LogEvent logEvent) => !_expected || !IsLostAssociation(logEvent);
}

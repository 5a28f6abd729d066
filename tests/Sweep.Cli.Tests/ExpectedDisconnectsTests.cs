using Serilog.Events;
using Serilog.Parsing;
using Sweep.Hosting;

namespace Sweep.Cli.Tests;

/// <summary>
/// A worker leaving a finished campaign drops Akka.Remote's lost-association warnings and errors (with their stack
/// traces); before it leaves, and any other event at any time, passes.
/// </summary>
public class ExpectedDisconnectsTests
{
    private static LogEvent Event(LogEventLevel level, string text, Exception? e = null) =>
        new(DateTimeOffset.UtcNow, level, e, new MessageTemplateParser().Parse(text), []);

    // Akka.Remote's exception for a lost association is internal: made the way the transport makes it.
    private static Exception Disassociated()
    {
        var type = typeof(Akka.Remote.RemoteSettings).Assembly.GetType("Akka.Remote.EndpointDisassociatedException", throwOnError: true)!;
        return (Exception)Activator.CreateInstance(type, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public, null, ["Disassociated"], null)!;
    }

    [Fact]
    public void Lost_associations_pass_until_expected_then_only_they_are_dropped()
    {
        var filter = new ExpectedDisconnects();
        var gated = Event(LogEventLevel.Warning, "Association with remote system akka.ssl.tcp://sweep@127.0.0.1:4053 has failed; address is now gated for 5000 ms. Reason is: [Akka.Remote.EndpointDisassociatedException: Disassociated]");
        var disassociated = Event(LogEventLevel.Error, "Disassociated", Disassociated());
        var sameException = Event(LogEventLevel.Warning, "an endpoint failed", Disassociated());
        var other = Event(LogEventLevel.Error, "the store could not be written", new IOException("disk full"));
        var refused = Event(LogEventLevel.Warning, "refused by the coordinator");
        var quarantined = Event(LogEventLevel.Warning, "Association to [akka.ssl.tcp://sweep@127.0.0.1:4053] having UID [42] is irrecoverably failed. UID is now quarantined and all messages to this UID will be delivered to dead letters. Remote ActorSystem must be restarted to recover from this situation. Reason: [Disassociated]");

        Assert.True(ExpectedDisconnects.IsLostAssociation(gated));
        Assert.True(ExpectedDisconnects.IsLostAssociation(disassociated));
        Assert.True(ExpectedDisconnects.IsLostAssociation(sameException));
        Assert.True(ExpectedDisconnects.IsLostAssociation(quarantined));
        Assert.False(ExpectedDisconnects.IsLostAssociation(other));
        Assert.All(new[] { gated, disassociated, other, refused }, e => Assert.True(filter.IsEnabled(e)));

        filter.Expect();
        Assert.False(filter.IsEnabled(gated));
        Assert.False(filter.IsEnabled(disassociated));
        Assert.False(filter.IsEnabled(sameException));
        Assert.False(filter.IsEnabled(quarantined));
        Assert.True(filter.IsEnabled(other));
        Assert.True(filter.IsEnabled(refused));
    }
}

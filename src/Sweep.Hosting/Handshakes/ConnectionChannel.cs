using System.Reflection;
using Akka.Remote.Transport;
using DotNetty.Transport.Channels;

namespace Sweep.Hosting.Handshakes;

/// <summary>
/// The DotNetty channel under an inbound connection's Akka handle, for the two things <see cref="HandshakeGate"/> needs
/// below Akka's API: to see its first byte arrive (a peer's TLS client hello; a flood's connects never speak), and to
/// close it at once. Akka.Remote 1.5.73's handle offers only a graceful close (half-close, then the socket after
/// flush-wait-on-shutdown, 2 s), which under a flood would keep every refused descriptor 2 s longer. The channel is the
/// handle's private field `_channel`, found once by reflection (Akka is pinned to 1.5.73; `HandshakeGateTests` fails if
/// it moves). Without it the gate still caps pending connections, by Akka's graceful close and without the first byte.
/// </summary>
internal static class ConnectionChannel
{
    private static readonly Dictionary<Type, FieldInfo?> Fields = [];

    /// <summary>The handle's channel, or null where Akka keeps none under that name.</summary>
    public static IChannel? Of(AssociationHandle handle)
    {
        FieldInfo? field;
        lock (Fields)
        {
            var type = handle.GetType();
            if (!Fields.TryGetValue(type, out field))
                Fields[type] = field = type.GetField("_channel", BindingFlags.Instance | BindingFlags.NonPublic);
        }
        return field?.GetValue(handle) as IChannel;
    }

    /// <summary>Closes the connection's socket now (Akka's graceful close where the channel cannot be found).</summary>
    public static void CloseNow(AssociationHandle handle)
    {
        if (Of(handle) is { } channel) { _ = channel.CloseAsync(); return; }
#pragma warning disable CS0618
        handle.Disassociate();
#pragma warning restore CS0618
    }

    /// <summary>
    /// Calls <paramref name="spoke"/> when the first bytes arrive, before TLS sees them; false where the channel cannot be
    /// found. Called before reading starts (the driver reads once a reader is set), so no byte passes unseen.
    /// </summary>
    public static bool OnFirstByte(AssociationHandle handle, Action spoke)
    {
        if (Of(handle) is not { } channel) return false;
        try
        {
            channel.Pipeline.AddFirst("sweep-first-byte", new FirstByte(spoke));
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return false; }   // closed meanwhile
    }

    private sealed class FirstByte(Action spoke) : ChannelHandlerAdapter
    {
        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            context.Channel.Pipeline.Remove(this);      // once is enough
            spoke();
            context.FireChannelRead(message);
        }
    }
}

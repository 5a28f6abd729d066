using System.Net.Sockets;
using System.Reflection;
using Sweep.Hosting;
using Sweep.Hosting.Handshakes;

namespace Sweep.Coordinator.Tests;

/// <summary>
/// The cap on connections that have not completed their handshake (issue 27): the pure policy
/// (<see cref="PendingConnections{TKey}"/>), and the gate on a real node: silent connections beyond the cap are closed
/// at once, and a peer still joins while the cap is full of them.
/// </summary>
public sealed class HandshakeGateTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Beyond_the_cap_the_oldest_connection_of_the_busiest_source_goes()
    {
        var pending = new PendingConnections<int>(3, TimeSpan.FromSeconds(10));
        Assert.False(pending.Admit(1, "peer", T0, out _));
        Assert.False(pending.Admit(2, "flood", T0.AddSeconds(1), out _));
        Assert.False(pending.Admit(3, "flood", T0.AddSeconds(2), out _));
        // The flood holds two of three: its oldest goes, not the peer's older connection.
        Assert.True(pending.Admit(4, "flood", T0.AddSeconds(3), out var evicted));
        Assert.Equal(2, evicted);
        Assert.Equal(3, pending.Count);
        Assert.True(pending.Contains(1));
        Assert.False(pending.Contains(2));
        // Every source with one: the oldest of all goes.
        var even = new PendingConnections<int>(2, TimeSpan.FromSeconds(10));
        even.Admit(1, "a", T0, out _);
        even.Admit(2, "b", T0.AddSeconds(1), out _);
        Assert.True(even.Admit(3, "c", T0.AddSeconds(2), out evicted));
        Assert.Equal(1, evicted);
    }

    [Fact]
    public void Silent_connections_go_before_one_that_has_begun_its_handshake()
    {
        var pending = new PendingConnections<int>(3, TimeSpan.FromSeconds(10));
        pending.Admit(1, "host", T0, out _);
        pending.Spoke(1);                       // the peer's client hello
        pending.Admit(2, "host", T0.AddSeconds(1), out _);
        pending.Admit(3, "host", T0.AddSeconds(2), out _);
        Assert.True(pending.Admit(4, "host", T0.AddSeconds(3), out var evicted));
        Assert.Equal(2, evicted);               // not 1, older but speaking
        Assert.True(pending.Admit(5, "host", T0.AddSeconds(4), out evicted));
        Assert.Equal(3, evicted);
        Assert.True(pending.Contains(1));
        // Every other connection has begun its handshake: the new silent one is refused, not a handshake under way.
        pending.Spoke(4);
        pending.Spoke(5);
        Assert.True(pending.Admit(6, "other", T0.AddSeconds(5), out evicted));
        Assert.Equal(6, evicted);
        Assert.Equal(3, pending.Count);
    }

    [Fact]
    public void Connections_pending_too_long_expire_and_leave_once()
    {
        var pending = new PendingConnections<int>(10, TimeSpan.FromSeconds(10));
        pending.Admit(1, "a", T0, out _);
        pending.Admit(2, "a", T0.AddSeconds(5), out _);
        pending.Admit(3, "b", T0.AddSeconds(6), out _);
        Assert.True(pending.Remove(3));
        Assert.False(pending.Remove(3));
        Assert.Empty(pending.Expire(T0.AddSeconds(10)));
        Assert.Equal([1], pending.Expire(T0.AddSeconds(10.5)));
        Assert.Equal([2], pending.Expire(T0.AddSeconds(16)));
        Assert.Equal(0, pending.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PendingConnections<int>(0, TimeSpan.FromSeconds(1)));
    }

    /// <summary>The gate reaches the socket through Akka.Remote 1.5.73's private field; this fails first if it moves.</summary>
    [Fact]
    public void The_pinned_Akka_handle_keeps_its_channel_where_the_gate_looks()
    {
        var handle = typeof(Akka.Remote.Transport.AssociationHandle).Assembly.GetType("Akka.Remote.Transport.DotNetty.TcpAssociationHandle");
        Assert.NotNull(handle);
        var field = handle.GetField("_channel", BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.NotNull(field);
        Assert.Equal(typeof(DotNetty.Transport.Channels.IChannel), field.FieldType);
    }

    [Fact]
    public async Task A_node_closes_silent_connections_beyond_its_cap_and_a_peer_still_joins()
    {
        const int cap = 4, silent = 40;
        // A timeout far beyond the waits below: whatever closes here is closed by the cap.
        var gate = new HandshakeGateSettings(cap, TimeSpan.FromMinutes(5));
        await using var kit = await NodeTestKit.StartAsync(new NodeOptions { HandshakeGate = gate });
        int port = kit.Node.Address.Port!.Value;
        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < silent; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync("127.0.0.1", port);
                clients.Add(c);
            }
            // Shorter than Akka's own handshake timeout (15 s), which without the gate would close them too.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (clients.Count(ClosedByPeer) < silent - cap && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(clients.Count(ClosedByPeer) >= silent - cap, $"{clients.Count(ClosedByPeer)} of {silent} closed");

            // The cap is full of silent connections; a peer's connection speaks first and displaces them.
            await using var peer = await NodeTestKit.StartAsync(new NodeOptions { Seed = $"127.0.0.1:{port}", HandshakeGate = gate });
            Assert.Equal(2, Akka.Cluster.Cluster.Get(kit.Node.System).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    /// <summary>True once the server has closed the connection (a read would return 0 bytes or fail).</summary>
    private static bool ClosedByPeer(TcpClient c)
    {
        try { return c.Client.Poll(0, SelectMode.SelectRead) && c.Client.Available == 0; }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { return true; }
    }
}

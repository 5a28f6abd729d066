using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport;
using AkkaTransport = Akka.Remote.Transport.Transport;

namespace Sweep.Hosting.Handshakes;

/// <summary>The gate's two numbers, from `sweep.handshake-gate` in the node's configuration (<see cref="SweepNodeHosting"/>).</summary>
public sealed record HandshakeGateSettings(int MaxPending, TimeSpan Timeout)
{
    /// <summary>
    /// 128 pending connections, 10 s each: a peer's TLS handshake and Associate take milliseconds, and a flood must make
    /// 128 connects within a peer's connect-to-hello round trip to displace it.
    /// </summary>
    public static HandshakeGateSettings Default { get; } = new(128, TimeSpan.FromSeconds(10));

    public static HandshakeGateSettings From(Config config) => new(
        config.GetInt("sweep.handshake-gate.max-pending", Default.MaxPending),
        config.GetTimeSpan("sweep.handshake-gate.timeout", Default.Timeout));
}

/// <summary>Named in `akka.remote.adapters`; Akka.Remote creates it by its type name and asks it for the gate.</summary>
public sealed class HandshakeGateProvider : ITransportAdapterProvider
{
    public AkkaTransport Create(AkkaTransport wrappedTransport, ExtendedActorSystem system) =>
        new HandshakeGate(wrappedTransport, system, HandshakeGateSettings.From(system.Settings.Config));
}

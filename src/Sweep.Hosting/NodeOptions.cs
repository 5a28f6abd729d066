using Sweep.Coordinator;
using Sweep.Messages;

namespace Sweep.Hosting;

/// <summary>
/// What a node is: where it binds, whom it joins, and which features it runs. Its roles follow from its features, so
/// they cannot disagree: a campaign to coordinate gives the coordinator role, solver threads the worker role.
/// </summary>
public sealed record NodeOptions
{
    public const string SystemName = "sweep";

    /// <summary>Bind address, also the address peers use. Loopback by default.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0: any free port.</summary>
    public int Port { get; init; }

    /// <summary>HOST:PORT of the coordinator to join; null: this node is the seed and joins itself.</summary>
    public string? Seed { get; init; }

    /// <summary>This node is its whole cluster (`sweep run`): nobody will join, so waits meant for peers are shortened.</summary>
    public bool Alone { get; init; }

    /// <summary>Mutual TLS between nodes; null: plain TCP, which any process that reaches the port can join (only with --insecure).</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>Akka's log goes to Serilog (the CLI's file or console logger); otherwise to Akka's standard-out logger.</summary>
    public bool UseSerilog { get; init; }

    /// <summary>How long <see cref="SweepNode.StartAsync"/> waits for this node to be Up in the cluster.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The cap on inbound connections that have not completed their handshake (<see cref="Handshakes.HandshakeGate"/>):
    /// 128 at once, 10 s each, on every node that listens. Not a command-line setting: the tests change it.
    /// </summary>
    public Handshakes.HandshakeGateSettings HandshakeGate { get; init; } = Handshakes.HandshakeGateSettings.Default;

    /// <summary>The coordinator feature: the campaign this node coordinates, or null.</summary>
    public CoordinatorSetup? Coordinator { get; init; }

    /// <summary>The worker feature: solver entities (threads) on this node; 0: none.</summary>
    public int Workers { get; init; }

    /// <summary>The campaign this node's workers serve and the join token they present (null: unbound, no token).</summary>
    public Sweep.Worker.CampaignBinding? Binding { get; init; }

    /// <summary>This build's numerics fingerprint, which this node's workers state with every request (null: not stated; tests).</summary>
    public string? Numerics { get; init; }

    public IReadOnlyList<string> Roles
    {
        get
        {
            var roles = new List<string>();
            if (Coordinator is not null) roles.Add(NodeRoles.Coordinator);
            if (Workers > 0) roles.Add(NodeRoles.Worker);
            return roles;
        }
    }

    /// <summary>Akka.Remote names TLS transports differently, and addresses must match.</summary>
    public string Protocol => Tls is null ? "akka.tcp" : "akka.ssl.tcp";

    /// <summary>Path of the coordinator seen from this node's workers: local, or on the seed node.</summary>
    public string CoordinatorPath =>
        Seed is null ? $"/user/{Sweep.Coordinator.Actors.CoordinatorActor.Name}" : $"{Protocol}://{SystemName}@{Seed}/user/{Sweep.Coordinator.Actors.CoordinatorActor.Name}";
}

using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Remote.Hosting;
using Sweep.Coordinator;
using Sweep.Messages;
using Sweep.Worker;

namespace Sweep.Hosting;

/// <summary>
/// The one place a node is configured, used by `sweep run` (a one-node cluster on 127.0.0.1 with both features), by the
/// multi-process coordinator and worker commands, by the coordinator bench and by the tests: remoting (with mutual
/// TLS when asked), clustering and downing, the message serializer, logging, then the node's features.
/// </summary>
public static class SweepNodeHosting
{
    /// <summary>
    /// What Akka.Hosting 1.5.73 has no option for. The text is fixed: everything that differs between nodes goes
    /// through the typed options below.
    /// </summary>
    private static readonly Config Fixed = ConfigurationFactory.ParseString("""
        akka {
          stdout-loglevel = OFF
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          # Keep-oldest (see WithClustering) decides only after 7 s of stable unreachability.
          cluster.split-brain-resolver.stable-after = 7s
          # The worker region (Sweep.Worker's AddWorkers): the shard coordinator's state in distributed data among the
          # worker nodes (no journal to configure); nothing to remember or passivate, entities live as long as their node.
          cluster.sharding {
            state-store-mode = ddata
            remember-entities = off
            passivate-idle-entity-after = off
          }
          coordinated-shutdown {
            exit-clr = off
            run-by-clr-shutdown-hook = off
            # Leaving the cluster is explicit (SweepNode.StopAsync(graceful: true), by coordinators and workers); a plain
            # Terminate() — the one-node `sweep run` — stops at once instead of waiting ~1 s for a singleton hand-over
            # to nobody.
            run-by-actor-system-terminate = off
          }
        }
        # Handshakes.HandshakeGate between the TCP/TLS driver and Akka's protocol: a cap on inbound connections that have
        # not completed their handshake (its numbers under sweep.handshake-gate, from NodeOptions.HandshakeGate).
        akka.remote {
          adapters.sweep-handshake-gate = "Sweep.Hosting.Handshakes.HandshakeGateProvider,Sweep.Hosting"
          dot-netty.tcp.applied-adapters = [sweep-handshake-gate]
        }
        # CoordinatorHosting.StoreDispatcher: the store's actors on a thread of their own.
        sweep.store-dispatcher { type = PinnedDispatcher }
        """);

    /// <summary>
    /// Only for a node that is its whole cluster (<see cref="NodeOptions.Alone"/>). Its shard region registers with the
    /// sharding coordinator before that coordinator has read its state, and retries after retry-interval / 8 (at least
    /// 100 ms): 250 ms at the default 2 s, every start. Nodes that wait for peers keep the default (retries of
    /// shard-home requests on a real cluster are not worth more traffic).
    /// </summary>
    internal static readonly Config Alone = ConfigurationFactory.ParseString("akka.cluster.sharding.retry-interval = 200ms");

    public static AkkaConfigurationBuilder AddSweepNode(this AkkaConfigurationBuilder builder, NodeOptions node)
    {
        builder.AddHocon(Fixed, HoconAddMode.Prepend);
        if (node.Alone) builder.AddHocon(Alone, HoconAddMode.Prepend);
        builder.AddHocon(ConfigurationFactory.ParseString(
            $"sweep.handshake-gate {{ max-pending = {node.HandshakeGate.MaxPending}, timeout = {(long)node.HandshakeGate.Timeout.TotalMilliseconds}ms }}"),
            HoconAddMode.Prepend);
        builder
            // Sharding's, singleton's and distributed data's serializers must be known before the first remote message
            // arrives, not only once their extension starts on this node.
            .AddHocon(ClusterSharding.DefaultConfig().WithFallback(ClusterSingleton.DefaultConfig()).WithFallback(Akka.DistributedData.DistributedData.DefaultConfig()),
                HoconAddMode.Append)
            .ConfigureLoggers(logging =>
            {
                logging.LogLevel = LogLevel.InfoLevel;
                if (node.UseSerilog)
                {
                    logging.ClearLoggers();
                    logging.AddLogger<SerilogLogger>();
                }
            })
            .WithCustomSerializer("sweep", [typeof(ISweepMessage)], system => new SweepSerializer(system))
            .WithRemoting(Remoting(node))
            .WithClustering(new ClusterOptions
            {
                Roles = [.. node.Roles],
                SeedNodes = node.Seed is null ? [] : [$"{node.Protocol}://{NodeOptions.SystemName}@{node.Seed}"],
                MinimumNumberOfMembers = 1,
                // Keep-oldest with down-if-alone off: the coordinator joins first and is the oldest, so a
                // coordinator + one worker that lose sight of each other down the worker, never the coordinator.
                SplitBrainResolver = new KeepOldestOption { DownIfAlone = false },
                FailureDetector = new PhiAccrualFailureDetectorOptions { AcceptableHeartbeatPause = TimeSpan.FromSeconds(6) },
            });
        if (node.Coordinator is not null) builder.AddCoordinator(node.Coordinator);
        if (node.Workers > 0) builder.AddWorkers(new WorkerOptions(node.Workers, node.CoordinatorPath) { Binding = node.Binding ?? new(), Numerics = node.Numerics });
        // The seed's port may be chosen by the OS (`run` binds port 0), so it joins its own address once bound.
        if (node.Seed is null) builder.AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress));
        return builder;
    }

    private static RemoteOptions Remoting(NodeOptions node)
    {
        var remote = new RemoteOptions { HostName = node.Host, Port = node.Port, MaxFrameSize = WorkerProtocol.MaxFrameBytes };
        if (node.Tls is not { } tls) return remote;
        remote.EnableSsl = true;
        // Both ends present a certificate, and a peer is trusted only when its certificate chains to the cluster CA
        // (not to the machine's trust store); hostnames are not checked: nodes are addressed by IP. Akka.Remote 1.5.73's
        // DotNetty transport then asks every inbound connection for a client certificate, refuses one without, and runs
        // CustomValidator on both sides before any Akka frame passes (tested: a refused peer receives no shard).
        remote.Ssl = new SslOptions
        {
            X509Certificate = tls.Certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            ValidateCertificateHostname = false,
            CustomValidator = TlsOptions.TrustOnly(tls.Ca),
        };
        return remote;
    }
}

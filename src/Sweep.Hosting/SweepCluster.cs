using Akka.Actor;
using Akka.Cluster;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Event;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Remote.Transport.DotNetty;
using Sweep.Coordinator.Actors;
using Sweep.Campaigns;
using Sweep.Results.Storage;
using Sweep.Messages;
using Sweep.Worker;

namespace Sweep.Hosting;

/// <summary>How a node joins: its bind address, its roles, and the seed to join (null: it is the seed).</summary>
public sealed record NodeOptions(string Host, int Port, IReadOnlyList<string> Roles, string? Seed)
{
    public const string SystemName = "sweep";
    public const string CoordinatorRole = "coordinator";
    public bool UseSerilog { get; init; }
    /// <summary>Mutual TLS between nodes; null: plain TCP (only sensible on loopback or a trusted network).</summary>
    public TlsOptions? Tls { get; init; }
    /// <summary>Akka.Remote names TLS transports differently, and addresses must match.</summary>
    public string Protocol => Tls is null ? "akka.tcp" : "akka.ssl.tcp";
}

/// <summary>
/// This node's certificate (PKCS#12 with its private key) and the CA that must have signed every peer's certificate.
/// Both sides of every connection present a certificate and check the other's chain against that CA only.
/// </summary>
public sealed record TlsOptions(string CertificatePath, string? Password, string CaPath)
{
    public (X509Certificate2 Certificate, X509Certificate2 Ca) Load()
    {
        var cert = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, Password);
        if (!cert.HasPrivateKey) throw new InvalidOperationException($"'{CertificatePath}' holds no private key");
        var ca = X509CertificateLoader.LoadCertificateFromFile(CaPath);
        return (cert, ca);
    }

    /// <summary>Accepts a peer only when its certificate chains to <paramref name="ca"/> (hostnames are not checked: nodes are addressed by IP).</summary>
    public static CertificateValidationCallback TrustOnly(X509Certificate2 ca) => (peer, _, _, _, log) =>
    {
        if (peer is null)
        {
            log.Warning("refused a TLS peer without a certificate");
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        bool ok = chain.Build(peer);
        if (!ok) log.Warning("refused TLS peer {0}: its certificate is not signed by the cluster CA", peer.Subject);
        return ok;
    };
}

/// <summary>A running campaign on this node.</summary>
public sealed record CampaignHandle(IActorRef Coordinator, IActorRef Aggregator);

/// <summary>
/// The one wiring used by `sweep run` (a one-node cluster on 127.0.0.1 with both roles), by the multi-process
/// coordinator and worker commands, and by the tests.
/// </summary>
public static class SweepCluster
{
    public static Config NodeConfig(NodeOptions o)
    {
        string roles = string.Join(", ", o.Roles.Select(r => $"\"{r}\""));
        string tls = o.Tls is null ? "" : """
                enable-ssl = true
                ssl {
                  suppress-validation = false
                  require-mutual-authentication = true
                  validate-certificate-hostname = false
                }
            """;
        string loggers = o.UseSerilog ? """loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]""" : "";
        return ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = INFO
              stdout-loglevel = OFF
              {{loggers}}
              log-dead-letters = 0
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                serializers { sweep = "Sweep.Messages.SweepSerializer, Sweep.Messages" }
                serialization-bindings { "Sweep.Messages.ISweepMessage, Sweep.Messages" = sweep }
                serialization-identifiers { "Sweep.Messages.SweepSerializer, Sweep.Messages" = {{SweepSerializer.Id}} }
              }
              remote.dot-netty.tcp {
                hostname = "{{o.Host}}"
                port = {{o.Port}}
                maximum-frame-size = 16MiB
                {{tls}}
              }
              cluster {
                roles = [{{roles}}]
                min-nr-of-members = 1
                # Keep-oldest with down-if-alone off: the coordinator joins first and is the oldest, so a
                # coordinator + one worker that lose sight of each other down the worker, never the coordinator.
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-oldest
                  stable-after = 7s
                  keep-oldest.down-if-alone = off
                }
                failure-detector.acceptable-heartbeat-pause = 6s
                sharding {
                  role = "{{WorkerSharding.Role}}"
                  passivate-idle-entity-after = off
                  remember-entities = off
                }
              }
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.run-by-clr-shutdown-hook = off
              # Leaving the cluster is explicit (CoordinatedShutdown.Run, by coordinators and workers); a plain
              # Terminate() — the one-node `sweep run` — stops at once instead of waiting ~1 s for a singleton hand-over
              # to nobody.
              coordinated-shutdown.run-by-actor-system-terminate = off
            }
            sweep.store-dispatcher { type = PinnedDispatcher }
            """);
    }

    /// <summary>Starts the actor system and waits until this node is Up in the cluster.</summary>
    public static async Task<ActorSystem> StartNodeAsync(NodeOptions options, TimeSpan timeout)
    {
        // Sharding's and singleton's serializers must be known before the first remote message arrives, not only
        // once ClusterSharding.Get runs on this node.
        var config = NodeConfig(options).WithFallback(ClusterSharding.DefaultConfig()).WithFallback(ClusterSingleton.DefaultConfig());
        var setup = BootstrapSetup.Create().WithConfig(config);
        ActorSystem system;
        if (options.Tls is not null)
        {
            var (cert, ca) = options.Tls.Load();
            var ssl = new DotNettySslSetup(cert, suppressValidation: false, requireMutualAuthentication: true, customValidator: TlsOptions.TrustOnly(ca));
            system = ActorSystem.Create(NodeOptions.SystemName, setup.And(ssl));
        }
        else system = ActorSystem.Create(NodeOptions.SystemName, setup);
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (options.Seed is null) cluster.Join(cluster.SelfAddress);
        else
        {
            var parts = options.Seed.Split(':');
            cluster.JoinSeedNodes([new Address(options.Protocol, NodeOptions.SystemName, parts[0], int.Parse(parts[1]))]);
        }
        if (await Task.WhenAny(up.Task, Task.Delay(timeout)) != up.Task)
        {
            await system.Terminate();
            throw new TimeoutException($"this node did not join the cluster within {timeout.TotalSeconds:0} s" +
                (options.Seed is null ? "" : $" (is a coordinator listening at {options.Seed}?)"));
        }
        return system;
    }

    /// <summary>Starts the coordinator and aggregator of a campaign whose store is open.</summary>
    public static CampaignHandle StartCampaign(ActorSystem system, Campaign campaign, CampaignStore store, CoordinatorOptions options)
    {
        var stored = store.ReadSamples().ToList();
        var aggregator = system.ActorOf(Props.Create(() => new AggregatorActor(campaign, stored)), "aggregator");
        var coordinator = system.ActorOf(CoordinatorActor.Props(campaign, store, aggregator, options), CoordinatorActor.Name);
        return new CampaignHandle(coordinator, aggregator);
    }

    /// <summary>Path of the coordinator seen from a worker: local, or on the seed node.</summary>
    public static string CoordinatorPath(NodeOptions node) =>
        node.Seed is null ? $"/user/{CoordinatorActor.Name}" : $"{node.Protocol}://{NodeOptions.SystemName}@{node.Seed}/user/{CoordinatorActor.Name}";
}

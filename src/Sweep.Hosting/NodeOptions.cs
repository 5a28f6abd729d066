using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
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

    /// <summary>Mutual TLS between nodes; null: plain TCP (only sensible on loopback or a trusted network).</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>Akka's log goes to Serilog (the CLI's file or console logger); otherwise to Akka's standard-out logger.</summary>
    public bool UseSerilog { get; init; }

    /// <summary>How long <see cref="SweepNode.StartAsync"/> waits for this node to be Up in the cluster.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The coordinator feature: the campaign this node coordinates, or null.</summary>
    public CoordinatorSetup? Coordinator { get; init; }

    /// <summary>The worker feature: solver entities (threads) on this node; 0: none.</summary>
    public int Workers { get; init; }

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

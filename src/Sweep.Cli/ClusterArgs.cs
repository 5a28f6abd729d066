using Sweep.Hosting;

using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// Where a `coordinator` or `worker` binds and how it authenticates its peers (<see cref="NetworkOptions"/>): the user's
/// certificates (<see cref="Tls"/>), or none given: then a loopback coordinator makes a credential of its own
/// (<see cref="CredentialFile"/>) and a worker reads it with --credential. Plain TCP only with an explicit
/// <see cref="Insecure"/>, which prints a warning.
/// </summary>
public sealed record ClusterNetwork(string Host, TlsOptions? Tls, bool Insecure);

/// <summary>Checks the network options of `coordinator` and `worker`; any bind address other than loopback needs mutual TLS or --insecure.</summary>
public static class ClusterArgs
{
    public static bool IsLoopback(string host) => host is "127.0.0.1" or "localhost" or "::1" || host.StartsWith("127.");

    public static ClusterNetwork Parse(string host, string? cert, string? ca, string? password, bool insecure)
    {
        TlsOptions? tls = null;
        if (cert is not null || ca is not null)
        {
            if (cert is null || ca is null) throw new UserError("TLS needs both --tls-cert NODE.pfx and --tls-ca CA.pem");
            if (insecure) throw new UserError("--insecure turns TLS off: give it or --tls-cert/--tls-ca, not both");
            if (!File.Exists(cert)) throw new UserError($"--tls-cert: '{cert}' does not exist");
            if (!File.Exists(ca)) throw new UserError($"--tls-ca: '{ca}' does not exist");
            try { tls = TlsOptions.Load(cert, password, ca); }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException)
            {
                throw new UserError($"--tls-cert/--tls-ca: cannot load the certificates ({e.Message}); is --tls-password right?");
            }
        }
        if (tls is null && !IsLoopback(host) && !insecure)
            throw new UserError($"binding to {host} exposes the cluster to the network: give --tls-cert and --tls-ca for mutual TLS, or --insecure to accept the risk");
        return new ClusterNetwork(host, tls, insecure);
    }

    /// <summary>The warning --insecure prints (stderr and log): who can join.</summary>
    public static void WarnInsecure(ClusterNetwork network)
    {
        string who = IsLoopback(network.Host) ? "any process of any user on this machine" : "any host that can reach this port";
        string text = $"--insecure: no TLS on {network.Host}; {who} can join the cluster, receive the campaign and send results that are accepted";
        Console.Error.WriteLine($"warning: {text}");
        Serilog.Log.Warning("{Warning}", text);
    }
}

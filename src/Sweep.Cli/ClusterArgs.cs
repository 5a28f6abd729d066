using Sweep.Hosting;

using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// Checks the network options of `coordinator` and `worker` (<see cref="NetworkOptions"/>): loopback needs nothing; any
/// other bind address needs mutual TLS or an explicit --insecure.
/// </summary>
public static class ClusterArgs
{
    public static bool IsLoopback(string host) => host is "127.0.0.1" or "localhost" or "::1" || host.StartsWith("127.");

    public static (string Host, TlsOptions? Tls) Parse(string host, string? cert, string? ca, string? password, bool insecure)
    {
        TlsOptions? tls = null;
        if (cert is not null || ca is not null)
        {
            if (cert is null || ca is null) throw new UserError("TLS needs both --tls-cert NODE.pfx and --tls-ca CA.pem");
            if (!File.Exists(cert)) throw new UserError($"--tls-cert: '{cert}' does not exist");
            if (!File.Exists(ca)) throw new UserError($"--tls-ca: '{ca}' does not exist");
            tls = new TlsOptions(cert, password, ca);
            try { tls.Load().Certificate.Dispose(); }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException)
            {
                throw new UserError($"--tls-cert/--tls-ca: cannot load the certificates ({e.Message}); is --tls-password right?");
            }
        }
        if (tls is null && !IsLoopback(host))
        {
            if (!insecure)
                throw new UserError($"binding to {host} exposes the cluster to the network: give --tls-cert and --tls-ca for mutual TLS, or --insecure to accept the risk");
            Console.Error.WriteLine($"warning: --insecure: binding to {host} without TLS; any host that can reach this port can join the cluster and read its messages");
        }
        return (host, tls);
    }
}

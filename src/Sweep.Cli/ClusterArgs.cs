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
    /// <summary>
    /// `--host auto` (workers): the local address this machine uses to reach <paramref name="seed"/> — the one the
    /// coordinator sees connections come from — where `hostname -i` may list several. No packet is sent: a UDP socket is
    /// only connected, which picks the route.
    /// </summary>
    public static string AutoHost(string seed)
    {
        int colon = seed.LastIndexOf(':');
        string host = colon > 0 ? seed[..colon] : seed;
        try
        {
            var target = System.Net.IPAddress.TryParse(host, out var ip) ? ip
                : System.Net.Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1).First();
            using var probe = new System.Net.Sockets.Socket(target.AddressFamily, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            probe.Connect(new System.Net.IPEndPoint(target, 9));
            return ((System.Net.IPEndPoint)probe.LocalEndPoint!).Address.ToString();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new UserError($"--host auto: cannot tell which local address reaches the seed '{host}' ({e.Message}); give --host ADDRESS");
        }
    }

    public static bool IsLoopback(string host) => host is "127.0.0.1" or "localhost" or "::1" || host.StartsWith("127.");

    public static ClusterNetwork Parse(string host, string? cert, string? ca, string? password, bool insecure)
    {
        TlsOptions? tls = null;
        if (cert is not null || ca is not null)
        {
            if (cert is null || ca is null) throw new UserError("TLS needs both --tls-cert NODE.pfx and --tls-ca CA.pem");
            if (insecure) throw new UserError("--insecure turns TLS off: give it or --tls-cert/--tls-ca, not both");
            // Read first, so that a file this user cannot read says so (owner, mode, our UID) instead of a password hint.
            byte[] certBytes = UnixFiles.ReadSecret("--tls-cert", cert, TlsOptions.MaxFileBytes), caBytes = UnixFiles.ReadSecret("--tls-ca", ca, TlsOptions.MaxFileBytes);
            try { tls = TlsOptions.Load(certBytes, password, caBytes, cert); }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new UserError($"--tls-cert: cannot load '{cert}' as a PKCS#12 certificate with its key ({e.Message.TrimEnd('.')}){(password is null ? "; it may need --tls-password (or SWEEP_TLS_PASSWORD)" : "; is --tls-password right?")}");
            }
            catch (InvalidOperationException e) { throw new UserError($"--tls-cert/--tls-ca: {e.Message}"); }
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

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Sweep.Hosting;

/// <summary>
/// A node's TLS identity and trust: its certificate (with the private key) and the CA that must have signed every peer's
/// certificate. Both sides of every connection present a certificate and check the other's chain against that CA only,
/// so a process without a certificate that CA signed cannot join, whatever address it connects from.
/// </summary>
public sealed record TlsOptions(X509Certificate2 Certificate, X509Certificate2 Ca)
{
    /// <summary>
    /// What is read of a certificate or CA file at most (issue 27): a PKCS#12 node certificate or a PEM CA is a few KB;
    /// a megabyte leaves room for long chains and bundles, and keeps a huge or endless file out of memory.
    /// </summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>
    /// The user's certificates from the files' bytes: a PKCS#12 node certificate with its key, and the cluster CA (PEM or
    /// DER). The caller reads the files (bounded, at most <see cref="MaxFileBytes"/>) and reports unreadable ones.
    /// </summary>
    public static TlsOptions Load(byte[] certificate, string? password, byte[] ca, string certificateName)
    {
        var cert = X509CertificateLoader.LoadPkcs12(certificate, password);
        if (!cert.HasPrivateKey) throw new InvalidOperationException($"'{certificateName}' holds no private key");
        X509Certificate2 caCert;
        try { caCert = X509CertificateLoader.LoadCertificate(ca); }
        catch (CryptographicException)
        {
            try { caCert = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(ca)); }
            catch (CryptographicException e) { throw new InvalidOperationException($"the CA file is neither a PEM nor a DER certificate ({e.Message})"); }
        }
        return new TlsOptions(cert, caCert);
    }

    /// <summary>
    /// A credential of its own for one campaign when the user gave none: a fresh CA signs one node certificate and its
    /// private key is then dropped, so nobody can mint another; every node of the campaign presents that one certificate.
    /// Whoever holds its private key can join: it stays in memory (`run`) or in a file only its owner can read.
    /// </summary>
    public static TlsOptions Ephemeral()
    {
        var notBefore = DateTimeOffset.UtcNow.AddHours(-1);     // tolerates a little clock skew
        var notAfter = DateTimeOffset.UtcNow.AddYears(5);       // outlives any campaign; a new one is made at each start
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=sweep campaign CA (ephemeral)", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var nodeRequest = new CertificateRequest("CN=sweep campaign node", nodeKey, HashAlgorithmName.SHA256);
        nodeRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        nodeRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        nodeRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));     // server and client authentication
        nodeRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        nodeRequest.CertificateExtensions.Add(san.Build());
        using var signed = nodeRequest.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        using var node = signed.CopyWithPrivateKey(nodeKey);
        using var caPublic = X509CertificateLoader.LoadCertificate(ca.RawData);
        // Through PKCS#12 and back: the credential a `run` keeps in memory is exactly the one a coordinator writes.
        return FromPkcs12(new X509Certificate2Collection { node, caPublic }.Export(X509ContentType.Pkcs12)!);
    }

    /// <summary>The node certificate with its key and the CA certificate (without a key), as one PKCS#12 blob without password.</summary>
    public byte[] ToPkcs12() => new X509Certificate2Collection { Certificate, X509CertificateLoader.LoadCertificate(Ca.RawData) }.Export(X509ContentType.Pkcs12)!;

    /// <summary>The inverse of <see cref="ToPkcs12"/>; <see cref="FormatException"/> for anything else.</summary>
    public static TlsOptions FromPkcs12(byte[] data)
    {
        X509Certificate2Collection all;
        try { all = X509CertificateLoader.LoadPkcs12Collection(data, null); }
        catch (CryptographicException e) { throw new FormatException($"not a sweep credential ({e.Message})", e); }
        var withKey = all.Where(c => c.HasPrivateKey).ToList();
        var without = all.Where(c => !c.HasPrivateKey).ToList();
        if (all.Count != 2 || withKey.Count != 1 || without.Count != 1)
            throw new FormatException("not a sweep credential (expected one certificate with its key and one CA certificate)");
        return new TlsOptions(withKey[0], without[0]);
    }

    /// <summary>Accepts a peer only when its certificate chains to <paramref name="ca"/> (hostnames are not checked: nodes are addressed by IP).</summary>
    public static CertificateValidationCallback TrustOnly(X509Certificate2 ca) => (peer, _, remote, _, log) =>
    {
        if (peer is null)
        {
            log.Warning("refused TLS peer {0}: it presented no certificate", remote);
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        bool ok = chain.Build(peer);
        if (!ok) log.Warning("refused TLS peer {0} ({1}): its certificate is not signed by the cluster CA", remote, peer.Subject);
        return ok;
    };
}

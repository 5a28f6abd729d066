using System.Security.Cryptography;
using System.Text;

namespace Sweep.Messages;

/// <summary>How a worker's claim to a campaign is checked, by the coordinator and by the worker alike.</summary>
public static class CampaignIdentity
{
    /// <summary>A bound hash, or a prefix of it (at least 12 hex digits, as typed on a command line), names the campaign <paramref name="hash"/>.</summary>
    public static bool Matches(string bound, string hash) => hash.StartsWith(bound, StringComparison.Ordinal);

    /// <summary>Join tokens compared in constant time (a token is a secret: timing must not reveal its prefix).</summary>
    public static bool TokenEquals(string? presented, string expected) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    /// <summary>The first 12 hex digits: enough to tell campaigns apart in messages.</summary>
    public static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}

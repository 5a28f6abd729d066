using System.Security.Cryptography;
using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>A campaign's join token: the campaign it opens (hash) and the secret a worker presents with every request.</summary>
public sealed record JoinToken(string CampaignHash, string Secret)
{
    public static JoinToken Issue(string campaignHash) => new(campaignHash, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant());

    public string ShortHash => CampaignHash.Length > 12 ? CampaignHash[..12] : CampaignHash;
}

/// <summary>
/// The join token as a file: one line `sweep-join-token 1 HASH SECRET`. `sweep credential CAMPAIGN -o FILE` issues one
/// (for a Kubernetes or compose secret, made before the coordinator starts); a coordinator given none issues one into
/// DIR/join-token on its first start and keeps it across restarts, so running workers rejoin a restarted coordinator.
/// A certificate leaked from one campaign opens no other: each campaign has its own token. The file is created mode 0600;
/// one that every user may read (o+r) is refused (a group may share it, as Kubernetes' fsGroup does).
/// </summary>
public static class JoinTokenFile
{
    public const string FileName = "join-token";
    private const string Magic = "sweep-join-token";

    /// <summary>A token file is one line of about 150 bytes; anything much longer is not one and is not read (issue 27).</summary>
    public const int MaxBytes = 4096;

    public static string PathIn(string dir) => Path.Combine(dir, FileName);

    /// <summary>Writes a new file (never through an existing name: made under a temporary name, mode 0600, then renamed).</summary>
    public static void Write(string path, JoinToken token, bool overwrite)
    {
        if (!overwrite && (File.Exists(path) || Directory.Exists(path)))
            throw new UserError($"'{path}' exists; a join token is never overwritten (remove it first, or give another -o FILE)");
        string tmp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.Delete(tmp);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var f = new StreamWriter(new FileStream(tmp, options)))
                f.Write($"{Magic} 1 {token.CampaignHash} {token.Secret}\n");
            File.Move(tmp, path, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (Exception) { }
            throw new UserError($"cannot write the join token '{path}': {e.Message}");
        }
    }

    /// <summary>Reads a token file; refused (exit 2, one line) when missing, unreadable, open to every user or malformed.</summary>
    public static JoinToken Read(string path, string option = "--join-token")
    {
        var bytes = UnixFiles.ReadSecret(option, path, MaxBytes);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            throw new UserError($"{option}: '{path}' is open to every user{UnixFiles.Describe(path)}; whoever reads it can join the campaign: chmod o-rw it");
        var parts = System.Text.Encoding.UTF8.GetString(bytes).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4 || parts[0] != Magic || parts[1] != "1" || !IsHex(parts[2], 64) || !IsHex(parts[3], 64))
            throw new UserError($"{option}: '{path}' is not a sweep join token (`sweep credential CAMPAIGN -o FILE` makes one)");
        return new JoinToken(parts[2], parts[3]);
    }

    /// <summary>
    /// The coordinator's token: the one given (which must be this campaign's), else DIR/join-token if it holds this
    /// campaign's, else a new one written there. Returns the token and the file workers should be given.
    /// </summary>
    public static (JoinToken Token, string Path) ForCoordinator(string outDir, string campaignHash, string campaignName, string? given)
    {
        if (given is not null)
        {
            var t = Read(given);
            if (t.CampaignHash != campaignHash)
                throw new UserError($"--join-token: '{given}' opens campaign {t.ShortHash}, not '{campaignName}' ({campaignHash[..12]}); issue one for it with `sweep credential CAMPAIGN -o FILE`");
            return (t, given);
        }
        string path = PathIn(outDir);
        if (File.Exists(path))
        {
            var t = Read(path, "the campaign's join token");
            if (t.CampaignHash == campaignHash) return (t, path);
        }
        var token = JoinToken.Issue(campaignHash);
        Write(path, token, overwrite: true);
        return (token, path);
    }

    private static bool IsHex(string s, int length) => s.Length == length && s.All(char.IsAsciiHexDigitLower);
}

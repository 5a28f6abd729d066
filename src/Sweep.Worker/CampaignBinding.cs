namespace Sweep.Worker;

/// <summary>
/// The one campaign a worker process serves: given at start (its join token names it), or the first campaign it is
/// handed, kept from then on across rejoins (the worker restarts its actor system, not this). Shared by the node's
/// entities, which run on dispatcher threads: binding is a compare-and-swap.
/// </summary>
public sealed class CampaignBinding
{
    private string? _hash;

    public CampaignBinding(string? hash = null, string? joinToken = null)
    {
        _hash = hash;
        JoinToken = joinToken;
    }

    /// <summary>
    /// The campaign hash served (or a prefix of it, at least 12 hex digits, as given on the command line), or null before the
    /// first assignment of an unbound worker.
    /// </summary>
    public string? Hash => Volatile.Read(ref _hash);

    /// <summary>The join token presented with every request (null: none; only a coordinator without one admits it).</summary>
    public string? JoinToken { get; }

    /// <summary>True when this worker serves <paramref name="hash"/>: it was bound to it, or was unbound and now is.</summary>
    /// <param name="first">True for the one call that bound an unbound worker.</param>
    public bool TryBind(string hash, out bool first)
    {
        var before = Interlocked.CompareExchange(ref _hash, hash, null);
        first = before is null;
        return before is null || Matches(before, hash);
    }

    /// <summary>True when <paramref name="hash"/> is the campaign served (or this worker is not bound yet).</summary>
    public bool Serves(string hash) => Hash is not { } bound || Matches(bound, hash);

    private static bool Matches(string bound, string hash) => Sweep.Messages.CampaignIdentity.Matches(bound, hash);
}

/// <summary>Published on the node's event stream when an unbound worker binds to its first campaign.</summary>
public sealed record CampaignBound(string CampaignHash);

/// <summary>Published on the node's event stream when the coordinator refuses this worker (another campaign, or a wrong token).</summary>
public sealed record CampaignRefused(string CampaignHash, string CampaignName, string Reason);

namespace Sweep.Hosting.Handshakes;

/// <summary>
/// The inbound connections a node has accepted that have not yet completed their handshake, and which of them to close
/// (issue 27). Pure: the transport adapter (<see cref="HandshakeGate"/>) calls it under its lock with the time.
/// <para>
/// At most <see cref="Capacity"/> are pending at once. One more evicts a silent one (no byte received yet: the new one
/// is silent too), of the source (remote IP) with the most silent connections pending, its oldest; when every other
/// pending connection has begun its handshake, the new one is refused. A peer's TLS client speaks first, within a round
/// trip of its connect, so a flood of connects that never speak displaces only silent connections, never a handshake
/// under way; a flood from one address displaces its own connections before those of a peer on another address; and a
/// flood needs more than <see cref="Capacity"/> connects per round trip to displace even a peer on its own address
/// before it speaks. (Refusing the newest instead would let <see cref="Capacity"/> held connections starve every peer.)
/// A connection pending longer than <see cref="Timeout"/> is closed as well.
/// </para>
/// </summary>
public sealed class PendingConnections<TKey> where TKey : notnull
{
    private sealed class Entry(TKey key, string source, DateTime since)
    {
        public TKey Key { get; } = key;
        public string Source { get; } = source;
        public DateTime Since { get; } = since;
        public bool Spoke { get; set; }
    }

    private readonly LinkedList<Entry> _byAge = new();
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _nodes = new();

    public PendingConnections(int capacity, TimeSpan timeout)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "at least one connection must be admitted");
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be positive");
        Capacity = capacity;
        Timeout = timeout;
    }

    public int Capacity { get; }
    public TimeSpan Timeout { get; }
    public int Count => _nodes.Count;

    public bool Contains(TKey key) => _nodes.ContainsKey(key);

    /// <summary>
    /// Admits <paramref name="key"/> (a connection from <paramref name="source"/> accepted at <paramref name="now"/>); true
    /// with the connection to close in <paramref name="evicted"/> when one must go to stay within <see cref="Capacity"/>.
    /// That is <paramref name="key"/> itself only when every other pending connection has begun its handshake: a new
    /// silent connection is then refused rather than a handshake under way.
    /// </summary>
    public bool Admit(TKey key, string source, DateTime now, out TKey evicted)
    {
        if (_nodes.ContainsKey(key)) throw new InvalidOperationException("a connection is admitted once");
        _nodes[key] = _byAge.AddLast(new Entry(key, source, now));
        evicted = default!;
        if (_nodes.Count <= Capacity) return false;
        evicted = OldestOfBusiestSource();
        Remove(evicted);
        return true;
    }

    /// <summary>The connection completed its handshake, or closed: it is no longer pending. False if it was not.</summary>
    public bool Remove(TKey key)
    {
        if (!_nodes.Remove(key, out var node)) return false;
        _byAge.Remove(node);
        return true;
    }

    /// <summary>Removes and returns the connections pending for longer than <see cref="Timeout"/> at <paramref name="now"/>.</summary>
    public List<TKey> Expire(DateTime now)
    {
        var expired = new List<TKey>();
        while (_byAge.First is { } oldest && now - oldest.Value.Since > Timeout)
        {
            expired.Add(oldest.Value.Key);
            Remove(oldest.Value.Key);
        }
        return expired;
    }

    /// <summary>The connection has sent its first byte (its TLS client hello): it is evicted only after every silent one.</summary>
    public void Spoke(TKey key)
    {
        if (_nodes.TryGetValue(key, out var node)) node.Value.Spoke = true;
    }

    /// <summary>
    /// The one to evict: the oldest silent connection of the source with the most silent ones (ties: the source whose
    /// silent connection is oldest). There is one: the connection just admitted has not spoken.
    /// </summary>
    private TKey OldestOfBusiestSource()
    {
        var silent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in _byAge)
            if (!e.Spoke) silent[e.Source] = silent.GetValueOrDefault(e.Source) + 1;
        int most = silent.Values.Max();
        foreach (var e in _byAge)
            if (!e.Spoke && silent[e.Source] == most) return e.Key;
        throw new InvalidOperationException("unreachable: the busiest source has a silent connection in the list");
    }
}

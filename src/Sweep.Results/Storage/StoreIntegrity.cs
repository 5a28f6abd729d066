using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Sweep.Campaigns;

namespace Sweep.Results.Storage;

/// <summary>
/// The store's own integrity (see <see cref="CampaignStore"/>): SQLite's checks see page structure only, so every
/// shard row carries a checksum over its key, its sample blob and its number of traces (and its statistics one over key
/// and statistics), every trace row one over its key and data, and the metadata a SHA-256 over all its keys and values.
/// From schema 7 the row checksums are HMAC-SHA256 keyed by <see cref="RowKey"/>, which binds each row to the
/// campaign's identity (its hash) and to this store's own random id (made at creation, kept in the metadata): a row
/// copied from another campaign, or from another store of the same campaign, fails its checksum like a damaged one.
/// Up to schema 6 they are plain SHA-256 over the same bytes (a null key here). The key lives in the file: it binds
/// rows to their store, it does not authenticate them against someone who can write the file and compute HMAC.
/// The layouts hashed here are part of the stored format: a store written by an earlier build must verify.
/// </summary>
internal static class StoreIntegrity
{
    internal const string MetaChecksumKey = "meta_sha256";

    internal static string MetaChecksum(IReadOnlyDictionary<string, string> meta)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (k, v) in meta.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var kb = Encoding.UTF8.GetBytes(k);
            var vb = Encoding.UTF8.GetBytes(v);
            h.AppendData(BitConverter.GetBytes(kb.Length)); h.AppendData(kb);
            h.AppendData(BitConverter.GetBytes(vb.Length)); h.AppendData(vb);
        }
        return Convert.ToHexString(h.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>The metadata key of the store's own random id (schema 7 on).</summary>
    internal const string StoreIdKey = "store_id";

    /// <summary>A new store's random id: 128 bits, hex.</summary>
    internal static string NewStoreId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>The HMAC key of a schema-7 store's rows: SHA-256 over a label, the store's id and the campaign's hash.</summary>
    internal static byte[] RowKey(string storeId, string campaignHash) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"actorsweep store rows\0{storeId}\0{campaignHash}"));

    /// <summary>A shard's key, its sample blob and the number of traces stored with it (keyed: HMAC; null key: SHA-256, up to schema 6).</summary>
    internal static byte[] ShardChecksum(byte[]? key, long point, long index, long first, long count, long traces, byte[] blob) =>
        KeyedChecksum(key, [point, index, first, count, traces], blob);

    /// <summary>A shard's key and its statistics blob.</summary>
    internal static byte[] StatsChecksum(byte[]? key, long point, long index, long first, long count, byte[] stats) =>
        KeyedChecksum(key, [point, index, first, count], stats);

    /// <summary>The fields (8 bytes each, in this machine's byte order, as always written) and then the blob.</summary>
    internal static byte[] KeyedChecksum(byte[]? key, ReadOnlySpan<long> fields, byte[] blob)
    {
        using var h = Hash(key);
        h.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(fields));
        h.AppendData(blob);
        return h.GetHashAndReset();
    }

    private static IncrementalHash Hash(byte[]? key) =>
        key is null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);

    internal static byte[] TraceChecksum(byte[]? key, long point, long sample, byte[] data)
    {
        using var h = Hash(key);
        Span<byte> head = stackalloc byte[16];
        BitConverter.TryWriteBytes(head, point);
        BitConverter.TryWriteBytes(head[8..], sample);
        h.AppendData(head);
        h.AppendData(data);
        return h.GetHashAndReset();
    }

    /// <summary>One row of the shards table as read by a full scan, with whether it (and its statistics, when stored) passed its checksums.</summary>
    internal sealed record ShardRow(long RowId, long Point, long Index, long First, long Count, long Traces, byte[]? Blob, bool Valid);

    /// <summary>Whether a row's statistics (columns 8 and 9) are absent (both null) or pass their checksum.</summary>
    internal static bool StatsValid(SqliteDataReader r, ShardRow row, byte[]? key)
    {
        if (r.IsDBNull(8) && r.IsDBNull(9)) return true;
        return r.GetValue(8) is byte[] stats && r.GetValue(9) is byte[] sum && sum.AsSpan().SequenceEqual(StatsChecksum(key, row.Point, row.Index, row.First, row.Count, stats));
    }

    /// <summary>Reads one shards row defensively: a damaged record (a column of the wrong type) is an invalid row, not an exception.</summary>
    internal static ShardRow ReadShardRow(SqliteDataReader r, bool withBlob, byte[]? key)
    {
        long rowId = r.GetInt64(0);
        try
        {
            if (r.GetFieldType(1) != typeof(long) || r.GetFieldType(2) != typeof(long) || r.GetFieldType(3) != typeof(long)
                || r.GetFieldType(4) != typeof(long) || r.GetFieldType(5) != typeof(long)
                || r.GetValue(6) is not byte[] blob || r.GetValue(7) is not byte[] sum)
                return new ShardRow(rowId, -1, -1, -1, -1, -1, null, false);
            long p = r.GetInt64(1), s = r.GetInt64(2), f = r.GetInt64(3), c = r.GetInt64(4), t = r.GetInt64(5);
            bool ok = sum.AsSpan().SequenceEqual(ShardChecksum(key, p, s, f, c, t, blob)) && p is >= 0 and <= int.MaxValue && s is >= 0 and <= int.MaxValue
                && c is > 0 and <= int.MaxValue && f >= 0;
            var row = new ShardRow(rowId, p, s, f, c, t, withBlob ? blob : null, ok);
            return ok && !StatsValid(r, row, key) ? row with { Valid = false } : row;
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            return new ShardRow(rowId, -1, -1, -1, -1, -1, null, false);
        }
    }

    /// <summary>
    /// What is wrong with stored metadata, or null: its checksum fails, or it has none although its schema (from 4 on,
    /// or unreadable) always writes one.
    /// </summary>
    internal static string? MetaDamage(IReadOnlyDictionary<string, string> meta)
    {
        string? schema = meta.GetValueOrDefault("schema");
        if (meta.TryGetValue(MetaChecksumKey, out var sum))
        {
            var rest = new Dictionary<string, string>(meta);
            rest.Remove(MetaChecksumKey);
            if (sum != MetaChecksum(rest)) return "its metadata fails its checksum";
        }
        else if (int.TryParse(schema, out int v) && v >= StoreSchema.OldestReadableSchema || !int.TryParse(schema, out _))
            return "its metadata has no checksum";
        return null;
    }

    /// <summary>What a failed checksum may also mean from schema 7 on.</summary>
    internal const string NotOurs = " (damaged, or copied from another campaign or another store)";

    /// <summary>The row, or a <see cref="StoreDamagedException"/> naming it when it failed its checksums.</summary>
    internal static ShardRow Verified(ShardRow row, string dataSource) => row.Valid ? row : throw new StoreDamagedException(
        $"the campaign store '{dataSource}' is damaged: {(row.Point >= 0 ? $"shard (point {row.Point}, shard {row.Index})" : $"a shard row (rowid {row.RowId})")} fails its checksum{NotOurs}. Nothing was written from it; rerun `sweep run` on this folder to recompute the damaged shard.");

    /// <summary>
    /// One row of the statistics scan (rowid, point, shard, first_sample, count, stats, stats_sha256): its key and its
    /// statistics (null: not stored), verified against their checksum (which covers the key), or a
    /// <see cref="StoreDamagedException"/> naming the shard.
    /// </summary>
    internal static (ShardKey Key, byte[]? Statistics) ReadStatisticsRow(SqliteDataReader r, string dataSource, byte[]? key)
    {
        long rowId = r.GetInt64(0);
        byte[]? stats = null;
        bool ok;
        long p = -1, s = -1, f = -1, c = -1;
        try
        {
            ok = r.GetFieldType(1) == typeof(long) && r.GetFieldType(2) == typeof(long) && r.GetFieldType(3) == typeof(long) && r.GetFieldType(4) == typeof(long);
            if (ok)
            {
                (p, s, f, c) = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
                ok = p is >= 0 and <= int.MaxValue && s is >= 0 and <= int.MaxValue && c is > 0 and <= int.MaxValue && f >= 0;
            }
            if (ok && !(r.IsDBNull(5) && r.IsDBNull(6)))
            {
                ok = r.GetValue(5) is byte[] b && r.GetValue(6) is byte[] sum && sum.AsSpan().SequenceEqual(StatsChecksum(key, p, s, f, c, b));
                stats = ok ? (byte[])r.GetValue(5) : null;
            }
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException) { ok = false; }
        if (!ok)
            throw new StoreDamagedException($"the campaign store '{dataSource}' is damaged: {(p >= 0 && s >= 0 ? $"shard (point {p}, shard {s})" : $"a shard row (rowid {rowId})")} fails its checksum{NotOurs}. Nothing was written from it; rerun `sweep run` on this folder to recompute the damaged shard.");
        return (new ShardKey((int)p, (int)s, f, (int)c), stats);
    }

    /// <summary>Whether a row of the trace scan (point, sample, data, sha256) passes its checksum and holds whole (time, loss) pairs.</summary>
    internal static bool TraceValid(SqliteDataReader r, byte[]? key)
    {
        bool ok;
        try
        {
            ok = r.GetFieldType(0) == typeof(long) && r.GetFieldType(1) == typeof(long) && r.GetValue(2) is byte[] d && r.GetValue(3) is byte[] h
                && h.AsSpan().SequenceEqual(TraceChecksum(key, r.GetInt64(0), r.GetInt64(1), d)) && d.Length % 16 == 0;
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException) { ok = false; }
        return ok;
    }
}

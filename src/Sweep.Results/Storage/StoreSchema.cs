using Microsoft.Data.Sqlite;
using Sweep.Campaigns;
using static Sweep.Results.Storage.StoreIntegrity;

namespace Sweep.Results.Storage;

/// <summary>The store's schema versions, and the in-place upgrade a `run` applies to an older readable store.</summary>
internal static class StoreSchema
{
    // 2: a shard's samples in one blob (1 had a row per sample).
    // 3: shard blobs carry every column of SampleColumns (format 2); the column layout is recorded and checked too.
    // 4: SHA-256 checksums per shard row (over key, blob and trace count), per trace row and over the metadata.
    // 5: each shard row also holds its statistics (counts, labels, binned times: PointStatistics.ForShard), written in
    //    the same transaction, with their own checksum, so that `status` reads no sample. A schema-4 store is read as it
    //    is (its shards' statistics recomputed from their samples) and upgraded in place by the next `run`.
    // 6: shard blobs (format 3) carry their number of columns; a store whose columns are a prefix of this version's
    //    (columns are only appended: invariant_eigs, tail_rate) is read with the later cells missing, and a `run`
    //    upgrades it in place: its format-2 blobs keep their layout, recorded as "columns_format2".
    // 7: every shard, statistics and trace checksum is an HMAC-SHA256 keyed by the campaign's hash and the store's own
    //    random id ("store_id", made at creation), so a row copied from another campaign or store fails it
    //    (StoreIntegrity.RowKey). A store of schema 4-6 is read with its plain SHA-256 checksums, and a `run` upgrades it
    //    in place: its rows, verified by the repair with the old checksums, are rewritten with keyed ones.
    // 8: each shard row also holds what its samples cost (evaluations, hessians, hessian_samples: ShardCost), so that a
    //    resumed run prices its points (the allocation, the time to go) before it has solved any sample of them. Not
    //    covered by a checksum: they order the work and estimate its time, never a result; implausible ones are not used.
    //    Older stores get the columns empty (their shards' costs unknown) when a `run` upgrades them.
    internal const int SchemaVersion = 8;
    internal const int OldestReadableSchema = 4;

    /// <summary>
    /// The tables of a new store. The statistics columns come before the samples blob, so that reading them does not
    /// walk the blob's overflow pages (an upgraded store has them after it).
    /// </summary>
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS shards(point INTEGER NOT NULL, shard INTEGER NOT NULL, first_sample INTEGER NOT NULL, count INTEGER NOT NULL,
            finished_utc TEXT NOT NULL, worker TEXT NOT NULL, stats BLOB, stats_sha256 BLOB, evaluations INTEGER, hessians INTEGER,
            hessian_samples INTEGER, samples BLOB NOT NULL, traces INTEGER NOT NULL,
            sha256 BLOB NOT NULL, PRIMARY KEY(point, shard));
        CREATE TABLE IF NOT EXISTS traces(point INTEGER NOT NULL, sample INTEGER NOT NULL, data BLOB NOT NULL, sha256 BLOB NOT NULL, PRIMARY KEY(point, sample));
        """;

    /// <summary>
    /// The schema of stored metadata and the column count of its format-2 blobs, when this version reads them; a
    /// <see cref="UserError"/> (the store is left untouched) when another version wrote it.
    /// </summary>
    internal static (int Version, int? Format2Columns) Readable(IReadOnlyDictionary<string, string> meta, string path)
    {
        string? schema = meta.GetValueOrDefault("schema");
        if (!int.TryParse(schema, out int version) || version < OldestReadableSchema || version > SchemaVersion)
            throw new UserError($"the campaign store '{path}' was written by another version of sweep (store schema {schema ?? "?"}; this version reads schemas {OldestReadableSchema}–{SchemaVersion}). It is left untouched: read it with that version, or use a new --out directory.");
        int? columns = SampleColumns.PrefixLength(meta.GetValueOrDefault("columns") ?? "");
        int? format2 = SampleColumns.PrefixLength(meta.GetValueOrDefault("columns_format2") ?? meta.GetValueOrDefault("columns") ?? "");
        if (columns is null || format2 is null)
            throw new UserError($"the campaign store '{path}' was written by another version of sweep (its per-sample columns differ from this version's). It is left untouched: read it with that version, or use a new --out directory.");
        return (version, format2);
    }

    /// <summary>
    /// <see cref="Upgrade"/>, with SQLite's errors that are not corruption, a full disk or a read-only store (those keep
    /// their usual words, <see cref="StoreErrors.Describe"/>) named as a failed upgrade: its transaction rolled back, so
    /// the store is as the repair before it left it, not damaged. The caller disposes the store.
    /// </summary>
    internal static void UpgradeOrExplain(CampaignStore store, string path)
    {
        int from = store.Schema;
        try { Upgrade(store); }
        catch (SqliteException e) when (e.SqliteErrorCode is not (8 or 10 or 11 or 13 or 14 or 26))
        {
            throw new IOException($"cannot upgrade the campaign store '{path}' from schema {from} to {SchemaVersion} ({e.Message}); the upgrade was rolled back (it is one transaction), so the store is not damaged: read it with the version that wrote it, or rerun once the cause is gone.", e);
        }
    }

    /// <summary>
    /// Upgrades a schema-4 to -7 store (already repaired) to schema 8 in one transaction: from every older one the cost
    /// columns, empty; from 4 the statistics columns and each shard's statistics computed from its samples (when the
    /// horizons are known); from 4 or 5 the column layout of the blobs already stored (kept as "columns_format2") and this
    /// version's; from 4-6 a store id and every row's checksum rewritten keyed (<see cref="Rebind"/>); the schema in the
    /// metadata.
    /// </summary>
    /// <remarks>
    /// The added columns (statistics, costs) come after the samples blob, so reading them walks that blob's overflow
    /// pages: `status` and a resume on an upgraded store take time in proportion to the store (memory stays bounded);
    /// new stores declare them before it.
    /// </remarks>
    internal static void Upgrade(CampaignStore store)
    {
        using var tx = store.Connection.BeginTransaction();
        var updated = new Dictionary<string, string>(store.Meta);
        updated.Remove(MetaChecksumKey);
        int from = store.Schema;
        store.Exec("ALTER TABLE shards ADD COLUMN evaluations INTEGER; ALTER TABLE shards ADD COLUMN hessians INTEGER; ALTER TABLE shards ADD COLUMN hessian_samples INTEGER;", tx);
        if (from < 6)
        {
            // Schema 5 → 6: the blobs already stored keep their (format-2) layout; new ones record their column count.
            updated["columns_format2"] = updated.GetValueOrDefault("columns") ?? "";
            updated["columns"] = SampleColumns.Fingerprint;
            store.SetMeta("columns_format2", updated["columns_format2"], tx);
            store.SetMeta("columns", updated["columns"], tx);
        }
        if (from < 5)
        {
            store.Exec("ALTER TABLE shards ADD COLUMN stats BLOB; ALTER TABLE shards ADD COLUMN stats_sha256 BLOB;", tx);
            store.Schema = SchemaVersion;
            if (store.Horizons is not null)
            {
                var rows = new List<(long RowId, long Point, long Index, long First, long Count)>();
                using (var cmd = store.Connection.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "SELECT rowid, point, shard, first_sample, count FROM shards NOT INDEXED";
                    using var r = cmd.ExecuteReader();
                    while (r.Read()) rows.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
                }
                foreach (var row in rows)
                {
                    var samples = store.ReadShard(new ShardKey((int)row.Point, (int)row.Index, row.First, (int)row.Count), tx);
                    var stats = store.ShardStatistics((int)row.Point, samples);
                    if (stats is null) continue;
                    store.ExecWith("UPDATE shards SET stats = $s, stats_sha256 = $h WHERE rowid = $r", tx,
                        ("$s", stats), ("$h", StatsChecksum(null, row.Point, row.Index, row.First, row.Count, stats)), ("$r", row.RowId));
                }
            }
        }
        store.Schema = SchemaVersion;
        if (from < 7) Rebind(store, tx, updated);
        FinishUpgrade(store, tx, updated);
    }

    /// <summary>
    /// Schema 7: gives the store its random id and rewrites every shard, statistics and trace checksum keyed by it and the
    /// campaign's hash. The rows were verified with their plain checksums by the repair just before; one blob is held at
    /// a time.
    /// </summary>
    private static void Rebind(CampaignStore store, SqliteTransaction tx, Dictionary<string, string> updated)
    {
        string id = NewStoreId();
        var key = RowKey(id, updated["hash"]);
        RewriteChecksums(store, tx, key);
        updated[StoreIdKey] = id;
        store.SetMeta(StoreIdKey, id, tx);
        store.RowKey = key;
    }

    /// <summary>Every shard, statistics and trace checksum rewritten keyed by <paramref name="key"/> (rows already verified); one blob held at a time.</summary>
    internal static void RewriteChecksums(CampaignStore store, SqliteTransaction tx, byte[] key)
    {
        foreach (long rowId in RowIds(store, tx, "shards"))
        {
            long p, s, f, c, t;
            byte[] blob;
            byte[]? stats;
            using (var cmd = store.Connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT point, shard, first_sample, count, traces, samples, stats FROM shards WHERE rowid = $r";
                cmd.Parameters.AddWithValue("$r", rowId);
                using var r = cmd.ExecuteReader();
                r.Read();
                (p, s, f, c, t) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
                blob = (byte[])r.GetValue(5);
                stats = r.IsDBNull(6) ? null : (byte[])r.GetValue(6);
            }
            store.ExecWith("UPDATE shards SET sha256 = $h, stats_sha256 = $sh WHERE rowid = $r", tx,
                ("$h", ShardChecksum(key, p, s, f, c, t, blob)), ("$sh", stats is null ? DBNull.Value : StatsChecksum(key, p, s, f, c, stats)), ("$r", rowId));
        }
        foreach (long rowId in RowIds(store, tx, "traces"))
        {
            byte[] sum;
            using (var cmd = store.Connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT point, sample, data FROM traces WHERE rowid = $r";
                cmd.Parameters.AddWithValue("$r", rowId);
                using var r = cmd.ExecuteReader();
                r.Read();
                sum = TraceChecksum(key, r.GetInt64(0), r.GetInt64(1), (byte[])r.GetValue(2));
            }
            store.ExecWith("UPDATE traces SET sha256 = $h WHERE rowid = $r", tx, ("$h", sum), ("$r", rowId));
        }
    }

    private static List<long> RowIds(CampaignStore store, SqliteTransaction tx, string table)
    {
        var ids = new List<long>();
        using var cmd = store.Connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT rowid FROM {table} NOT INDEXED";
        using var r = cmd.ExecuteReader();
        while (r.Read()) ids.Add(r.GetInt64(0));
        return ids;
    }

    /// <summary>Records the new schema and the metadata's checksum, and commits the upgrade.</summary>
    private static void FinishUpgrade(CampaignStore store, SqliteTransaction tx, Dictionary<string, string> updated)
    {
        updated["schema"] = SchemaVersion.ToString();
        string sum = MetaChecksum(updated);
        store.SetMeta("schema", SchemaVersion.ToString(), tx);
        store.SetMeta(MetaChecksumKey, sum, tx);
        tx.Commit();
        updated[MetaChecksumKey] = sum;
        store.Meta = updated;
    }
}

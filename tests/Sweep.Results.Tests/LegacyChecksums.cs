using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Sweep.Results.Tests;

/// <summary>
/// Turns a store's rows back into what schemas 4–6 wrote: plain SHA-256 row checksums (over the same bytes as the keyed
/// ones), no store id and no cost columns (schema 8's). The caller then sets the schema and reseals the metadata.
/// </summary>
internal static class LegacyChecksums
{
    public static void Unkey(SqliteConnection db)
    {
        DropCosts(db);
        bool hasStats = Columns(db, "shards").Contains("stats");
        var shards = new List<(long RowId, byte[] Sum, byte[]? StatsSum)>();
        using (var c = db.CreateCommand())
        {
            c.CommandText = $"SELECT rowid, point, shard, first_sample, count, traces, samples, {(hasStats ? "stats" : "NULL")} FROM shards";
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                long p = r.GetInt64(1), s = r.GetInt64(2), f = r.GetInt64(3), n = r.GetInt64(4), t = r.GetInt64(5);
                var stats = r.IsDBNull(7) ? null : (byte[])r.GetValue(7);
                shards.Add((r.GetInt64(0), Sha([p, s, f, n, t], (byte[])r.GetValue(6)), stats is null ? null : Sha([p, s, f, n], stats)));
            }
        }
        foreach (var (rowId, sum, statsSum) in shards)
            Exec(db, $"UPDATE shards SET sha256 = $h{(hasStats ? ", stats_sha256 = $s" : "")} WHERE rowid = $r", ("$h", sum), ("$s", (object?)statsSum ?? DBNull.Value), ("$r", rowId));
        var traces = new List<(long, byte[])>();
        using (var c = db.CreateCommand())
        {
            c.CommandText = "SELECT rowid, point, sample, data FROM traces";
            using var r = c.ExecuteReader();
            while (r.Read()) traces.Add((r.GetInt64(0), Sha([r.GetInt64(1), r.GetInt64(2)], (byte[])r.GetValue(3))));
        }
        foreach (var (rowId, sum) in traces) Exec(db, "UPDATE traces SET sha256 = $h WHERE rowid = $r", ("$h", sum), ("$r", rowId));
        Exec(db, "DELETE FROM meta WHERE key IN ('store_id', 'meta_sha256')");
    }

    /// <summary>The shards table as schemas 4–7 declared it: without schema 8's cost columns.</summary>
    public static void DropCosts(SqliteConnection db) =>
        Exec(db, "ALTER TABLE shards DROP COLUMN evaluations; ALTER TABLE shards DROP COLUMN hessians; ALTER TABLE shards DROP COLUMN hessian_samples;");

    private static byte[] Sha(long[] fields, byte[] blob)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(fields.AsSpan()));
        h.AppendData(blob);
        return h.GetHashAndReset();
    }

    private static HashSet<string> Columns(SqliteConnection db, string table)
    {
        var set = new HashSet<string>();
        using var c = db.CreateCommand();
        c.CommandText = $"PRAGMA table_info({table})";
        using var r = c.ExecuteReader();
        while (r.Read()) set.Add(r.GetString(1));
        return set;
    }

    public static void Exec(SqliteConnection db, string sql, params (string Name, object Value)[] args)
    {
        using var c = db.CreateCommand();
        c.CommandText = sql;
        foreach (var (n, v) in args) c.Parameters.AddWithValue(n, v);
        c.ExecuteNonQuery();
    }
}

using Sweep.Campaigns;
using static Sweep.Results.Storage.StoreIntegrity;

namespace Sweep.Results.Storage;

/// <summary>
/// The repair a resume runs before it trusts a store: damaged shards are deleted (with their traces) so that the ledger
/// sees them as not done and recomputes them — each sample is reproducible from (seed, point, sample).
/// </summary>
internal static class StoreRepair
{
    /// <summary>
    /// For a resume: SQLite's full integrity check (indexes against tables included), then every shard and trace checked
    /// against its checksum; damaged shards are deleted with their traces, so they are recomputed.
    /// </summary>
    internal static IReadOnlyList<string> Run(CampaignStore store, string path)
    {
        var check = store.Scalar("PRAGMA integrity_check;")?.ToString();
        if (check != "ok") throw new StoreDamagedException($"the campaign store '{path}' is corrupted ({check}); it will not be reused. Move it aside and rerun to start over.");
        var good = new List<ShardRow>();
        var badRows = new List<long>();
        var repaired = new List<string>();
        var seen = new HashSet<(long, long)>();
        using (var cmd = store.Connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT {store.ShardColumns} FROM shards NOT INDEXED";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var row = ReadShardRow(r, withBlob: false, store.RowKey);
                if (row.Valid && seen.Add((row.Point, row.Index))) good.Add(row);
                else
                {
                    badRows.Add(row.RowId);
                    repaired.Add(row.Point >= 0 ? $"point {row.Point}, shard {row.Index}: checksum mismatch{(store.RowKey is null ? "" : NotOurs)}" : $"a shard row (rowid {row.RowId}) is unreadable");
                }
            }
        }
        // Traces: each verified on its own, then counted against the shard that owns it.
        var traceCount = new Dictionary<(long, long), long>();
        var badTraces = new List<long>();
        var byPoint = good.GroupBy(g => g.Point).ToDictionary(g => g.Key, g => g.OrderBy(x => x.First).ToArray());
        using (var cmd = store.Connection.CreateCommand())
        {
            cmd.CommandText = "SELECT rowid, point, sample, data, sha256 FROM traces NOT INDEXED";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                long rowId = r.GetInt64(0);
                bool ok;
                long p = -1, n = -1;
                try
                {
                    ok = r.GetFieldType(1) == typeof(long) && r.GetFieldType(2) == typeof(long) && r.GetValue(3) is byte[] data && r.GetValue(4) is byte[] sum
                        && sum.AsSpan().SequenceEqual(TraceChecksum(store.RowKey, p = r.GetInt64(1), n = r.GetInt64(2), data));
                }
                catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException) { ok = false; }
                if (!ok) { badTraces.Add(rowId); continue; }
                if (byPoint.TryGetValue(p, out var shards) && Owner(shards, n) is { } owner)
                    traceCount[(owner.Point, owner.Index)] = traceCount.GetValueOrDefault((owner.Point, owner.Index)) + 1;
            }
        }
        var damaged = good.Where(g => traceCount.GetValueOrDefault((g.Point, g.Index)) != g.Traces).ToList();
        foreach (var d in damaged) repaired.Add($"point {d.Point}, shard {d.Index}: its traces are damaged or missing");
        if (badRows.Count == 0 && badTraces.Count == 0 && damaged.Count == 0) return [];
        using var tx = store.Connection.BeginTransaction();
        foreach (long rowId in badRows.Concat(damaged.Select(d => d.RowId))) store.ExecWith("DELETE FROM shards WHERE rowid = $r", tx, ("$r", rowId));
        foreach (long rowId in badTraces) store.ExecWith("DELETE FROM traces WHERE rowid = $r", tx, ("$r", rowId));
        foreach (var d in damaged)
            store.ExecWith("DELETE FROM traces WHERE point = $p AND sample >= $f AND sample < $e", tx, ("$p", d.Point), ("$f", d.First), ("$e", d.First + d.Count));
        tx.Commit();
        if (badTraces.Count > 0 && damaged.Count == 0 && badRows.Count == 0)
            repaired.Add($"{badTraces.Count} damaged trace(s) deleted");
        return repaired;
    }

    private static ShardRow? Owner(ShardRow[] sortedByFirst, long sample)
    {
        int lo = 0, hi = sortedByFirst.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            var s = sortedByFirst[mid];
            if (sample < s.First) hi = mid - 1;
            else if (sample >= s.First + s.Count) lo = mid + 1;
            else return s;
        }
        return null;
    }
}

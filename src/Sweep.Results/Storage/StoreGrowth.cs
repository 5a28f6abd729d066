using Sweep.Campaigns;
using static Sweep.Results.Storage.StoreIntegrity;

namespace Sweep.Results.Storage;

/// <summary>
/// Records a grown campaign (<see cref="CampaignGrowth"/>) in a store, in one transaction: the stored shards whose key
/// the new plan cuts differently are deleted with their traces (a point's last, short shard when its samples were not a
/// multiple of shard_size: the new plan's shard of that index is longer), every other row's checksum is rewritten bound
/// to the new hash (<see cref="StoreIntegrity.RowKey"/>: rows stay bound to their campaign, now the grown one), and the
/// metadata gets the new campaign, its hash and one more line of its growth history ("grown"). A kill leaves the old
/// campaign or the new one, never a mix. The rows were verified with the old key by the repair just before.
/// </summary>
internal static class StoreGrowth
{
    /// <summary>The metadata key of the growth history: one line per growth (UTC time, hashes, what changed).</summary>
    internal const string HistoryKey = "grown";

    /// <summary>Applies <paramref name="growth"/>; returns the number of shards deleted to be recomputed.</summary>
    internal static int Apply(CampaignStore store, string campaignJson, Growth growth)
    {
        using var tx = store.Connection.BeginTransaction();
        var cut = new List<(long RowId, long Point, long First, long Count)>();
        using (var cmd = store.Connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT rowid, point, shard, first_sample, count FROM shards NOT INDEXED";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                long p = r.GetInt64(1), index = r.GetInt64(2), first = r.GetInt64(3), count = r.GetInt64(4);
                bool planned = growth.Plan.OrderOf((int)p, (int)index) >= 0;
                var key = planned ? growth.Plan.Shard((int)p, (int)index) : null;
                if (key is null || key.FirstSample != first || key.Count != count) cut.Add((r.GetInt64(0), p, first, count));
            }
        }
        foreach (var (rowId, p, first, count) in cut)
        {
            store.ExecWith("DELETE FROM shards WHERE rowid = $r", tx, ("$r", rowId));
            store.ExecWith("DELETE FROM traces WHERE point = $p AND sample >= $f AND sample < $e", tx, ("$p", p), ("$f", first), ("$e", first + count));
        }
        var updated = new Dictionary<string, string>(store.Meta);
        updated.Remove(MetaChecksumKey);
        string before = updated["hash"];
        var rowKey = RowKey(updated[StoreIdKey], growth.Hash);
        StoreSchema.RewriteChecksums(store, tx, rowKey);
        string line = $"{DateTime.UtcNow:O} {before[..Math.Min(12, before.Length)]} → {growth.Hash[..12]}: {growth.Describe()}";
        updated["campaign"] = campaignJson;
        updated["hash"] = growth.Hash;
        updated[HistoryKey] = updated.TryGetValue(HistoryKey, out var history) ? history + "\n" + line : line;
        foreach (var k in new[] { "campaign", "hash", HistoryKey }) store.SetMeta(k, updated[k], tx);
        string sum = MetaChecksum(updated);
        store.SetMeta(MetaChecksumKey, sum, tx);
        tx.Commit();
        updated[MetaChecksumKey] = sum;
        store.Meta = updated;
        store.RowKey = rowKey;
        return cut.Count;
    }
}

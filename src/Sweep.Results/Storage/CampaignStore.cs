using System.Text;
using Microsoft.Data.Sqlite;
using Sweep.Campaigns;
using static Sweep.Results.Storage.StoreErrors;
using static Sweep.Results.Storage.StoreIntegrity;
using static Sweep.Results.Storage.StoreSchema;

namespace Sweep.Results.Storage;

/// <summary>
/// The durable state of a campaign in DIR/campaign.db (SQLite, WAL, synchronous=FULL): the normalised campaign and
/// its hash, and every finished shard keyed by (point, shard) with all its samples (<see cref="ShardBlob"/>) and
/// traces. A shard is written in one transaction, so a kill at any moment leaves either all of a shard or none of it,
/// and everything derived (statistics, summary.json, samples.csv) can be rebuilt from the stored samples.
/// <para>
/// Every row carries a checksum (<see cref="StoreIntegrity"/>) that every read verifies: a reader (status, report,
/// export) refuses a damaged store naming the shard; a resume (<see cref="OpenForCampaign"/>) deletes damaged shards
/// to be recomputed (<see cref="StoreRepair"/>) and reports them in <see cref="Repaired"/>, then upgrades an older
/// schema (<see cref="StoreSchema"/>). Damaged metadata is a failure.
/// </para>
/// </summary>
public sealed partial class CampaignStore : IDisposable
{
    public const string FileName = "campaign.db";
    private readonly SqliteConnection _db;
    private int? _format2Columns;
    private IReadOnlyList<double>? _horizons;

    private CampaignStore(SqliteConnection db) => _db = db;

    // What the repair and the upgrade (StoreRepair, StoreSchema) work on.
    internal SqliteConnection Connection => _db;
    /// <summary>The schema of the stored rows (an older readable one until a `run` upgrades it).</summary>
    internal int Schema { get; set; } = SchemaVersion;
    /// <summary>The metadata as verified at open, with its checksum.</summary>
    internal Dictionary<string, string> Meta { get; set; } = new();
    internal IReadOnlyList<double>? Horizons => _horizons;
    /// <summary>The key of the rows' checksums (schema 7: bound to the campaign and this store); null: plain SHA-256 (schemas 4–6).</summary>
    internal byte[]? RowKey { get; set; }

    internal string ShardColumns => Schema >= 5
        ? "rowid, point, shard, first_sample, count, traces, samples, sha256, stats, stats_sha256"
        : "rowid, point, shard, first_sample, count, traces, samples, sha256, NULL, NULL";

    private const string StorageKey = "storage";

    /// <summary>
    /// Whether this store keeps per-shard statistics only (<c>"storage": "aggregate"</c>): its shard rows carry an empty
    /// sample blob, no traces, and their statistics; <see cref="ReadSamples"/> and <see cref="ReadShard(ShardKey)"/> refuse.
    /// </summary>
    public bool AggregateOnly => Meta.GetValueOrDefault(StorageKey) == "aggregate";

    /// <summary>What a reader of per-sample rows says of an aggregate store.</summary>
    public const string NoSamplesMessage =
        "stores per-shard statistics only (\"storage\": \"aggregate\"): it has no per-sample rows and no samples.csv; summary.json, `sweep status` and `sweep report` hold its aggregates";

    private void RefuseIfAggregate()
    {
        if (AggregateOnly) throw new UserError($"the campaign in '{Path.GetDirectoryName(_db.DataSource)}' {NoSamplesMessage}.");
    }

    /// <summary>Sample blobs decoded by this connection so far: the seam that shows `status` reads no sample.</summary>
    public long SampleBlobsRead { get; private set; }

    /// <summary>Whether shard rows carry their statistics (schema 5); a schema-4 store opened read-only does not.</summary>
    public bool HasShardStatistics => Schema >= 5;

    /// <summary>The growth recorded when this store was opened for a campaign that grows it (null: none).</summary>
    public Growth? Grown { get; private set; }

    /// <summary>Each growth of the stored campaign, oldest first: UTC time, the hashes before and after, what changed.</summary>
    public IReadOnlyList<string> GrowthHistory => TryGetMeta(StoreGrowth.HistoryKey)?.Split('\n') ?? [];

    /// <summary>Stored shards the growth deleted because the new plan cuts them longer (at most one per point), to be recomputed.</summary>
    public int RecomputedByGrowth { get; private set; }

    /// <summary>The shards found damaged when this store was opened for a resume, deleted to be recomputed (e.g. "point 0, shard 3: checksum mismatch").</summary>
    public IReadOnlyList<string> Repaired { get; private set; } = [];

    /// <summary>
    /// A second, read-only connection to this store (already checked when this one opened), for a reader on another
    /// thread: a connection is used by one thread at a time, and WAL lets a reader run beside the writer.
    /// </summary>
    public CampaignStore OpenReader()
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = _db.DataSource, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var db = new SqliteConnection(cs);
        db.Open();
        var reader = new CampaignStore(db) { Meta = Meta, Schema = Schema, RowKey = RowKey, _format2Columns = _format2Columns, _horizons = _horizons };
        reader.Exec("PRAGMA busy_timeout = 10000;");
        return reader;
    }

    public static string PathIn(string dir) => Path.Combine(dir, FileName);

    internal void ExecWith(string sql, SqliteTransaction tx, params (string Name, object Value)[] args)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        cmd.ExecuteNonQuery();
    }

    /// <summary>A shard's stored statistics, or null when the horizons are unknown (the store was opened without them).</summary>
    internal byte[]? ShardStatistics(int point, IReadOnlyList<SampleRecord> samples)
    {
        if (_horizons is null || point >= _horizons.Count) return null;
        return Statistics.PointStatistics.OfShard(point, _horizons[point], samples).Encode();
    }

    /// <summary>A metadata value, as verified when the store was opened.</summary>
    public string? TryGetMeta(string key) => key == MetaChecksumKey ? null : Meta.GetValueOrDefault(key);

    /// <summary>
    /// Sets one metadata entry (provenance, build list) and the metadata checksum over the new set, in one transaction,
    /// so a later open verifies it like the rest.
    /// </summary>
    public void SetMeta(string key, string value)
    {
        if (key == MetaChecksumKey) throw new ArgumentException("the metadata checksum is maintained by the store", nameof(key));
        var updated = new Dictionary<string, string>(Meta);
        updated.Remove(MetaChecksumKey);
        updated[key] = value;
        string sum = MetaChecksum(updated);
        using (var tx = _db.BeginTransaction())
        {
            SetMeta(key, value, tx);
            SetMeta(MetaChecksumKey, sum, tx);
            tx.Commit();
        }
        updated[MetaChecksumKey] = sum;
        Meta = updated;
    }

    internal void SetMeta(string key, string value, SqliteTransaction? tx)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>The stored shards, each verified against its checksum (a damaged one is a <see cref="StoreDamagedException"/>).</summary>
    public List<(int Point, int Index)> CompletedShards()
    {
        var list = new List<(int, int)>();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = $"SELECT {ShardColumns} FROM shards NOT INDEXED";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var row = Verified(ReadShardRow(r, withBlob: false, RowKey), _db.DataSource);
            list.Add(((int)row.Point, (int)row.Index));
        }
        return list;
    }

    /// <summary>
    /// What each stored shard's samples cost, where the store holds it (schema 8 on: shards stored by older versions have
    /// none) and it is plausible for the shard (the counts carry no checksum: they price work, never a result).
    /// </summary>
    public Dictionary<(int Point, int Index), Output.ShardCost> StoredShardCosts()
    {
        var costs = new Dictionary<(int Point, int Index), Output.ShardCost>();
        if (Schema < 8) return costs;
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT point, shard, count, evaluations, hessians, hessian_samples FROM shards NOT INDEXED";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            bool integers = true;
            for (int i = 0; i < 6; i++) integers &= !r.IsDBNull(i) && r.GetFieldType(i) == typeof(long);
            if (!integers) continue;     // empty (stored before schema 8) or not a count
            long point = r.GetInt64(0), index = r.GetInt64(1), count = r.GetInt64(2);
            var cost = new Output.ShardCost(r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));
            if (point is < 0 or > int.MaxValue || index is < 0 or > int.MaxValue || count is < 0 or > int.MaxValue || !cost.PlausibleFor((int)count)) continue;
            costs[((int)point, (int)index)] = cost;
        }
        return costs;
    }

    /// <summary>Writes a shard's samples and marks it done, atomically. False when it was already done (nothing is written).</summary>
    public bool CommitShard(ShardKey shard, IReadOnlyList<SampleRecord> samples, string worker) => CommitShards([(shard, samples, worker)])[0];

    /// <summary>Several shards in one transaction (one sync to disk for all: the coordinator's group commit); per shard, whether it was new.</summary>
    public bool[] CommitShards(IReadOnlyList<(ShardKey Shard, IReadOnlyList<SampleRecord> Samples, string Worker)> batch) =>
        CommitShards(batch.Select(b => (b.Shard, b.Samples, b.Worker, (Output.ShardOutput?)null)).ToArray());

    /// <summary>
    /// As above, with each shard's blob and statistics already encoded where it was solved (<see cref="Output.ShardOutput"/>;
    /// null: encoded here from the samples). The samples then only supply the traces.
    /// </summary>
    public bool[] CommitShards(IReadOnlyList<(ShardKey Shard, IReadOnlyList<SampleRecord> Samples, string Worker, Output.ShardOutput? Encoded)> batch)
    {
        using var tx = _db.BeginTransaction();
        var accepted = new bool[batch.Count];
        for (int i = 0; i < batch.Count; i++) accepted[i] = InsertShard(tx, batch[i].Shard, batch[i].Samples, batch[i].Worker, batch[i].Encoded);
        tx.Commit();
        return accepted;
    }

    private bool InsertShard(SqliteTransaction tx, ShardKey shard, IReadOnlyList<SampleRecord> samples, string worker, Output.ShardOutput? encoded)
    {
        using (var check = _db.CreateCommand())
        {
            check.Transaction = tx;
            check.CommandText = "SELECT 1 FROM shards WHERE point = $p AND shard = $s";
            check.Parameters.AddWithValue("$p", shard.Point);
            check.Parameters.AddWithValue("$s", shard.Index);
            if (check.ExecuteScalar() is not null) return false;
        }
        long traces = 0;
        // Aggregate storage: the shard's statistics only (an empty blob keeps the row's shape and checksum).
        bool aggregate = AggregateOnly;
        foreach (var s in samples.Where(s => !aggregate && s.TraceTime is not null))
        {
            var data = TraceBlob.Encode(s.TraceTime!, s.TraceLoss!);
            ExecWith("INSERT OR REPLACE INTO traces(point, sample, data, sha256) VALUES ($p, $n, $d, $h)", tx,
                ("$p", s.Point), ("$n", s.Sample), ("$d", data), ("$h", TraceChecksum(RowKey, s.Point, s.Sample, data)));
            traces++;
        }
        var blob = aggregate ? Array.Empty<byte>() : encoded?.Blob ?? ShardBlob.Encode(samples);
        var stats = encoded is not null && _horizons is not null ? encoded.Statistics : ShardStatistics(shard.Point, samples);
        if (aggregate && stats is null) throw new InvalidOperationException("an aggregate store needs the points' horizons to store statistics");
        var cost = Output.ShardCost.Of(encoded, samples);
        ExecWith("INSERT INTO shards(point, shard, first_sample, count, finished_utc, worker, samples, traces, sha256, stats, stats_sha256, evaluations, hessians, hessian_samples) VALUES ($p, $s, $f, $c, $t, $w, $d, $n, $h, $st, $sh, $ce, $ch, $cs)", tx,
            ("$ce", cost.Evaluations), ("$ch", cost.Hessians), ("$cs", cost.HessianSamples),
            ("$st", (object?)stats ?? DBNull.Value),
            ("$sh", stats is null ? DBNull.Value : StatsChecksum(RowKey, shard.Point, shard.Index, shard.FirstSample, shard.Count, stats)),
            ("$p", shard.Point), ("$s", shard.Index), ("$f", shard.FirstSample), ("$c", shard.Count), ("$t", DateTime.UtcNow.ToString("O")), ("$w", worker),
            ("$d", blob), ("$n", traces), ("$h", ShardChecksum(RowKey, shard.Point, shard.Index, shard.FirstSample, shard.Count, traces, blob)));
        return true;
    }

    /// <summary>All stored samples (of one point, or of all), ordered by (point, sample); traces are not included.</summary>
    /// <remarks>
    /// Streamed shard by shard: the shards' keys are read and ordered first (a few numbers each), then each shard's blob
    /// is fetched by its row id, so memory holds one shard's samples at a time (sorting the rows themselves would make
    /// SQLite hold every blob). Every shard is verified against its checksum; a damaged one is a
    /// <see cref="StoreDamagedException"/> naming it.
    /// </remarks>
    public IEnumerable<SampleRecord> ReadSamples(int? point = null)
    {
        RefuseIfAggregate();
        return ReadSamplesOfStore(point);
    }

    private IEnumerable<SampleRecord> ReadSamplesOfStore(int? point)
    {
        var keys = new List<(long Point, long First, long RowId)>();
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = "SELECT rowid, point, first_sample FROM shards NOT INDEXED";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                // A damaged key is caught by the checksum when its row is read below.
                long p = r.GetFieldType(1) == typeof(long) ? r.GetInt64(1) : -1, f = r.GetFieldType(2) == typeof(long) ? r.GetInt64(2) : -1;
                if (point is null || p == point) keys.Add((p, f, r.GetInt64(0)));
            }
        }
        keys.Sort();
        foreach (var key in keys)
        {
            ShardRow row;
            using (var cmd = _db.CreateCommand())
            {
                cmd.CommandText = $"SELECT {ShardColumns} FROM shards WHERE rowid = $r";
                cmd.Parameters.AddWithValue("$r", key.RowId);
                using var r = cmd.ExecuteReader();
                if (!r.Read()) throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: a shard row (rowid {key.RowId}) vanished while it was read.");
                row = Verified(ReadShardRow(r, withBlob: true, RowKey), _db.DataSource);
            }
            foreach (var s in Decode(row)) yield return s;
        }
    }

    /// <summary>A stored shard's key and its statistics (<see cref="Statistics.PointStatistics.Encode"/>); null statistics: not stored (schema 4).</summary>
    public sealed record StoredShard(ShardKey Key, byte[]? Statistics);

    /// <summary>
    /// Every stored shard's key and statistics, without its samples: what `status` needs. Statistics are verified against
    /// their checksum (which covers the key); a damaged row is a <see cref="StoreDamagedException"/> naming the shard.
    /// </summary>
    public IEnumerable<StoredShard> ReadShardStatistics()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = $"SELECT rowid, point, shard, first_sample, count, {(Schema >= 5 ? "stats, stats_sha256" : "NULL, NULL")} FROM shards NOT INDEXED";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var (key, stats) = ReadStatisticsRow(r, _db.DataSource, RowKey);
            yield return new StoredShard(key, stats);
        }
    }

    /// <summary>
    /// One stored shard's statistics, verified like <see cref="ReadShardStatistics"/> and against its key; a missing shard
    /// or one stored without statistics is a <see cref="StoreDamagedException"/>.
    /// </summary>
    public byte[] ReadShardStatistics(ShardKey shard)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = $"SELECT rowid, point, shard, first_sample, count, {(Schema >= 5 ? "stats, stats_sha256" : "NULL, NULL")} FROM shards WHERE point = $p AND shard = $s";
        cmd.Parameters.AddWithValue("$p", shard.Point);
        cmd.Parameters.AddWithValue("$s", shard.Index);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: shard (point {shard.Point}, shard {shard.Index}) is missing.");
        var (key, stats) = ReadStatisticsRow(r, _db.DataSource, RowKey);
        if (key != shard || stats is null)
            throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: shard (point {shard.Point}, shard {shard.Index}) {(stats is null ? "has no statistics" : "does not match its key")}.");
        return stats;
    }

    private List<SampleRecord> Decode(ShardRow row)
    {
        SampleBlobsRead++;
        try
        {
            var list = ShardBlob.Decode((int)row.Point, row.Blob!, _format2Columns);
            if (list.Count != row.Count || list.Count > 0 && (list[0].Sample != row.First || list[^1].Sample != row.First + row.Count - 1))
                throw new InvalidDataException($"it holds {list.Count} samples where {row.Count} from {row.First} were stored");
            return list;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or FormatException or DecoderFallbackException)
        {
            throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: shard (point {row.Point}, shard {row.Index}) cannot be decoded ({e.Message}).", e);
        }
    }

    /// <summary>The stored samples of one shard, in sample order.</summary>
    /// <remarks>Verified against its checksum and its key; a missing or damaged shard is a <see cref="StoreDamagedException"/>.</remarks>
    public List<SampleRecord> ReadShard(ShardKey shard)
    {
        RefuseIfAggregate();
        return ReadShard(shard, null);
    }

    internal List<SampleRecord> ReadShard(ShardKey shard, SqliteTransaction? tx)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT {ShardColumns} FROM shards WHERE point = $p AND shard = $s";
        cmd.Parameters.AddWithValue("$p", shard.Point);
        cmd.Parameters.AddWithValue("$s", shard.Index);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: shard (point {shard.Point}, shard {shard.Index}) is missing.");
        var row = Verified(ReadShardRow(r, withBlob: true, RowKey), _db.DataSource);
        if (row.Point != shard.Point || row.Index != shard.Index || row.First != shard.FirstSample || row.Count != shard.Count)
            throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: shard (point {shard.Point}, shard {shard.Index}) does not match its key.");
        return Decode(row);
    }

    /// <summary>Traced trajectories: (point, sample) → (time, loss).</summary>
    public List<(int Point, long Sample, double[] Time, double[] Loss)> ReadTraces()
    {
        var list = new List<(int, long, double[], double[])>();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT point, sample, data, sha256 FROM traces NOT INDEXED ORDER BY point, sample";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            bool ok = TraceValid(r, RowKey);
            if (!ok) throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: a trace fails its checksum{NotOurs}. Rerun `sweep run` on this folder to recompute it.");
            var (t, l) = TraceBlob.Decode((byte[])r.GetValue(2));
            list.Add((r.GetInt32(0), r.GetInt64(1), t, l));
        }
        return list;
    }

    public long SampleCount() => Convert.ToInt64(Scalar("SELECT COALESCE(SUM(count), 0) FROM shards NOT INDEXED"));


    internal void Exec(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    internal object? Scalar(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public void Dispose()
    {
        _db.Dispose();
        _readerLock?.Dispose();
    }
}

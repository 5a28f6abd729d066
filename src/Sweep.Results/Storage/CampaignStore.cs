using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Sweep.Campaigns;

namespace Sweep.Results.Storage;

/// <summary>
/// The durable state of a campaign in DIR/campaign.db (SQLite, WAL, synchronous=FULL): the normalised campaign and
/// its hash, and every finished shard keyed by (point, shard) with all its samples (<see cref="ShardBlob"/>) and
/// traces. A shard is written in one transaction, so a kill at any moment leaves either all of a shard or none of it,
/// and everything derived (statistics, summary.json, samples.csv) can be rebuilt from the stored samples.
/// <para>
/// Integrity: SQLite's own checks see page structure only, so every shard row carries a SHA-256 over its key, its
/// sample blob and the number of traces it stored, every trace row one over its key and data, and the metadata one
/// over all its keys and values. Every read verifies them. A reader (status, report, export) refuses a damaged store
/// naming the shard; a resume (<see cref="OpenForCampaign"/>) runs SQLite's full integrity check, deletes every
/// damaged shard (and its traces) so that the ledger sees it as not done and it is recomputed — each sample is
/// reproducible from (seed, point, sample) — and reports it in <see cref="Repaired"/>. Damaged metadata is a failure.
/// </para>
/// </summary>
public sealed class CampaignStore : IDisposable
{
    public const string FileName = "campaign.db";
    // 2: a shard's samples in one blob (1 had a row per sample).
    // 3: shard blobs carry every column of SampleColumns (format 2); the column layout is recorded and checked too.
    // 4: SHA-256 checksums per shard row (over key, blob and trace count), per trace row and over the metadata.
    // 5: each shard row also holds its statistics (counts, labels, binned times: PointStatistics.ForShard), written in
    //    the same transaction, with their own checksum, so that `status` reads no sample. A schema-4 store is read as it
    //    is (its shards' statistics recomputed from their samples) and upgraded in place by the next `run`.
    // 6: shard blobs (format 3) carry their number of columns; a store whose columns are a prefix of this version's
    //    (columns are only appended: invariant_eigs, tail_rate) is read with the later cells missing, and a `run`
    //    upgrades it in place: its format-2 blobs keep their layout, recorded as "columns_format2".
    private const int SchemaVersion = 6;
    private const int OldestReadableSchema = 4;
    private const string MetaChecksumKey = "meta_sha256";
    private readonly SqliteConnection _db;
    private Dictionary<string, string> _meta = new();

    private int _schema = SchemaVersion;
    private int? _format2Columns;
    private IReadOnlyList<double>? _horizons;

    private CampaignStore(SqliteConnection db) => _db = db;

    /// <summary>Sample blobs decoded by this connection so far: the seam that shows `status` reads no sample.</summary>
    public long SampleBlobsRead { get; private set; }

    /// <summary>Whether shard rows carry their statistics (schema 5); a schema-4 store opened read-only does not.</summary>
    public bool HasShardStatistics => _schema >= 5;

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
        var reader = new CampaignStore(db) { _meta = _meta, _schema = _schema, _format2Columns = _format2Columns, _horizons = _horizons };
        reader.Exec("PRAGMA busy_timeout = 10000;");
        return reader;
    }

    public static string PathIn(string dir) => Path.Combine(dir, FileName);

    /// <summary>
    /// Opens the store in <paramref name="dir"/> for this campaign, creating it when absent. A store of another campaign,
    /// of another schema or in a directory that cannot be written is a <see cref="UserError"/>; a damaged one or a full
    /// disk an <see cref="IOException"/>. <paramref name="horizons"/> (each point's t_max or max_iters) size the time
    /// histograms of the statistics stored with each shard; without them shards are stored without statistics and
    /// readers recompute those from the samples.
    /// </summary>
    public static (CampaignStore Store, bool Resumed) OpenForCampaign(string dir, string campaignJson, string hash, string name, string baseDirectory,
        IReadOnlyList<double>? horizons = null)
    {
        string path = PathIn(dir);
        bool exists = File.Exists(path);
        var store = Open(path, readOnly: false, mustExist: false);
        store._horizons = horizons;
        try
        {
            if (exists && store.TryGetMeta("hash") is { } stored)
            {
                if (stored != hash)
                {
                    string other = store.TryGetMeta("name") ?? "?";
                    store.Dispose();
                    throw new UserError(
                        $"'{dir}' holds a different campaign ('{other}', hash {stored[..Math.Min(12, stored.Length)]}…) than this file (hash {hash[..12]}…); the campaign file or its data changed since that run started. Use a new --out directory.");
                }
                store.Repair(path);
                if (store._schema < SchemaVersion) store.Upgrade();
                return (store, true);
            }
            using var tx = store._db.BeginTransaction();
            store.Exec("""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS shards(point INTEGER NOT NULL, shard INTEGER NOT NULL, first_sample INTEGER NOT NULL, count INTEGER NOT NULL,
                    finished_utc TEXT NOT NULL, worker TEXT NOT NULL, stats BLOB, stats_sha256 BLOB, samples BLOB NOT NULL, traces INTEGER NOT NULL,
                    sha256 BLOB NOT NULL, PRIMARY KEY(point, shard));
                CREATE TABLE IF NOT EXISTS traces(point INTEGER NOT NULL, sample INTEGER NOT NULL, data BLOB NOT NULL, sha256 BLOB NOT NULL, PRIMARY KEY(point, sample));
                """, tx);
            var meta = new Dictionary<string, string>
            {
                ["schema"] = SchemaVersion.ToString(),
                ["columns"] = SampleColumns.Fingerprint,
                ["name"] = name,
                ["campaign"] = campaignJson,
                ["base_dir"] = baseDirectory,
                ["created_utc"] = DateTime.UtcNow.ToString("O"),
                ["hash"] = hash,
            };
            foreach (var (k, v) in meta) store.SetMeta(k, v, tx);
            // In the same transaction: a store without its hash (and checksum) is an unfinished creation, redone next time.
            store.SetMeta(MetaChecksumKey, MetaChecksum(meta), tx);
            tx.Commit();
            meta[MetaChecksumKey] = MetaChecksum(meta);
            store._meta = meta;
            store._schema = SchemaVersion;
            return (store, false);
        }
        catch (SqliteException e)
        {
            store.Dispose();
            throw Describe(e, path);
        }
        catch (Exception e) when (e is IOException or InvalidCastException or FormatException or OverflowException or InvalidDataException)
        {
            store.Dispose();
            throw e as IOException ?? new StoreDamagedException($"the campaign store '{path}' is damaged ({e.Message}); it will not be reused. Move it aside and rerun to start over.", e);
        }
    }

    /// <summary>Opens an existing store; read-only (status, report, export) writes nothing (<see cref="OpenForReading"/>).</summary>
    public static CampaignStore Open(string path, bool readOnly, bool mustExist = true) =>
        readOnly ? OpenForReading(path) : Open(path, readOnly, mustExist, immutable: false);

    /// <summary>
    /// Opens a store for a reader, which never writes into the campaign folder — no journal, no lock or shared-memory
    /// file, no repair — so a read-only folder (an archive, a copy on a read-only disk, a folder without write
    /// permission, even for root) reads as well as a writable one. When no writer holds DIR/.lock and no write-ahead log
    /// is pending, SQLite opens the file as immutable (no locking at all), and the reader holds a shared lock on
    /// DIR/.lock meanwhile so that no writer can start under it. While a writer runs, a WAL reader beside it (the
    /// writer keeps the shared-memory file). A write-ahead log left by a killed writer can only be read by writing
    /// beside it: where the folder cannot be written that is a <see cref="UserError"/> saying how to fold it in.
    /// </summary>
    /// <param name="quickCheck">
    /// SQLite's quick_check reads every page (time in proportion to the store); `status`, which reads only the shards'
    /// statistics rows, each verified by its checksum, skips it (SQLite still reports any malformed page it meets).
    /// </param>
    public static CampaignStore OpenForReading(string path, bool quickCheck = true)
    {
        if (!File.Exists(path)) throw new UserError($"no campaign store at '{path}'");
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string lockPath = Path.Combine(dir, ".lock");
        FileStream? shared = null;
        bool writer = false;
        if (File.Exists(lockPath))
        {
            // .NET takes a shared flock for a read-only open (and fails at once where `run` holds its exclusive one).
            try { shared = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite); }
            catch (IOException) { writer = true; }
            catch (UnauthorizedAccessException) { }
        }
        var wal = new FileInfo(path + "-wal");
        bool walPending = wal.Exists && wal.Length > 0;
        try
        {
            var store = Open(path, readOnly: true, mustExist: true, immutable: !writer && !walPending, quickCheck);
            store._readerLock = shared;
            return store;
        }
        catch (UserError) when (walPending && !writer)
        {
            shared?.Dispose();
            throw new UserError($"'{path}-wal' holds shards of an interrupted run that SQLite can only read by writing beside it, and '{dir}' cannot be written. Resume the campaign with `sweep run` (which folds the log in), or read a writable copy of the folder.");
        }
        catch
        {
            shared?.Dispose();
            throw;
        }
    }

    private FileStream? _readerLock;

    private static CampaignStore Open(string path, bool readOnly, bool mustExist, bool immutable, bool quickCheck = true)
    {
        if (mustExist && !File.Exists(path)) throw new UserError($"no campaign store at '{path}'");
        string source = immutable ? FileUri(Path.GetFullPath(path)) + "?immutable=1" : path;
        var cs = new SqliteConnectionStringBuilder { DataSource = source, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        var db = new SqliteConnection(cs);
        try
        {
            db.Open();
            var store = new CampaignStore(db);
            store.Exec("PRAGMA busy_timeout = 10000;");
            if (!readOnly) store.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            if (quickCheck && File.Exists(path) && new FileInfo(path).Length > 0)
            {
                var check = store.Scalar("PRAGMA quick_check;")?.ToString();
                if (check != "ok")
                {
                    db.Dispose();
                    throw new IOException($"the campaign store '{path}' is corrupted ({check}); it will not be reused. Move it aside and rerun to start over.");
                }
            }
            store.LoadMeta(path);
            return store;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw Describe(e, path);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            db.Dispose();
            throw new StoreDamagedException($"the campaign store '{path}' is damaged ({e.Message}); it will not be reused. Move it aside and rerun to start over.", e);
        }
    }

    /// <summary>An SQLite URI for a path: every byte but unreserved ones and '/' percent-encoded (a '?', '#' or '%' in a name stays a name).</summary>
    private static string FileUri(string fullPath)
    {
        var sb = new StringBuilder("file:");
        foreach (byte b in Encoding.UTF8.GetBytes(fullPath))
        {
            char c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '/' or '.' or '-' or '_' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }

    /// <summary>
    /// Reads the metadata by a full scan (not through an index that damage could mislead) and verifies its checksum.
    /// A store of another schema is a <see cref="UserError"/>; damaged metadata a <see cref="StoreDamagedException"/>.
    /// </summary>
    private void LoadMeta(string path, bool retried = false)
    {
        var meta = new Dictionary<string, string>();
        try
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT key, value FROM meta NOT INDEXED";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (r.IsDBNull(0) || r.IsDBNull(1) || r.GetValue(0) is not string key || r.GetValue(1) is not string value || !meta.TryAdd(key, value))
                {
                    _db.Dispose();
                    throw Damaged(path, "its metadata is damaged");
                }
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1 && e.Message.Contains("no such table"))
        {
            // A new store, unless it already holds shards: then the metadata was lost to damage. A reader may also have
            // looked between a writer's creation and commit: if the metadata table exists now, read it again (once).
            // One statement, one snapshot: the meta table and the shard tables are seen at the same instant.
            long tables = Convert.ToInt64(Scalar("SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'meta') * 10 + (SELECT count(*) FROM sqlite_master WHERE name IN ('shards', 'traces'))"));
            if (!retried && tables >= 10)
            {
                LoadMeta(path, retried: true);
                return;
            }
            if (tables % 10 > 0)
            {
                _db.Dispose();
                throw Damaged(path, "its metadata table is missing");
            }
            _meta = meta;
            return;
        }
        if (meta.Count == 0) { _meta = meta; return; }
        string? schema = meta.GetValueOrDefault("schema");
        if (meta.TryGetValue(MetaChecksumKey, out var sum))
        {
            var rest = new Dictionary<string, string>(meta);
            rest.Remove(MetaChecksumKey);
            if (sum != MetaChecksum(rest))
            {
                _db.Dispose();
                throw Damaged(path, "its metadata fails its checksum");
            }
        }
        else if (int.TryParse(schema, out int v) && v >= OldestReadableSchema || !int.TryParse(schema, out _))
        {
            _db.Dispose();
            throw Damaged(path, "its metadata has no checksum");
        }
        if (!int.TryParse(schema, out int version) || version < OldestReadableSchema || version > SchemaVersion)
        {
            _db.Dispose();
            throw new UserError($"the campaign store '{path}' was written by another version of sweep (store schema {schema ?? "?"}; this version reads schemas {OldestReadableSchema}–{SchemaVersion}). It is left untouched: read it with that version, or use a new --out directory.");
        }
        _schema = version;
        int? columns = SampleColumns.PrefixLength(meta.GetValueOrDefault("columns") ?? "");
        int? format2 = SampleColumns.PrefixLength(meta.GetValueOrDefault("columns_format2") ?? meta.GetValueOrDefault("columns") ?? "");
        _format2Columns = format2;
        if (columns is null || format2 is null)
        {
            _db.Dispose();
            throw new UserError($"the campaign store '{path}' was written by another version of sweep (its per-sample columns differ from this version's). It is left untouched: read it with that version, or use a new --out directory.");
        }
        _meta = meta;
    }

    private static StoreDamagedException Damaged(string path, string what) =>
        new($"the campaign store '{path}' is damaged: {what}; it will not be reused. Move it aside and rerun to start over.");

    private static string MetaChecksum(IReadOnlyDictionary<string, string> meta)
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

    /// <summary>SHA-256 over a shard's key, its sample blob and the number of traces stored with it.</summary>
    private static byte[] ShardChecksum(long point, long index, long first, long count, long traces, byte[] blob) =>
        KeyedChecksum([point, index, first, count, traces], blob);

    /// <summary>SHA-256 over a shard's key and its statistics blob.</summary>
    private static byte[] StatsChecksum(long point, long index, long first, long count, byte[] stats) =>
        KeyedChecksum([point, index, first, count], stats);

    /// <summary>SHA-256 over the fields (8 bytes each, in this machine's byte order, as always written) and then the blob.</summary>
    private static byte[] KeyedChecksum(ReadOnlySpan<long> fields, byte[] blob)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(fields));
        h.AppendData(blob);
        return h.GetHashAndReset();
    }

    private static byte[] TraceChecksum(long point, long sample, byte[] data)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> head = stackalloc byte[16];
        BitConverter.TryWriteBytes(head, point);
        BitConverter.TryWriteBytes(head[8..], sample);
        h.AppendData(head);
        h.AppendData(data);
        return h.GetHashAndReset();
    }

    /// <summary>One row of the shards table as read by a full scan, with whether it (and its statistics, when stored) passed its checksums.</summary>
    private sealed record ShardRow(long RowId, long Point, long Index, long First, long Count, long Traces, byte[]? Blob, bool Valid);

    /// <summary>Whether a row's statistics (columns 8 and 9) are absent (both null) or pass their checksum.</summary>
    private static bool StatsValid(SqliteDataReader r, ShardRow row)
    {
        if (r.IsDBNull(8) && r.IsDBNull(9)) return true;
        return r.GetValue(8) is byte[] stats && r.GetValue(9) is byte[] sum && sum.AsSpan().SequenceEqual(StatsChecksum(row.Point, row.Index, row.First, row.Count, stats));
    }

    /// <summary>Reads one shards row defensively: a damaged record (a column of the wrong type) is an invalid row, not an exception.</summary>
    private static ShardRow ReadShardRow(SqliteDataReader r, bool withBlob)
    {
        long rowId = r.GetInt64(0);
        try
        {
            if (r.GetFieldType(1) != typeof(long) || r.GetFieldType(2) != typeof(long) || r.GetFieldType(3) != typeof(long)
                || r.GetFieldType(4) != typeof(long) || r.GetFieldType(5) != typeof(long)
                || r.GetValue(6) is not byte[] blob || r.GetValue(7) is not byte[] sum)
                return new ShardRow(rowId, -1, -1, -1, -1, -1, null, false);
            long p = r.GetInt64(1), s = r.GetInt64(2), f = r.GetInt64(3), c = r.GetInt64(4), t = r.GetInt64(5);
            bool ok = sum.AsSpan().SequenceEqual(ShardChecksum(p, s, f, c, t, blob)) && p is >= 0 and <= int.MaxValue && s is >= 0 and <= int.MaxValue
                && c is > 0 and <= int.MaxValue && f >= 0;
            var row = new ShardRow(rowId, p, s, f, c, t, withBlob ? blob : null, ok);
            return ok && !StatsValid(r, row) ? row with { Valid = false } : row;
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            return new ShardRow(rowId, -1, -1, -1, -1, -1, null, false);
        }
    }

    private string ShardColumns => _schema >= 5
        ? "rowid, point, shard, first_sample, count, traces, samples, sha256, stats, stats_sha256"
        : "rowid, point, shard, first_sample, count, traces, samples, sha256, NULL, NULL";

    /// <summary>
    /// Upgrades a schema-4 or -5 store (already repaired) to schema 6 in one transaction: from 4 the statistics columns
    /// and each shard's statistics computed from its samples (when the horizons are known); from 4 or 5 the column
    /// layout of the blobs already stored (kept as "columns_format2") and this version's; the schema in the metadata.
    /// </summary>
    /// <remarks>
    /// The added columns come after the samples blob, so reading them walks that blob's overflow pages: `status` on an
    /// upgraded store takes time in proportion to the store (memory stays bounded); new stores declare them before it.
    /// </remarks>
    private void Upgrade()
    {
        using var tx = _db.BeginTransaction();
        var updated = new Dictionary<string, string>(_meta);
        updated.Remove(MetaChecksumKey);
        if (_schema < 6)
        {
            // Schema 5 → 6: the blobs already stored keep their (format-2) layout; new ones record their column count.
            updated["columns_format2"] = updated.GetValueOrDefault("columns") ?? "";
            updated["columns"] = SampleColumns.Fingerprint;
            SetMeta("columns_format2", updated["columns_format2"], tx);
            SetMeta("columns", updated["columns"], tx);
        }
        if (_schema >= 5) { _schema = SchemaVersion; FinishUpgrade(tx, updated); return; }
        Exec("ALTER TABLE shards ADD COLUMN stats BLOB; ALTER TABLE shards ADD COLUMN stats_sha256 BLOB;", tx);
        _schema = SchemaVersion;
        if (_horizons is not null)
        {
            var rows = new List<(long RowId, long Point, long Index, long First, long Count)>();
            using (var cmd = _db.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT rowid, point, shard, first_sample, count FROM shards NOT INDEXED";
                using var r = cmd.ExecuteReader();
                while (r.Read()) rows.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
            }
            foreach (var row in rows)
            {
                var samples = ReadShard(new ShardKey((int)row.Point, (int)row.Index, row.First, (int)row.Count), tx);
                var stats = ShardStatistics((int)row.Point, samples);
                if (stats is null) continue;
                ExecWith("UPDATE shards SET stats = $s, stats_sha256 = $h WHERE rowid = $r", tx,
                    ("$s", stats), ("$h", StatsChecksum(row.Point, row.Index, row.First, row.Count, stats)), ("$r", row.RowId));
            }
        }
        FinishUpgrade(tx, updated);
    }

    /// <summary>Records the new schema and the metadata's checksum, and commits the upgrade.</summary>
    private void FinishUpgrade(SqliteTransaction tx, Dictionary<string, string> updated)
    {
        updated["schema"] = SchemaVersion.ToString();
        string sum = MetaChecksum(updated);
        SetMeta("schema", SchemaVersion.ToString(), tx);
        SetMeta(MetaChecksumKey, sum, tx);
        tx.Commit();
        updated[MetaChecksumKey] = sum;
        _meta = updated;
    }

    /// <summary>A shard's stored statistics, or null when the horizons are unknown (the store was opened without them).</summary>
    private byte[]? ShardStatistics(int point, IReadOnlyList<SampleRecord> samples)
    {
        if (_horizons is null || point >= _horizons.Count) return null;
        var stats = Statistics.PointStatistics.ForShard(point, _horizons[point]);
        foreach (var s in samples) stats.Add(s);
        return stats.Encode();
    }

    /// <summary>
    /// For a resume: SQLite's full integrity check (indexes against tables included), then every shard and trace checked
    /// against its checksum; damaged shards are deleted with their traces, so they are recomputed.
    /// </summary>
    private void Repair(string path)
    {
        var check = Scalar("PRAGMA integrity_check;")?.ToString();
        if (check != "ok") throw new StoreDamagedException($"the campaign store '{path}' is corrupted ({check}); it will not be reused. Move it aside and rerun to start over.");
        var good = new List<ShardRow>();
        var badRows = new List<long>();
        var repaired = new List<string>();
        var seen = new HashSet<(long, long)>();
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = $"SELECT {ShardColumns} FROM shards NOT INDEXED";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var row = ReadShardRow(r, withBlob: false);
                if (row.Valid && seen.Add((row.Point, row.Index))) good.Add(row);
                else
                {
                    badRows.Add(row.RowId);
                    repaired.Add(row.Point >= 0 ? $"point {row.Point}, shard {row.Index}: checksum mismatch" : $"a shard row (rowid {row.RowId}) is unreadable");
                }
            }
        }
        // Traces: each verified on its own, then counted against the shard that owns it.
        var traceCount = new Dictionary<(long, long), long>();
        var badTraces = new List<long>();
        var byPoint = good.GroupBy(g => g.Point).ToDictionary(g => g.Key, g => g.OrderBy(x => x.First).ToArray());
        using (var cmd = _db.CreateCommand())
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
                        && sum.AsSpan().SequenceEqual(TraceChecksum(p = r.GetInt64(1), n = r.GetInt64(2), data));
                }
                catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException) { ok = false; }
                if (!ok) { badTraces.Add(rowId); continue; }
                if (byPoint.TryGetValue(p, out var shards) && Owner(shards, n) is { } owner)
                    traceCount[(owner.Point, owner.Index)] = traceCount.GetValueOrDefault((owner.Point, owner.Index)) + 1;
            }
        }
        var damaged = good.Where(g => traceCount.GetValueOrDefault((g.Point, g.Index)) != g.Traces).ToList();
        foreach (var d in damaged) repaired.Add($"point {d.Point}, shard {d.Index}: its traces are damaged or missing");
        if (badRows.Count == 0 && badTraces.Count == 0 && damaged.Count == 0) return;
        using var tx = _db.BeginTransaction();
        foreach (long rowId in badRows.Concat(damaged.Select(d => d.RowId))) ExecWith("DELETE FROM shards WHERE rowid = $r", tx, ("$r", rowId));
        foreach (long rowId in badTraces) ExecWith("DELETE FROM traces WHERE rowid = $r", tx, ("$r", rowId));
        foreach (var d in damaged)
            ExecWith("DELETE FROM traces WHERE point = $p AND sample >= $f AND sample < $e", tx, ("$p", d.Point), ("$f", d.First), ("$e", d.First + d.Count));
        tx.Commit();
        if (badTraces.Count > 0 && damaged.Count == 0 && badRows.Count == 0)
            repaired.Add($"{badTraces.Count} damaged trace(s) deleted");
        Repaired = repaired;
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

    private void ExecWith(string sql, SqliteTransaction tx, params (string Name, object Value)[] args)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        cmd.ExecuteNonQuery();
    }

    /// <summary>What the user can fix is a <see cref="UserError"/>; damage and a full disk are failures.</summary>
    private static Exception Describe(SqliteException e, string path) => e.SqliteErrorCode switch
    {
        11 or 26 => new IOException($"the campaign store '{path}' is corrupted or not a database ({e.Message}); it will not be reused. Move it aside and rerun to start over.", e),
        13 => new IOException($"the disk holding '{path}' is full: {e.Message}", e),
        8 or 14 => new UserError($"cannot write the campaign store '{path}' (read-only or inaccessible directory): {e.Message}"),
        // Our queries are fixed: any other SQL error means the schema or a page was damaged.
        _ => new StoreDamagedException($"the campaign store '{path}' is damaged or unreadable ({e.Message}); it will not be reused. Move it aside and rerun to start over.", e),
    };

    /// <summary>A metadata value, as verified when the store was opened.</summary>
    public string? TryGetMeta(string key) => key == MetaChecksumKey ? null : _meta.GetValueOrDefault(key);

    /// <summary>
    /// Sets one metadata entry (provenance, build list) and the metadata checksum over the new set, in one transaction,
    /// so a later open verifies it like the rest.
    /// </summary>
    public void SetMeta(string key, string value)
    {
        if (key == MetaChecksumKey) throw new ArgumentException("the metadata checksum is maintained by the store", nameof(key));
        var updated = new Dictionary<string, string>(_meta);
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
        _meta = updated;
    }

    private void SetMeta(string key, string value, SqliteTransaction? tx)
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
            var row = Verified(ReadShardRow(r, withBlob: false));
            list.Add(((int)row.Point, (int)row.Index));
        }
        return list;
    }

    private ShardRow Verified(ShardRow row) => row.Valid ? row : throw new StoreDamagedException(
        $"the campaign store '{_db.DataSource}' is damaged: {(row.Point >= 0 ? $"shard (point {row.Point}, shard {row.Index})" : $"a shard row (rowid {row.RowId})")} fails its checksum. Nothing was written from it; rerun `sweep run` on this folder to recompute the damaged shard.");

    /// <summary>Writes a shard's samples and marks it done, atomically. False when it was already done (nothing is written).</summary>
    public bool CommitShard(ShardKey shard, IReadOnlyList<SampleRecord> samples, string worker) => CommitShards([(shard, samples, worker)])[0];

    /// <summary>Several shards in one transaction (one sync to disk for all: the coordinator's group commit); per shard, whether it was new.</summary>
    public bool[] CommitShards(IReadOnlyList<(ShardKey Shard, IReadOnlyList<SampleRecord> Samples, string Worker)> batch)
    {
        using var tx = _db.BeginTransaction();
        var accepted = new bool[batch.Count];
        for (int i = 0; i < batch.Count; i++) accepted[i] = InsertShard(tx, batch[i].Shard, batch[i].Samples, batch[i].Worker);
        tx.Commit();
        return accepted;
    }

    private bool InsertShard(SqliteTransaction tx, ShardKey shard, IReadOnlyList<SampleRecord> samples, string worker)
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
        foreach (var s in samples.Where(s => s.TraceTime is not null))
        {
            using var tr = _db.CreateCommand();
            tr.Transaction = tx;
            var data = EncodeTrace(s.TraceTime!, s.TraceLoss!);
            tr.CommandText = "INSERT OR REPLACE INTO traces(point, sample, data, sha256) VALUES ($p, $n, $d, $h)";
            tr.Parameters.AddWithValue("$p", s.Point);
            tr.Parameters.AddWithValue("$n", s.Sample);
            tr.Parameters.AddWithValue("$d", data);
            tr.Parameters.AddWithValue("$h", TraceChecksum(s.Point, s.Sample, data));
            tr.ExecuteNonQuery();
            traces++;
        }
        using (var mark = _db.CreateCommand())
        {
            mark.Transaction = tx;
            mark.CommandText = "INSERT INTO shards(point, shard, first_sample, count, finished_utc, worker, samples, traces, sha256, stats, stats_sha256) VALUES ($p, $s, $f, $c, $t, $w, $d, $n, $h, $st, $sh)";
            var blob = ShardBlob.Encode(samples);
            var stats = ShardStatistics(shard.Point, samples);
            mark.Parameters.AddWithValue("$st", (object?)stats ?? DBNull.Value);
            mark.Parameters.AddWithValue("$sh", stats is null ? DBNull.Value : StatsChecksum(shard.Point, shard.Index, shard.FirstSample, shard.Count, stats));
            mark.Parameters.AddWithValue("$p", shard.Point);
            mark.Parameters.AddWithValue("$s", shard.Index);
            mark.Parameters.AddWithValue("$f", shard.FirstSample);
            mark.Parameters.AddWithValue("$c", shard.Count);
            mark.Parameters.AddWithValue("$t", DateTime.UtcNow.ToString("O"));
            mark.Parameters.AddWithValue("$w", worker);
            mark.Parameters.AddWithValue("$d", blob);
            mark.Parameters.AddWithValue("$n", traces);
            mark.Parameters.AddWithValue("$h", ShardChecksum(shard.Point, shard.Index, shard.FirstSample, shard.Count, traces, blob));
            mark.ExecuteNonQuery();
        }
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
                row = Verified(ReadShardRow(r, withBlob: true));
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
        cmd.CommandText = $"SELECT rowid, point, shard, first_sample, count, {(_schema >= 5 ? "stats, stats_sha256" : "NULL, NULL")} FROM shards NOT INDEXED";
        using var r = cmd.ExecuteReader();
        while (r.Read())
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
                    ok = r.GetValue(5) is byte[] b && r.GetValue(6) is byte[] sum && sum.AsSpan().SequenceEqual(StatsChecksum(p, s, f, c, b));
                    stats = ok ? (byte[])r.GetValue(5) : null;
                }
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException) { ok = false; }
            if (!ok)
                throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: {(p >= 0 && s >= 0 ? $"shard (point {p}, shard {s})" : $"a shard row (rowid {rowId})")} fails its checksum. Nothing was written from it; rerun `sweep run` on this folder to recompute the damaged shard.");
            yield return new StoredShard(new ShardKey((int)p, (int)s, f, (int)c), stats);
        }
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
    public List<SampleRecord> ReadShard(ShardKey shard) => ReadShard(shard, null);

    private List<SampleRecord> ReadShard(ShardKey shard, SqliteTransaction? tx)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT {ShardColumns} FROM shards WHERE point = $p AND shard = $s";
        cmd.Parameters.AddWithValue("$p", shard.Point);
        cmd.Parameters.AddWithValue("$s", shard.Index);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: shard (point {shard.Point}, shard {shard.Index}) is missing.");
        var row = Verified(ReadShardRow(r, withBlob: true));
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
            bool ok;
            try
            {
                ok = r.GetFieldType(0) == typeof(long) && r.GetFieldType(1) == typeof(long) && r.GetValue(2) is byte[] d && r.GetValue(3) is byte[] h
                    && h.AsSpan().SequenceEqual(TraceChecksum(r.GetInt64(0), r.GetInt64(1), d)) && d.Length % 16 == 0;
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException) { ok = false; }
            if (!ok) throw new StoreDamagedException($"the campaign store '{_db.DataSource}' is damaged: a trace fails its checksum. Rerun `sweep run` on this folder to recompute it.");
            var (t, l) = DecodeTrace((byte[])r.GetValue(2));
            list.Add((r.GetInt32(0), r.GetInt64(1), t, l));
        }
        return list;
    }

    public long SampleCount() => Convert.ToInt64(Scalar("SELECT COALESCE(SUM(count), 0) FROM shards NOT INDEXED"));

    private static byte[] EncodeTrace(double[] t, double[] l)
    {
        var bytes = new byte[16 * t.Length];
        for (int i = 0; i < t.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(16 * i), t[i]);
            BitConverter.TryWriteBytes(bytes.AsSpan(16 * i + 8), l[i]);
        }
        return bytes;
    }

    private static (double[], double[]) DecodeTrace(byte[] b)
    {
        int n = b.Length / 16;
        var t = new double[n];
        var l = new double[n];
        for (int i = 0; i < n; i++) { t[i] = BitConverter.ToDouble(b, 16 * i); l[i] = BitConverter.ToDouble(b, 16 * i + 8); }
        return (t, l);
    }

    private void Exec(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
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

/// <summary>The store is damaged (a checksum, SQLite's own check, an undecodable record): a failure, exit code 1.</summary>
public sealed class StoreDamagedException : IOException
{
    public StoreDamagedException(string message) : base(message) { }
    public StoreDamagedException(string message, Exception inner) : base(message, inner) { }
}

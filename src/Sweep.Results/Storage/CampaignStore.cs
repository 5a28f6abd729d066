using Microsoft.Data.Sqlite;
using Sweep.Campaigns;

namespace Sweep.Results.Storage;

/// <summary>
/// The durable state of a campaign in DIR/campaign.db (SQLite, WAL, synchronous=FULL): the normalised campaign and
/// its hash, and every finished shard keyed by (point, shard) with all its samples (<see cref="ShardBlob"/>) and
/// traces. A shard is written in one transaction, so a kill at any moment leaves either all of a shard or none of it,
/// and everything derived (statistics, summary.json, samples.csv) can be rebuilt from the stored samples.
/// </summary>
public sealed class CampaignStore : IDisposable
{
    public const string FileName = "campaign.db";
    // 2: a shard's samples in one blob (1 had a row per sample).
    // 3: shard blobs carry every column of SampleColumns (format 2); the column layout is recorded and checked too.
    private const int SchemaVersion = 3;
    private readonly SqliteConnection _db;

    private CampaignStore(SqliteConnection db) => _db = db;

    /// <summary>
    /// A second, read-only connection to this store (already checked when this one opened), for a reader on another
    /// thread: a connection is used by one thread at a time, and WAL lets a reader run beside the writer.
    /// </summary>
    public CampaignStore OpenReader()
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = _db.DataSource, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var db = new SqliteConnection(cs);
        db.Open();
        var reader = new CampaignStore(db);
        reader.Exec("PRAGMA busy_timeout = 10000;");
        return reader;
    }

    public static string PathIn(string dir) => Path.Combine(dir, FileName);

    /// <summary>
    /// Opens the store in <paramref name="dir"/> for this campaign, creating it when absent. A store of another campaign,
    /// of another schema or in a directory that cannot be written is a <see cref="UserError"/>; a damaged one or a full
    /// disk an <see cref="IOException"/>.
    /// </summary>
    public static (CampaignStore Store, bool Resumed) OpenForCampaign(string dir, string campaignJson, string hash, string name, string baseDirectory)
    {
        string path = PathIn(dir);
        bool exists = File.Exists(path);
        var store = Open(path, readOnly: false, mustExist: false);
        try
        {
            if (exists && store.TryGetMeta("hash") is { } stored)
            {
                if (stored != hash)
                {
                    string other = store.TryGetMeta("name") ?? "?";
                    store.Dispose();
                    throw new UserError(
                        $"'{dir}' holds a different campaign ('{other}', hash {stored[..12]}…) than this file (hash {hash[..12]}…); the campaign file or its data changed since that run started. Use a new --out directory.");
                }
                return (store, true);
            }
            using var tx = store._db.BeginTransaction();
            store.Exec("""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS shards(point INTEGER NOT NULL, shard INTEGER NOT NULL, first_sample INTEGER NOT NULL, count INTEGER NOT NULL,
                    finished_utc TEXT NOT NULL, worker TEXT NOT NULL, samples BLOB NOT NULL, PRIMARY KEY(point, shard));
                CREATE TABLE IF NOT EXISTS traces(point INTEGER NOT NULL, sample INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(point, sample));
                """, tx);
            store.SetMeta("schema", SchemaVersion.ToString(), tx);
            store.SetMeta("columns", SampleColumns.Fingerprint, tx);
            store.SetMeta("name", name, tx);
            store.SetMeta("campaign", campaignJson, tx);
            store.SetMeta("base_dir", baseDirectory, tx);
            store.SetMeta("created_utc", DateTime.UtcNow.ToString("O"), tx);
            store.SetMeta("hash", hash, tx);     // last: a store without its hash is an unfinished creation, redone next time
            tx.Commit();
            return (store, false);
        }
        catch (SqliteException e)
        {
            store.Dispose();
            throw Describe(e, path);
        }
    }

    /// <summary>Opens an existing store (for status, report, export); read-only does not disturb a running campaign.</summary>
    public static CampaignStore Open(string path, bool readOnly, bool mustExist = true)
    {
        return Open(path, readOnly, mustExist, immutable: false);
    }

    private static CampaignStore Open(string path, bool readOnly, bool mustExist, bool immutable)
    {
        if (mustExist && !File.Exists(path)) throw new UserError($"no campaign store at '{path}'");
        string source = immutable ? "file:" + Path.GetFullPath(path) + "?immutable=1" : path;
        var cs = new SqliteConnectionStringBuilder { DataSource = source, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        var db = new SqliteConnection(cs);
        try
        {
            db.Open();
            var store = new CampaignStore(db);
            store.Exec("PRAGMA busy_timeout = 10000;");
            if (!readOnly) store.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            if (File.Exists(path) && new FileInfo(path).Length > 0)
            {
                var check = store.Scalar("PRAGMA quick_check;")?.ToString();
                if (check != "ok")
                {
                    db.Dispose();
                    throw new IOException($"the campaign store '{path}' is corrupted ({check}); it will not be reused. Move it aside and rerun to start over.");
                }
            }
            if (store.TryGetMeta("schema") is { } schema && schema != SchemaVersion.ToString())
            {
                db.Dispose();
                throw new UserError($"the campaign store '{path}' was written by another version of sweep (store schema {schema}; this version reads schema {SchemaVersion}). It is left untouched: read it with that version, or use a new --out directory.");
            }
            if (store.TryGetMeta("columns") is { } columns && columns != SampleColumns.Fingerprint)
            {
                db.Dispose();
                throw new UserError($"the campaign store '{path}' was written by another version of sweep (its per-sample columns differ from this version's). It is left untouched: read it with that version, or use a new --out directory.");
            }
            return store;
        }
        catch (SqliteException e) when (readOnly && !immutable && e.SqliteErrorCode == 14)
        {
            // A WAL database in a directory we cannot write to (a read-only disk, an archive) opens as immutable:
            // SQLite then reads it without the shared-memory file it cannot create. Only for readers.
            db.Dispose();
            return Open(path, readOnly, mustExist, immutable: true);
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw Describe(e, path);
        }
    }

    /// <summary>What the user can fix is a <see cref="UserError"/>; damage and a full disk are failures.</summary>
    private static Exception Describe(SqliteException e, string path) => e.SqliteErrorCode switch
    {
        11 or 26 => new IOException($"the campaign store '{path}' is corrupted or not a database ({e.Message}); it will not be reused. Move it aside and rerun to start over.", e),
        13 => new IOException($"the disk holding '{path}' is full: {e.Message}", e),
        8 or 14 => new UserError($"cannot write the campaign store '{path}' (read-only or inaccessible directory): {e.Message}"),
        _ => new IOException($"campaign store '{path}': {e.Message}", e),
    };

    public string? TryGetMeta(string key)
    {
        try
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            return cmd.ExecuteScalar() as string;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1) { return null; }   // no meta table yet
    }

    /// <summary>Sets one metadata entry in its own transaction (provenance, build list).</summary>
    public void SetMeta(string key, string value) => SetMeta(key, value, null);

    private void SetMeta(string key, string value, SqliteTransaction? tx)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    public List<(int Point, int Index)> CompletedShards()
    {
        var list = new List<(int, int)>();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT point, shard FROM shards";
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add((r.GetInt32(0), r.GetInt32(1)));
        return list;
    }

    /// <summary>Writes a shard's samples and marks it done, atomically. False when it was already done (nothing is written).</summary>
    public bool CommitShard(ShardKey shard, IReadOnlyList<SampleRecord> samples, string worker)
    {
        using var tx = _db.BeginTransaction();
        using (var check = _db.CreateCommand())
        {
            check.Transaction = tx;
            check.CommandText = "SELECT 1 FROM shards WHERE point = $p AND shard = $s";
            check.Parameters.AddWithValue("$p", shard.Point);
            check.Parameters.AddWithValue("$s", shard.Index);
            if (check.ExecuteScalar() is not null) return false;
        }
        foreach (var s in samples.Where(s => s.TraceTime is not null))
        {
            using var tr = _db.CreateCommand();
            tr.Transaction = tx;
            tr.CommandText = "INSERT OR IGNORE INTO traces(point, sample, data) VALUES ($p, $n, $d)";
            tr.Parameters.AddWithValue("$p", s.Point);
            tr.Parameters.AddWithValue("$n", s.Sample);
            tr.Parameters.AddWithValue("$d", EncodeTrace(s.TraceTime!, s.TraceLoss!));
            tr.ExecuteNonQuery();
        }
        using (var mark = _db.CreateCommand())
        {
            mark.Transaction = tx;
            mark.CommandText = "INSERT INTO shards(point, shard, first_sample, count, finished_utc, worker, samples) VALUES ($p, $s, $f, $c, $t, $w, $d)";
            mark.Parameters.AddWithValue("$p", shard.Point);
            mark.Parameters.AddWithValue("$s", shard.Index);
            mark.Parameters.AddWithValue("$f", shard.FirstSample);
            mark.Parameters.AddWithValue("$c", shard.Count);
            mark.Parameters.AddWithValue("$t", DateTime.UtcNow.ToString("O"));
            mark.Parameters.AddWithValue("$w", worker);
            mark.Parameters.AddWithValue("$d", ShardBlob.Encode(samples));
            mark.ExecuteNonQuery();
        }
        tx.Commit();
        return true;
    }

    /// <summary>All stored samples, ordered by (point, sample); traces are not included.</summary>
    public IEnumerable<SampleRecord> ReadSamples()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT point, samples FROM shards ORDER BY point, first_sample";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            foreach (var s in ShardBlob.Decode(r.GetInt32(0), (byte[])r.GetValue(1)))
                yield return s;
    }

    /// <summary>The stored samples of one shard, in sample order.</summary>
    public List<SampleRecord> ReadShard(ShardKey shard)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT samples FROM shards WHERE point = $p AND shard = $s";
        cmd.Parameters.AddWithValue("$p", shard.Point);
        cmd.Parameters.AddWithValue("$s", shard.Index);
        return cmd.ExecuteScalar() is byte[] data ? ShardBlob.Decode(shard.Point, data) : [];
    }

    /// <summary>Traced trajectories: (point, sample) → (time, loss).</summary>
    public List<(int Point, long Sample, double[] Time, double[] Loss)> ReadTraces()
    {
        var list = new List<(int, long, double[], double[])>();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT point, sample, data FROM traces ORDER BY point, sample";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var (t, l) = DecodeTrace((byte[])r.GetValue(2));
            list.Add((r.GetInt32(0), r.GetInt64(1), t, l));
        }
        return list;
    }

    public long SampleCount() => (long)Scalar("SELECT COALESCE(SUM(count), 0) FROM shards")!;

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

    public void Dispose() => _db.Dispose();
}

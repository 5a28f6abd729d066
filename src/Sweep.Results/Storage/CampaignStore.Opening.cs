using System.Text;
using Microsoft.Data.Sqlite;
using Sweep.Campaigns;
using static Sweep.Results.Storage.StoreErrors;
using static Sweep.Results.Storage.StoreIntegrity;
using static Sweep.Results.Storage.StoreSchema;

namespace Sweep.Results.Storage;

/// <summary>
/// Opening a <see cref="CampaignStore"/>: for a campaign's run (created, resumed, repaired, upgraded or grown), or for
/// reading only (no file written, never through a symbolic link), with its metadata verified.
/// </summary>
public sealed partial class CampaignStore
{
    /// <summary>
    /// Opens the store in <paramref name="dir"/> for this campaign, creating it when absent. A store of another campaign,
    /// of another schema or in a directory that cannot be written is a <see cref="UserError"/>; a damaged one or a full
    /// disk an <see cref="IOException"/>. <paramref name="horizons"/> (each point's t_max or max_iters) size the time
    /// histograms of the statistics stored with each shard; without them shards are stored without statistics and
    /// readers recompute those from the samples.
    /// </summary>
    /// <param name="legacyHash">Also accepted as this campaign's: the hash the file had before the flow integrator auto
    /// existed (<see cref="Campaign.LegacyHash"/>); the caller then runs it as it was run, by dp45.</param>
    /// <param name="grow">
    /// Asked when the store holds another hash, with the stored campaign (JSON, hash, base directory): the
    /// <see cref="Growth"/> that takes it to this campaign (<see cref="CampaignGrowth.Between"/>), null when it is
    /// another campaign (refused as before), or a <see cref="UserError"/> for a change that is not a growth. A growth is
    /// recorded after the repair (<see cref="StoreGrowth"/>) and reported in <see cref="Grown"/>.
    /// </param>
    /// <param name="admit">
    /// Called with an existing store, opened read-only, before it is opened for writing: a <see cref="UserError"/> from it
    /// refuses the run with the files as they were — no repair, upgrade or growth, and a write-ahead log a killed run
    /// left stays pending (a read-write connection would fold it in on closing) (<see cref="StoreProvenance.RefuseOtherNumerics"/>).
    /// </param>
    public static (CampaignStore Store, bool Resumed) OpenForCampaign(string dir, string campaignJson, string hash, string name, string baseDirectory,
        IReadOnlyList<double>? horizons = null, string? legacyHash = null, StorageMode storage = StorageMode.Full,
        Func<string, string, string, Growth?>? grow = null, Action<CampaignStore>? admit = null)
    {
        string path = PathIn(dir);
        bool exists = File.Exists(path);
        if (exists && admit is not null && new FileInfo(path).Length > 0)
        {
            using var existing = Open(path, readOnly: true, mustExist: true, immutable: false, quickCheck: false);
            admit(existing);
        }
        var store = Open(path, readOnly: false, mustExist: false);
        store._horizons = horizons;
        try
        {
            if (exists && store.TryGetMeta("hash") is { } stored)
            {
                Growth? growth = null;
                if (stored != hash && stored != legacyHash)
                {
                    try { growth = grow?.Invoke(store.TryGetMeta("campaign") ?? "", stored, store.TryGetMeta("base_dir") ?? dir); }
                    catch { store.Dispose(); throw; }
                    if (growth is null)
                    {
                        string other = store.TryGetMeta("name") ?? "?";
                        store.Dispose();
                        throw new UserError(
                            $"'{dir}' holds a different campaign ('{other}', hash {stored[..Math.Min(12, stored.Length)]}…) than this file (hash {hash[..12]}…); the campaign file or its data changed since that run started (only samples, max_samples and target may grow). Use a new --out directory.");
                    }
                }
                store.Repaired = StoreRepair.Run(store, path);
                if (store.Schema < SchemaVersion) StoreSchema.UpgradeOrExplain(store, path);
                if (growth is not null)
                {
                    store.RecomputedByGrowth = StoreGrowth.Apply(store, campaignJson, growth);
                    store.Grown = growth;
                }
                return (store, true);
            }
            using var tx = store._db.BeginTransaction();
            store.Exec(Tables, tx);
            var meta = new Dictionary<string, string>
            {
                ["schema"] = SchemaVersion.ToString(),
                ["columns"] = SampleColumns.Fingerprint,
                ["name"] = name,
                ["campaign"] = campaignJson,
                ["base_dir"] = baseDirectory,
                ["created_utc"] = DateTime.UtcNow.ToString("O"),
                ["hash"] = hash,
                [StoreIdKey] = NewStoreId(),
            };
            // Only an aggregate store says so: a full store's metadata is what it always was.
            if (storage == StorageMode.Aggregate) meta[StorageKey] = "aggregate";
            foreach (var (k, v) in meta) store.SetMeta(k, v, tx);
            // In the same transaction: a store without its hash (and checksum) is an unfinished creation, redone next time.
            store.SetMeta(MetaChecksumKey, MetaChecksum(meta), tx);
            tx.Commit();
            meta[MetaChecksumKey] = MetaChecksum(meta);
            store.Meta = meta;
            store.Schema = SchemaVersion;
            store.RowKey = StoreIntegrity.RowKey(meta[StoreIdKey], hash);
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
        RefuseLinks(path);
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

    /// <summary>
    /// The store and SQLite's files beside it are opened only as what they are in DIR, never through a symbolic link:
    /// the folder's lock (DIR/.lock) guards DIR's files, and a link would let two campaign folders share one database
    /// under two different locks (SQLite itself follows links to the database but not to its journal). Anything but a
    /// regular file there is a <see cref="UserError"/>; nothing is opened.
    /// </summary>
    private static void RefuseLinks(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            var kind = FileKind.Of(file);
            if (kind is FileKind.Kind.Missing or FileKind.Kind.Regular) continue;
            throw new UserError($"'{UserError.Printable(file)}' is {FileKind.Describe(kind)}, not a regular file; sweep opens a campaign store only as the file itself in its folder. It is left untouched: replace it by the file it stands for.");
        }
    }

    private static CampaignStore Open(string path, bool readOnly, bool mustExist, bool immutable, bool quickCheck = true)
    {
        RefuseLinks(path);
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
            Meta = meta;
            return;
        }
        if (meta.Count == 0) { Meta = meta; return; }
        if (MetaDamage(meta) is { } damage)
        {
            _db.Dispose();
            throw Damaged(path, damage);
        }
        try { (Schema, _format2Columns) = Readable(meta, path); }
        catch (UserError)
        {
            _db.Dispose();
            throw;
        }
        if (Schema >= 7)
        {
            if (meta.GetValueOrDefault(StoreIdKey) is not { Length: > 0 } id || meta.GetValueOrDefault("hash") is not { Length: > 0 } hash)
            {
                _db.Dispose();
                throw Damaged(path, "its metadata has no store id or campaign hash");
            }
            RowKey = StoreIntegrity.RowKey(id, hash);
        }
        Meta = meta;
    }
}

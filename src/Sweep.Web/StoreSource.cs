using Sweep.Results.Storage;

namespace Sweep.Web;

/// <summary>
/// Where the live view reads a campaign's store from. Normally DIR itself: immutable when no writer runs, beside a
/// running writer through SQLite's write-ahead log (as `status` reads). One state is different: a writer that ended
/// while a reader was attached could not fold its write-ahead log into campaign.db, and a log can only be read through
/// a shared-memory file beside it, which SQLite would write in DIR at every reading. Then (no writer holding DIR/.lock,
/// a non-empty campaign.db-wal) the view reads a private copy of campaign.db and its log in a temporary folder, made
/// while it holds the readers' shared lock and made again only when the two files change.
/// </summary>
public sealed class StoreSource : IDisposable
{
    private readonly string _dir;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"sweep-serve-store-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly object _gate = new();
    private (long, DateTime, long, DateTime)? _copied;
    private string? _copy;
    private int _copies;

    public StoreSource(string dir) => _dir = dir;

    /// <summary>The folder to open the store in now: DIR, or a copy of its store when DIR holds a log no writer will fold in.</summary>
    public string Current()
    {
        lock (_gate)
        {
            string db = CampaignStore.PathIn(_dir);
            var wal = new FileInfo(db + "-wal");
            if (!wal.Exists || wal.Length == 0) return _dir;
            string lockPath = Path.Combine(_dir, ".lock");
            FileStream? shared = null;
            try
            {
                // A running writer holds an exclusive lock: read beside it, as it expects.
                try { shared = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite); }
                catch (IOException) when (File.Exists(lockPath)) { return _dir; }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                var info = new FileInfo(db);
                var key = (info.Length, info.LastWriteTimeUtc, wal.Length, wal.LastWriteTimeUtc);
                if (_copy is not null && _copied == key) return _copy;
                string copy = Path.Combine(_root, (++_copies).ToString());
                Directory.CreateDirectory(copy);
                File.Copy(db, CampaignStore.PathIn(copy));
                File.Copy(wal.FullName, CampaignStore.PathIn(copy) + "-wal");
                string? old = _copy;
                (_copy, _copied) = (copy, key);
                // The copy before last may still be open by a reading in flight; remove older ones.
                string stale = Path.Combine(_root, (_copies - 2).ToString());
                if (_copies > 2 && Directory.Exists(stale)) Directory.Delete(stale, recursive: true);
                return copy;
            }
            finally { shared?.Dispose(); }
        }
    }

    public void Dispose()
    {
        try { if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}

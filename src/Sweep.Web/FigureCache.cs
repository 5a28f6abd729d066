using Sweep.Reporting;

namespace Sweep.Web;

/// <summary>
/// The report's figures, drawn by <see cref="ReportBuilder"/> into a temporary folder of this process (never into the
/// campaign folder) and redrawn when the stored sample count has changed, at most every <see cref="MinInterval"/>, so
/// that a large campaign's report (a pass over its samples) does not run continuously. The folder is removed on dispose.
/// </summary>
public sealed class FigureCache : IDisposable
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(3);

    private readonly StoreSource _source;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"sweep-serve-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly object _gate = new();
    private Rendered _current = new(0, -1, [], "", false);
    private DateTime _last = DateTime.MinValue;

    /// <summary>One drawing of the report: its version (1, 2, …), the sample count it was drawn from, its figures and folder.</summary>
    public sealed record Rendered(int Version, long Samples, IReadOnlyList<string> Figures, string Folder, bool Partial);

    public FigureCache(StoreSource source) => _source = source;

    public Rendered Current { get { lock (_gate) return _current; } }

    public string? LastError { get; private set; }

    /// <summary>Redraws when <paramref name="samples"/> differs from the last drawing's count and the interval has passed.</summary>
    public void Refresh(long samples, bool force = false)
    {
        var current = Current;
        if (samples == current.Samples || (!force && DateTime.UtcNow - _last < MinInterval)) return;
        _last = DateTime.UtcNow;
        string folder = Path.Combine(_root, (current.Version + 1).ToString());
        try
        {
            var result = ReportBuilder.Build(_source.Current(), folder);
            lock (_gate) _current = new Rendered(current.Version + 1, samples, result.Figures, folder, result.Partial);
            LastError = null;
            // The previous drawing may still be read by a page: keep one back, remove the older ones.
            string stale = Path.Combine(_root, (current.Version - 1).ToString());
            if (current.Version > 1 && Directory.Exists(stale)) Directory.Delete(stale, recursive: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LastError = e.Message;
        }
    }

    /// <summary>The file of a figure of drawing <paramref name="version"/>, if it is still kept (name.svg or name.png).</summary>
    public string? File(int version, string file)
    {
        if (file.Contains('/') || file.Contains('\\') || file.StartsWith('.')) return null;
        string path = Path.Combine(_root, version.ToString(), file);
        return System.IO.File.Exists(path) ? path : null;
    }

    public void Dispose()
    {
        try { if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}

using Microsoft.Data.Sqlite;
using Sweep.Campaigns;

namespace Sweep.Results.Storage;

/// <summary>The store is damaged (a checksum, SQLite's own check, an undecodable record): a failure, exit code 1.</summary>
public sealed class StoreDamagedException : IOException
{
    public StoreDamagedException(string message) : base(message) { }
    public StoreDamagedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>How the store words its failures: one message shape for damage, and SQLite's errors sorted into what the user can fix and what fails.</summary>
internal static class StoreErrors
{
    internal static StoreDamagedException Damaged(string path, string what) =>
        new($"the campaign store '{path}' is damaged: {what}; it will not be reused. Move it aside and rerun to start over.");

    /// <summary>What the user can fix is a <see cref="UserError"/>; damage and a full disk are failures.</summary>
    internal static Exception Describe(SqliteException e, string path) => e.SqliteErrorCode switch
    {
        11 or 26 => new IOException($"the campaign store '{path}' is corrupted or not a database ({e.Message}); it will not be reused. Move it aside and rerun to start over.", e),
        // A full disk, or a write past a file size limit (EFBIG: SQLite says "disk I/O error"): nothing is damaged.
        10 or 13 => new IOException($"cannot write the campaign store '{path}': {Exhausted.Describe(e)}", e),
        8 or 14 => new UserError($"cannot write the campaign store '{path}' (read-only or inaccessible directory): {e.Message}"),
        // Our queries are fixed: any other SQL error means the schema or a page was damaged.
        _ => new StoreDamagedException($"the campaign store '{path}' is damaged or unreadable ({e.Message}); it will not be reused. Move it aside and rerun to start over.", e),
    };
}

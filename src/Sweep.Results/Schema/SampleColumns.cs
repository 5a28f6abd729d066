using System.Reflection;

namespace Sweep.Results;

/// <summary>
/// The per-sample columns, read once from <see cref="SampleRecord"/>'s <see cref="ColumnAttribute"/> properties in
/// declaration order. The CSV header and rows, the store blob, the Parquet schema and the wire format all iterate
/// this list, so they cannot disagree; a test round-trips a record through each.
/// </summary>
public static class SampleColumns
{
    public static IReadOnlyList<SampleColumn> All { get; } = Discover();

    /// <summary>The header line of every column (without newline); samples.csv has those of its <see cref="CsvLayout"/>.</summary>
    public static string CsvHeader { get; } = string.Join(',', All.Select(c => c.Name));

    /// <summary>Names and value types in order: stores record it, and refuse to read blobs of another layout.</summary>
    public static string Fingerprint { get; } = string.Join(';', All.Select(c => $"{c.Name}:{c.ValueType.Name}"));

    /// <summary>The text an enum value is written as in every codec (e.g. Outcome.Global → "global").</summary>
    public static string NameOf<TEnum>(TEnum value) where TEnum : struct, Enum =>
        All.OfType<EnumColumn<TEnum>>().FirstOrDefault()?.NameOf(value) ?? Enum.GetName(value)!.ToLowerInvariant();

    private static readonly int HessianAtIndex = All.First(c => c.Name == "hessian_at").Index;

    public static SampleColumn Named(string name) => All.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"no column '{name}'", nameof(name));

    /// <summary>Every column of <paramref name="record"/>, in order (the wire and the store blob).</summary>
    public static void WriteBinary(BinaryWriter w, SampleRecord record)
    {
        foreach (var c in All) c.WriteBinary(w, record);
    }

    /// <summary>
    /// Reads what <see cref="WriteBinary"/> wrote. <paramref name="intern"/>: equal strings share one instance.
    /// <paramref name="columns"/>: only the first ones were written (an older layout); the rest stay missing.
    /// </summary>
    public static SampleRecord ReadBinary(BinaryReader r, Dictionary<string, string>? intern = null, int? columns = null)
    {
        var record = new SampleRecord();
        int n = columns ?? All.Count;
        for (int i = 0; i < n; i++) All[i].ReadBinary(r, record, intern);
        // A layout from before hessian_at: every Hessian it holds was read at the stop state (nothing else existed).
        if (n <= HessianAtIndex && !double.IsNaN(record.HessianMin)) record = record with { HessianAt = "stop" };
        return record;
    }

    /// <summary>
    /// The number of columns of a recorded <see cref="Fingerprint"/> when that layout is this one's or a prefix of it
    /// (columns are only appended), else null.
    /// </summary>
    public static int? PrefixLength(string fingerprint)
    {
        var mine = Fingerprint.Split(';');
        var theirs = fingerprint.Split(';');
        return theirs.Length <= mine.Length && theirs.AsSpan().SequenceEqual(mine.AsSpan(0, theirs.Length)) ? theirs.Length : null;
    }

    /// <summary>One samples.csv line with its newline, formatted in place (no string per field).</summary>
    public static void WriteCsvRow(TextWriter w, SampleRecord record)
    {
        Span<char> buffer = stackalloc char[32];
        var all = All;
        for (int i = 0; i < all.Count; i++)
        {
            if (i > 0) w.Write(',');
            all[i].WriteCsv(w, record, buffer);
        }
        w.Write('\n');
    }

    /// <summary>Parses the fields of one samples.csv row (split per RFC 4180) back into a record.</summary>
    public static SampleRecord ParseCsvRow(IReadOnlyList<string> fields)
    {
        if (fields.Count != All.Count) throw new FormatException($"a samples.csv row has {All.Count} fields, this one {fields.Count}");
        var record = new SampleRecord();
        for (int i = 0; i < All.Count; i++) All[i].ParseCsv(fields[i], record);
        return record;
    }

    private static List<SampleColumn> Discover()
    {
        var columns = new List<SampleColumn>();
        foreach (var p in typeof(SampleRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (p.GetCustomAttribute<ColumnAttribute>() is not { } a) continue;
            var column = SampleColumn.For(p, a.Name, columns.Count);
            column.Presence = a.Presence;
            columns.Add(column);
        }
        return columns;
    }
}

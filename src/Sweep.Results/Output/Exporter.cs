using Parquet;
using Parquet.Schema;

namespace Sweep.Results.Output;

/// <summary>
/// Per-sample results for pandas, Julia and friends: CSV (exactly samples.csv) or Parquet with the same columns
/// (t_hit, critical_value and the floats of diverged samples are nulls where the CSV has empty cells), then one typed
/// column per swept parameter (<see cref="ParameterColumn"/>); a campaign without a sweep exports exactly samples.csv.
/// The Parquet file's key-value metadata holds the campaign's hash, its JSON and the provenance.
/// </summary>
public static class Exporter
{
    public static ParquetSchema Schema { get; } = new(SampleColumns.All.Select(c => c.ParquetField).ToArray());

    /// <summary>Rows per Parquet row group: a group is held in memory while it is written (about 200 bytes a row).</summary>
    public const int DefaultRowGroupSize = 1 << 18;

    /// <summary>Writes the samples (streamed, in order) as samples.csv; returns how many.</summary>
    /// <param name="layout">The campaign's samples.csv columns (<see cref="CsvLayout.For"/>); by default those every campaign has.</param>
    public static long WriteCsv(string path, IEnumerable<SampleRecord> samples, IReadOnlyList<ParameterColumn>? parameters = null, CsvLayout? layout = null)
    {
        long count = 0;
        layout ??= CsvLayout.Default;
        if (parameters is not { Count: > 0 })
        {
            OutputWriter.WriteSamplesCsv(path, samples.Select(s => { count++; return s; }), layout);
            return count;
        }
        using (var w = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16))
        {
            w.Write(layout.Header);
            foreach (var c in parameters) { w.Write(','); w.Write(OutputWriter.Quote(c.Name)); }
            w.Write('\n');
            var row = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
            foreach (var s in samples)
            {
                row.GetStringBuilder().Clear();
                layout.WriteRow(row, s);
                var sb = row.GetStringBuilder();
                if (sb.Length > 0 && sb[^1] == '\n') sb.Length--;
                foreach (var c in parameters) { sb.Append(','); sb.Append(c.Csv(s.Point)); }
                sb.Append('\n');
                w.Write(sb);
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Writes the samples (streamed, in order) as Parquet in row groups of <paramref name="rowGroupSize"/> rows, so memory
    /// holds one group; up to that many rows it is one group, as before. Returns how many.
    /// </summary>
    /// <param name="parameters">One column per swept parameter, after the samples' columns.</param>
    /// <param name="metadata">The file's key-value metadata (the campaign hash and JSON, the provenance).</param>
    public static async Task<long> WriteParquetAsync(string path, IEnumerable<SampleRecord> samples, int rowGroupSize = DefaultRowGroupSize,
        IReadOnlyList<ParameterColumn>? parameters = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        string tmp = path + ".tmp";
        long count = 0;
        parameters ??= [];
        var fields = parameters.Select(c => c.Field).ToArray();
        var schema = parameters.Count == 0 ? Schema : new ParquetSchema(Schema.DataFields.Concat(fields).ToArray());
        await using (var stream = File.Create(tmp))
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            if (metadata is not null) writer.CustomMetadata = metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
            var group = new List<SampleRecord>(Math.Min(rowGroupSize, 1 << 16));
            async Task Flush()
            {
                using var rg = writer.CreateRowGroup();
                foreach (var c in SampleColumns.All) await c.WriteParquetAsync(rg, group);
                for (int i = 0; i < parameters.Count; i++) await parameters[i].WriteAsync(rg, fields[i], group);
                count += group.Count;
                group.Clear();
            }
            foreach (var s in samples)
            {
                group.Add(s);
                if (group.Count == rowGroupSize) await Flush();
            }
            // An empty campaign still gets its (empty) row group, as before; a trailing partial group is written.
            if (group.Count > 0 || count == 0) await Flush();
        }
        File.Move(tmp, path, overwrite: true);
        return count;
    }

    /// <summary>Reads a file written by <see cref="WriteParquetAsync"/> back (for tests and tools).</summary>
    public static async Task<List<SampleRecord>> ReadParquetAsync(string path)
    {
        var list = new List<SampleRecord>();
        await using var reader = await ParquetReader.CreateAsync(path);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            var rows = new SampleRecord[(int)rg.RowCount];
            for (int i = 0; i < rows.Length; i++) rows[i] = new SampleRecord();
            foreach (var c in SampleColumns.All) await c.ReadParquetAsync(rg, rows);
            list.AddRange(rows);
        }
        return list;
    }
}

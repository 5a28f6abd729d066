using Parquet;
using Parquet.Schema;

namespace Sweep.Results.Output;

/// <summary>
/// Per-sample results for pandas, Julia and friends: CSV (exactly samples.csv) or Parquet with the same columns
/// (t_hit, critical_value and the floats of diverged samples are nulls where the CSV has empty cells).
/// </summary>
public static class Exporter
{
    public static ParquetSchema Schema { get; } = new(SampleColumns.All.Select(c => c.ParquetField).ToArray());

    /// <summary>Rows per Parquet row group: a group is held in memory while it is written (about 200 bytes a row).</summary>
    public const int DefaultRowGroupSize = 1 << 18;

    /// <summary>Writes the samples (streamed, in order) as samples.csv; returns how many.</summary>
    public static long WriteCsv(string path, IEnumerable<SampleRecord> samples)
    {
        long count = 0;
        OutputWriter.WriteSamplesCsv(path, samples.Select(s => { count++; return s; }));
        return count;
    }

    /// <summary>
    /// Writes the samples (streamed, in order) as Parquet in row groups of <paramref name="rowGroupSize"/> rows, so memory
    /// holds one group; up to that many rows it is one group, as before. Returns how many.
    /// </summary>
    public static async Task<long> WriteParquetAsync(string path, IEnumerable<SampleRecord> samples, int rowGroupSize = DefaultRowGroupSize)
    {
        string tmp = path + ".tmp";
        long count = 0;
        await using (var stream = File.Create(tmp))
        {
            await using var writer = await ParquetWriter.CreateAsync(Schema, stream);
            var group = new List<SampleRecord>(Math.Min(rowGroupSize, 1 << 16));
            async Task Flush()
            {
                using var rg = writer.CreateRowGroup();
                foreach (var c in SampleColumns.All) await c.WriteParquetAsync(rg, group);
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

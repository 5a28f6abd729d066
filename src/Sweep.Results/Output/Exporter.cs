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

    public static void WriteCsv(string path, IEnumerable<SampleRecord> samples) => OutputWriter.WriteSamplesCsv(path, samples);

    public static async Task WriteParquetAsync(string path, IReadOnlyList<SampleRecord> samples)
    {
        string tmp = path + ".tmp";
        await using (var stream = File.Create(tmp))
        {
            await using var writer = await ParquetWriter.CreateAsync(Schema, stream);
            using var rg = writer.CreateRowGroup();
            foreach (var c in SampleColumns.All) await c.WriteParquetAsync(rg, samples);
        }
        File.Move(tmp, path, overwrite: true);
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

using System.Text;

namespace Sweep.Results.Storage;

/// <summary>
/// The stored form of one shard's samples: format byte, number of columns, count, then those first columns of
/// <see cref="SampleColumns"/> for each sample in sample order (little-endian; doubles round-trip exactly, NaN
/// included). One row per shard costs a fraction of one row per sample. Traces are stored apart. Columns are only ever
/// appended, so a blob written with fewer columns decodes with the later ones missing (NaN, empty). Format 2 (store
/// schemas 3–5) had no column count: the store says how many its layout had.
/// </summary>
public static class ShardBlob
{
    private const byte Format = 3, CountlessFormat = 2;

    public static byte[] Encode(IReadOnlyList<SampleRecord> samples)
    {
        // About 150 bytes a sample (18 numeric columns, label, itinerary): sized so that the buffer rarely has to grow (and copy).
        using var buffer = new MemoryStream(64 + samples.Count * 192);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write(SampleColumns.All.Count);
            w.Write(samples.Count);
            foreach (var s in samples) SampleColumns.WriteBinary(w, s);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Decodes a shard of <paramref name="point"/>; labels repeat, so equal labels share one string.
    /// <paramref name="format2Columns"/>: the columns of a format-2 blob (the store's recorded layout).
    /// </summary>
    public static List<SampleRecord> Decode(int point, byte[] data, int? format2Columns = null)
    {
        using var r = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        byte format = r.ReadByte();
        int columns = format switch
        {
            Format => r.ReadInt32(),
            CountlessFormat => format2Columns ?? SampleColumns.All.Count,
            _ => throw new InvalidDataException($"unknown shard format {format}"),
        };
        if (columns < 1 || columns > SampleColumns.All.Count) throw new InvalidDataException($"a shard with {columns} columns (this version knows {SampleColumns.All.Count})");
        int count = r.ReadInt32();
        var list = new List<SampleRecord>(count);
        var labels = new Dictionary<string, string>();
        for (int i = 0; i < count; i++)
        {
            var s = SampleColumns.ReadBinary(r, labels, columns);
            if (s.Point != point) throw new InvalidDataException($"a shard of point {point} holds a sample of point {s.Point}");
            list.Add(s);
        }
        return list;
    }
}

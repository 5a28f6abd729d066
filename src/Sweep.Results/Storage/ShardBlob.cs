using System.Text;

namespace Sweep.Results.Storage;

/// <summary>
/// The stored form of one shard's samples: format byte, count, then every <see cref="SampleColumns"/> column of each
/// sample in sample order (little-endian; doubles round-trip exactly, NaN included). One row per shard costs a
/// fraction of one row per sample. Traces are stored apart.
/// </summary>
public static class ShardBlob
{
    private const byte Format = 2;

    public static byte[] Encode(IReadOnlyList<SampleRecord> samples)
    {
        using var buffer = new MemoryStream(16 + samples.Count * 96);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write(samples.Count);
            foreach (var s in samples) SampleColumns.WriteBinary(w, s);
        }
        return buffer.ToArray();
    }

    /// <summary>Decodes a shard of <paramref name="point"/>; labels repeat, so equal labels share one string.</summary>
    public static List<SampleRecord> Decode(int point, byte[] data)
    {
        using var r = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        byte format = r.ReadByte();
        if (format != Format) throw new InvalidDataException($"unknown shard format {format}");
        int count = r.ReadInt32();
        var list = new List<SampleRecord>(count);
        var labels = new Dictionary<string, string>();
        for (int i = 0; i < count; i++)
        {
            var s = SampleColumns.ReadBinary(r, labels);
            if (s.Point != point) throw new InvalidDataException($"a shard of point {point} holds a sample of point {s.Point}");
            list.Add(s);
        }
        return list;
    }
}

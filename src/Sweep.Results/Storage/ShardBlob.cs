using System.Text;

namespace Sweep.Results.Storage;

/// <summary>
/// The stored form of one shard's samples: a little-endian binary record per sample, in sample order (format 1:
/// sample index, status, label, final loss, critical value, stop time, hit time, steps, gradient evaluations, gradient
/// norm, invariant drift). One row per shard costs a fraction of one row per sample, and doubles round-trip exactly,
/// NaN included. Traces are stored apart.
/// </summary>
public static class ShardBlob
{
    private const byte Format = 1;

    public static byte[] Encode(IReadOnlyList<SampleRecord> samples)
    {
        using var buffer = new MemoryStream(16 + samples.Count * 90);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write(samples.Count);
            foreach (var s in samples)
            {
                w.Write(s.Sample);
                w.Write(s.Status);
                w.Write(s.Label);
                w.Write(s.FinalLoss); w.Write(s.CriticalValue); w.Write(s.StopTime); w.Write(s.HitTime);
                w.Write(s.Steps); w.Write(s.RhsEvaluations);
                w.Write(s.GradientNorm); w.Write(s.InvariantDrift);
            }
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
            long sample = r.ReadInt64();
            byte status = r.ReadByte();
            string label = r.ReadString();
            if (labels.TryGetValue(label, out var known)) label = known; else labels[label] = label;
            list.Add(new SampleRecord(point, sample, status, label, r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(),
                r.ReadInt64(), r.ReadInt64(), r.ReadDouble(), r.ReadDouble()));
        }
        return list;
    }
}

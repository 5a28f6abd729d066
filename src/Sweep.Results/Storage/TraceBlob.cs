namespace Sweep.Results.Storage;

/// <summary>A traced trajectory as stored: (time, loss) pairs of doubles, 16 bytes each, in this machine's byte order.</summary>
internal static class TraceBlob
{
    internal static byte[] Encode(double[] t, double[] l)
    {
        var bytes = new byte[16 * t.Length];
        for (int i = 0; i < t.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(16 * i), t[i]);
            BitConverter.TryWriteBytes(bytes.AsSpan(16 * i + 8), l[i]);
        }
        return bytes;
    }

    internal static (double[] Time, double[] Loss) Decode(byte[] b)
    {
        int n = b.Length / 16;
        var t = new double[n];
        var l = new double[n];
        for (int i = 0; i < n; i++) { t[i] = BitConverter.ToDouble(b, 16 * i); l[i] = BitConverter.ToDouble(b, 16 * i + 8); }
        return (t, l);
    }
}

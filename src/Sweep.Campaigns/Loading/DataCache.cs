using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

/// <summary>
/// Reads each CSV once and draws each random data set once, and remembers their content hashes (part of the
/// campaign's identity: the data actually used, not only the keys that chose them).
/// </summary>
internal sealed class DataCache(string baseDirectory)
{
    private readonly Dictionary<string, double[,]> _matrices = new();
    private readonly Dictionary<string, (double[,], double[,])> _random = new();
    public Dictionary<string, string> FileHashes { get; } = new();

    public (double[,] X, double[,] Y) Random(long seed, long replica, int dx, int dy, int m)
    {
        string key = $"random:replica={replica}:dx={dx}:dy={dy}:m={m}";
        if (_random.TryGetValue(key, out var drawn)) return drawn;
        drawn = Sweep.Numerics.Sampling.RandomData.Draw(seed, replica, dx, dy, m);
        var bytes = new byte[8 * (drawn.Item1.Length + drawn.Item2.Length)];
        Buffer.BlockCopy(drawn.Item1, 0, bytes, 0, 8 * drawn.Item1.Length);
        Buffer.BlockCopy(drawn.Item2, 0, bytes, 8 * drawn.Item1.Length, 8 * drawn.Item2.Length);
        FileHashes[key] = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        _random[key] = drawn;
        return drawn;
    }

    public double[,] Read(string relative, string field)
    {
        string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, relative));
        if (_matrices.TryGetValue(full, out var m)) return m;
        byte[] bytes;
        try
        {
            // Only regular files (a link to one is followed): a FIFO would block forever, a device never end.
            string target = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
            var kind = FileKind.Of(target);
            if (kind == FileKind.Kind.Missing) throw new FileNotFoundException($"Could not find file '{full}'.");
            if (kind != FileKind.Kind.Regular) throw Fail(field, $"'{relative}' is {FileKind.Describe(kind)}, not a regular file");
            using var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length > CampaignLoader.MaxDataFileBytes)
                throw Fail(field, $"'{relative}' is {stream.Length} bytes; data files of at most {CampaignLoader.MaxDataFileBytes} bytes (1 GiB) are supported");
            // Bounded even if the file grows while it is read.
            using var buffer = new MemoryStream((int)stream.Length);
            var chunk = new byte[1 << 16];
            int n;
            while ((n = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + n > CampaignLoader.MaxDataFileBytes) throw Fail(field, $"'{relative}' is larger than {CampaignLoader.MaxDataFileBytes} bytes (1 GiB), the most supported");
                buffer.Write(chunk, 0, n);
            }
            bytes = buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Fail(field, $"cannot read '{relative}': {e.Message}");
        }
        var rows = new List<double[]>();
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim().TrimStart('\uFEFF');
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            var row = new double[cells.Length];
            for (int j = 0; j < cells.Length; j++)
            {
                if (!double.TryParse(cells[j].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out row[j]))
                    throw Fail(field, $"'{relative}' line {i + 1}, column {j + 1}: '{cells[j].Trim()}' is not a number (no header row is allowed)");
                if (!double.IsFinite(row[j])) throw Fail(field, $"'{relative}' line {i + 1}, column {j + 1}: NaN or infinite value");
            }
            if (rows.Count > 0 && row.Length != rows[0].Length)
                throw Fail(field, $"'{relative}' line {i + 1} has {row.Length} values but the first row has {rows[0].Length}");
            rows.Add(row);
        }
        if (rows.Count == 0) throw Fail(field, $"'{relative}' is empty");
        m = new double[rows.Count, rows[0].Length];
        for (int i = 0; i < rows.Count; i++) for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        _matrices[full] = m;
        FileHashes[relative] = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        return m;
    }
}

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
        // A path is text the file system must take as a name: NUL and other control characters make .NET throw, not refuse.
        if (relative.Length == 0 || relative.Any(char.IsControl))
            throw Fail(field, $"'{BoundedInput.Quote(relative, 200)}' is not a file path (empty, or with control characters)");
        string full;
        try { full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, relative)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Fail(field, $"'{BoundedInput.Quote(relative, 200)}' is not a file path: {e.Message}");
        }
        if (_matrices.TryGetValue(full, out var m)) return m;
        string name = $"'{BoundedInput.Quote(relative, 200)}'";
        FileStream file;
        try { file = BoundedInput.OpenRegular(full, CampaignLoader.MaxDataFileBytes, name); }
        catch (UserError e) { throw Fail(field, e.Message); }
        using var _ = file;
        // The identity hashes the bytes as read; the hashing stream also stops a file that grows past the limit.
        using var hashed = new HashingStream(file, CampaignLoader.MaxDataFileBytes, () => Fail(field, $"{name} grew past {CampaignLoader.MaxDataFileBytes} bytes while it was read"));
        List<double[]> rows;
        try
        {
            using var reader = new StreamReader(hashed, BoundedInput.StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
            rows = ReadRows(reader, name, field);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(field, $"{name} is not valid UTF-8 text (an invalid byte at or after line {_line})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw Fail(field, $"cannot read {name}: {BoundedInput.Quote(e.Message, 200)}");
        }
        if (rows.Count == 0) throw Fail(field, $"{name} is empty");
        m = new double[rows.Count, rows[0].Length];
        for (int i = 0; i < rows.Count; i++) for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        _matrices[full] = m;
        FileHashes[relative] = Convert.ToHexString(hashed.Hash()).ToLowerInvariant();
        return m;
    }

    private long _line;

    /// <summary>
    /// The rows of a CSV of numbers, streamed: no line, cell or row is held beyond its limit (<see cref="MaxCellChars"/>,
    /// <see cref="MaxLineChars"/>, <see cref="MaxFieldsPerLine"/>, <see cref="MaxEntries"/>), so a hostile file is refused
    /// after at most those many characters, in bounded memory. Blank lines are skipped; a byte-order mark at a line's
    /// start and whitespace around a cell are ignored.
    /// </summary>
    private List<double[]> ReadRows(StreamReader reader, string name, string field)
    {
        var rows = new List<double[]>();
        var row = new List<double>();
        var cell = new char[MaxCellChars];
        int cellLength = 0, overflow = 0;
        long lineChars = 0, entries = 0;
        bool lineHasContent = false, cellHasContent = false;
        _line = 1;
        var buffer = new char[1 << 16];

        void EndCell()
        {
            if (row.Count >= MaxFieldsPerLine)
                throw Fail(field, $"{name} line {_line} has more than {MaxFieldsPerLine} values; at most that many are supported");
            var text = new string(cell, 0, cellLength).Trim();
            if (overflow > 0)
                throw Fail(field, $"{name} line {_line}, column {row.Count + 1}: a value longer than {MaxCellChars} characters ('{BoundedInput.Quote(text)}') is not a number");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x))
                throw Fail(field, $"{name} line {_line}, column {row.Count + 1}: '{BoundedInput.Quote(text)}' is not a number (no header row is allowed)");
            if (!double.IsFinite(x)) throw Fail(field, $"{name} line {_line}, column {row.Count + 1}: NaN or infinite value");
            row.Add(x);
            cellLength = 0;
            cellHasContent = false;
        }

        void EndLine()
        {
            if (lineHasContent)
            {
                EndCell();
                if (rows.Count > 0 && row.Count != rows[0].Length)
                    throw Fail(field, $"{name} line {_line} has {row.Count} values but the first row has {rows[0].Length}");
                entries += row.Count;
                if (entries > MaxEntries)
                    throw Fail(field, $"{name} has more than {MaxEntries:G3} values by line {_line}; at most that many are supported");
                rows.Add(row.ToArray());
                row.Clear();
            }
            _line++;
            lineChars = 0;
            lineHasContent = cellHasContent = false;
            cellLength = overflow = 0;
        }

        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                char c = buffer[i];
                if (c == '\n') { EndLine(); continue; }
                if (++lineChars > MaxLineChars)
                    throw Fail(field, $"{name} line {_line} is longer than {MaxLineChars} characters; at most that many are supported");
                if (c == ',') { lineHasContent = true; EndCell(); continue; }
                // Whitespace around a value is ignored (inside one it makes it no number); a byte-order mark may start a line.
                if (char.IsWhiteSpace(c) && !cellHasContent || c == '\uFEFF' && !lineHasContent) continue;
                lineHasContent = cellHasContent = true;
                if (cellLength < MaxCellChars) cell[cellLength++] = c;
                else { overflow = 1; EndCell(); }
            }
        }
        EndLine();
        return rows;
    }

    /// <summary>A number in a data file is at most this many characters (whitespace aside).</summary>
    public const int MaxCellChars = 64;
    /// <summary>A line of a data file is at most this many characters (with its whitespace).</summary>
    public const long MaxLineChars = 32L << 20;
    /// <summary>A line of a data file holds at most this many values: the examples m of X (d_x × m) and Y.</summary>
    public const int MaxFieldsPerLine = 1_000_000;
    /// <summary>A data file holds at most this many values (as many as a random data set, <see cref="CampaignLoader.MaxRandomEntries"/>).</summary>
    public const long MaxEntries = (long)CampaignLoader.MaxRandomEntries;

    /// <summary>A read-only stream that hashes (SHA-256) what passes through and refuses more than a limit of bytes.</summary>
    private sealed class HashingStream(Stream inner, long maxBytes, Func<Exception> tooLong) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _read;
        public byte[] Hash() => _hash.GetHashAndReset();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _read += n;
            if (_read > maxBytes) throw tooLong();
            _hash.AppendData(buffer[..n]);
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}

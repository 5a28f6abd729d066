using System.Text;

namespace Sweep.Campaigns;

/// <summary>
/// How a user's file is read: only a regular file (a link to one is followed; a FIFO would block forever, a device
/// never end), its size checked before a byte is parsed and again while it is read (a file may grow meanwhile), its text
/// decoded strictly as UTF-8 (an invalid byte is an error naming the file, never U+FFFD), and whatever of it an error
/// message echoes quoted short and printable (<see cref="Quote"/>).
/// </summary>
public static class BoundedInput
{
    /// <summary>UTF-8 that throws on an invalid byte instead of decoding it as U+FFFD, and writes no byte-order mark.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>At most this many characters of a user's text are echoed in a message (<see cref="Quote"/>).</summary>
    public const int QuoteLength = 40;

    /// <summary>
    /// Opens <paramref name="path"/> for reading when it is a regular file of at most <paramref name="maxBytes"/> bytes;
    /// otherwise a <see cref="UserError"/> that begins with <paramref name="what"/> (e.g. "campaign file 'c.json'").
    /// </summary>
    public static FileStream OpenRegular(string path, long maxBytes, string what)
    {
        try
        {
            string full = Path.GetFullPath(path);
            string target = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
            var kind = FileKind.Of(target);
            if (kind == FileKind.Kind.Missing) throw new UserError($"cannot read {what}: it does not exist");
            if (kind != FileKind.Kind.Regular) throw new UserError($"{what} is {FileKind.Describe(kind)}, not a regular file");
            var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length > maxBytes)
            {
                long length = stream.Length;
                stream.Dispose();
                throw new UserError($"{what} is {length} bytes; at most {maxBytes} bytes ({Size(maxBytes)}) are supported");
            }
            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserError($"cannot read {what}: {Printable(e.Message, 200)}");
        }
    }

    /// <summary>The whole file, bounded as <see cref="OpenRegular"/> says (also if it grows while it is read).</summary>
    public static byte[] ReadAll(string path, long maxBytes, string what)
    {
        using var stream = OpenRegular(path, maxBytes, what);
        try
        {
            using var buffer = new MemoryStream((int)Math.Min(stream.Length, int.MaxValue - 1));
            var chunk = new byte[1 << 16];
            int n;
            while ((n = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + n > maxBytes) throw new UserError($"{what} grew past {maxBytes} bytes ({Size(maxBytes)}) while it was read; at most that is supported");
                buffer.Write(chunk, 0, n);
            }
            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UserError($"cannot read {what}: {Printable(e.Message, 200)}");
        }
    }

    /// <summary>The text of <paramref name="bytes"/>, strictly UTF-8; a <see cref="UserError"/> naming the first invalid byte's offset.</summary>
    public static string Decode(byte[] bytes, string what)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException e)
        {
            string at = e.Index >= 0 ? $" at byte {e.Index}" : "";
            throw new UserError($"{what} is not valid UTF-8 text (an invalid byte{at})");
        }
    }

    /// <summary>
    /// A user's text as a message may echo it: control characters (escapes, newlines, NUL) as '?', and at most
    /// <paramref name="max"/> characters, the rest replaced by "…" and the total length.
    /// </summary>
    public static string Quote(string text, int max = QuoteLength) => Printable(text, max);

    internal static string Printable(string text, int max)
    {
        string head = text.Length > max ? text[..max] : text;
        if (head.Length > 0 && char.IsHighSurrogate(head[^1])) head = head[..^1];
        head = UserError.Printable(head);
        return text.Length > max ? $"{head}… ({text.Length} characters)" : head;
    }

    private static string Size(long bytes) => bytes >= 1L << 30 ? $"{bytes >> 30} GiB" : bytes >= 1L << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
}

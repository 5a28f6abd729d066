using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Sweep.Campaigns.Tests;

/// <summary>
/// A standing fuzz test of the loader (issue 27): seeded random mutations of every examples/*.json — byte flips,
/// truncations, type swaps, huge numbers, deep nesting, long strings, invalid UTF-8 — each read as the CLI reads a file
/// (strict UTF-8, then <see cref="CampaignLoader.Parse"/>). The result is a campaign or a <see cref="UserError"/>, never
/// another exception, within bounded time and memory.
/// </summary>
public class LoaderFuzzTests(ITestOutputHelper output)
{
    public const int Seed = 27;
    public const int MutationsPerExample = 30;

    public static string ExamplesDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ActorSweep.sln"))) return Path.Combine(d.FullName, "examples");
        throw new DirectoryNotFoundException("no ActorSweep.sln above the test binaries");
    }

    /// <summary>Reads mutated bytes as <see cref="CampaignLoader.Load"/> does: a <see cref="UserError"/> or a campaign, anything else escapes.</summary>
    public static Campaign? Read(byte[] bytes, string baseDirectory)
    {
        try
        {
            if (bytes.Length > CampaignLoader.MaxCampaignFileBytes) throw new UserError("too big");
            return CampaignLoader.Parse(BoundedInput.Decode(bytes, "campaign file"), baseDirectory);
        }
        catch (UserError) { return null; }
    }

    [Fact]
    public void Mutated_examples_load_or_are_refused_with_a_user_error()
    {
        var rng = new Random(Seed);
        var clock = Stopwatch.StartNew();
        int refused = 0, loaded = 0;
        long before = GC.GetTotalAllocatedBytes();
        foreach (var file in Directory.GetFiles(ExamplesDir(), "*.json").Order(StringComparer.Ordinal))
        {
            var original = File.ReadAllBytes(file);
            for (int i = 0; i < MutationsPerExample; i++)
            {
                var (kind, bytes) = Mutate(original, rng);
                var one = Stopwatch.StartNew();
                Campaign? c;
                try { c = Read(bytes, Path.GetDirectoryName(file)!); }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"{Path.GetFileName(file)} mutation {i} ({kind}): {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 2000)])}");
                }
                Assert.True(one.Elapsed < TimeSpan.FromSeconds(10), $"{Path.GetFileName(file)} mutation {i} ({kind}) took {one.Elapsed}");
                if (c is null) refused++; else loaded++;
                if (one.Elapsed > TimeSpan.FromMilliseconds(200)) output.WriteLine($"slow: {Path.GetFileName(file)} {kind} {one.ElapsedMilliseconds} ms {(c is null ? "refused" : "loaded")}");
            }
        }
        output.WriteLine($"{loaded} loaded, {refused} refused in {clock.Elapsed.TotalSeconds:F1} s, {(GC.GetTotalAllocatedBytes() - before) >> 20} MiB allocated");
        Assert.True(refused > 0 && loaded > 0);
    }

    private static readonly string[] Replacements =
    [
        "1e308", "-1e308", "1e400", "123456789012345678901234567890", "-0", "0", "-1", "0.5", "true", "null", "\"\"", "\"x\"",
        "[]", "{}", "[1, 2, 3]", "{\"a\": 1}", "NaN", "\"\\u0000\"", "\"\\ud800\"", "2147483648", "9223372036854775808",
    ];

    /// <summary>One random mutation of a campaign file, and its kind.</summary>
    public static (string Kind, byte[] Bytes) Mutate(byte[] original, Random rng)
    {
        var text = Encoding.UTF8.GetString(original);
        switch (rng.Next(8))
        {
            case 0:
            {
                var b = (byte[])original.Clone();
                for (int k = rng.Next(1, 4); k > 0; k--) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                return ("byte flips", b);
            }
            case 1:
                return ("truncation", original[..rng.Next(original.Length)]);
            case 2:
            {
                // A value (after a colon) swapped for another type or a huge number.
                var colons = Enumerable.Range(0, text.Length).Where(i => text[i] == ':').ToArray();
                int at = colons[rng.Next(colons.Length)] + 1;
                int end = at;
                int depth = 0;
                while (end < text.Length && !(depth == 0 && (text[end] == ',' || text[end] == '}')))
                {
                    if (text[end] is '[' or '{') depth++;
                    if (text[end] is ']' or '}') depth--;
                    end++;
                }
                return ("type swap", Encoding.UTF8.GetBytes(text[..at] + " " + Replacements[rng.Next(Replacements.Length)] + text[end..]));
            }
            case 3:
            {
                // Every number scaled by a huge or tiny power of ten.
                string exp = rng.Next(2) == 0 ? "e300" : "e-300";
                return ("huge numbers", Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(text, @"(?<=[:\[,]\s*)(\d+(\.\d+)?)(?=\s*[,\]}])", m => rng.Next(3) == 0 ? m.Value + exp : m.Value)));
            }
            case 4:
            {
                int depth = rng.Next(2) == 0 ? 70 : 5000;
                var nested = new string('[', depth) + "1" + new string(']', depth);
                int at = text.IndexOf(':', rng.Next(text.Length / 2)) + 1;
                if (at <= 0) return ("deep nesting", Encoding.UTF8.GetBytes(nested));
                int comma = text.IndexOf(',', at);
                int rest = comma > 0 ? comma : text.Length - 1;
                return ("deep nesting", Encoding.UTF8.GetBytes(text[..at] + nested + text[rest..]));
            }
            case 5:
            {
                // A long key or string value.
                var s = new string('k', rng.Next(1000, 200_000));
                return ("long string", Encoding.UTF8.GetBytes(text.Replace("\"name\": \"", "\"name\": \"" + s).Insert(text.IndexOf('{') + 1, $"\"{s}\": 1,")));
            }
            case 6:
            {
                var b = original.ToList();
                b.InsertRange(rng.Next(b.Count), new byte[][] { [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0] }[rng.Next(4)]);
                return ("invalid UTF-8 or NUL", b.ToArray());
            }
            default:
            {
                // A sweep over a mutated or duplicated axis.
                int open = text.IndexOf('[');
                return open < 0 ? ("none", original) : ("list blown up", Encoding.UTF8.GetBytes(text[..(open + 1)] + string.Join(", ", Enumerable.Repeat("0.5", rng.Next(1, 3000))) + ", " + text[(open + 1)..]));
            }
        }
    }
}

using System.Diagnostics;
using System.Text;

namespace Sweep.Cli.Tests;

/// <summary>
/// Every input byte is read with a bound before it is parsed (issue 27): each hostile file is refused with exit 2 and
/// one short line, within seconds, and the child's peak resident memory stays under <see cref="MaxRssMiB"/>. Large
/// files are sparse (their length set, not written), so the test costs neither disk nor time.
/// </summary>
public class HostileInputTests
{
    private const long MaxRssMiB = 200;
    private static readonly TimeSpan Refusal = TimeSpan.FromSeconds(30);

    private const string DataCampaign = """
        { "name": "hostile", "seed": 1,
          "problem": { "kind": "data", "x_csv": "X.csv", "y_csv": "Y.csv", "whiten": false },
          "network": { "hidden": [3] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 10, "rtol": 1e-8, "atol": 1e-10 },
          "samples": 4, "shard_size": 2 }
        """;

    private static string DataDir(Action<string> writeX)
    {
        var dir = Temp.Dir();
        writeX(Path.Combine(dir, "X.csv"));
        File.WriteAllText(Path.Combine(dir, "Y.csv"), "1,2,3,4\n4,3,2,1\n");
        File.WriteAllText(Path.Combine(dir, "campaign.json"), DataCampaign);
        return dir;
    }

    private static void Sparse(string path, long length, byte[]? tail = null)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write);
        f.SetLength(length - (tail?.Length ?? 0));
        if (tail is not null) { f.Seek(0, SeekOrigin.End); f.Write(tail); }
    }

    [Fact]
    public void A_900_MB_data_file_of_NUL_bytes_is_refused_quoting_a_few_characters()
    {
        var dir = DataDir(x => Sparse(x, 900L << 20));
        var r = Measure(dir, "x_csv");
        Assert.Contains("line 1, column 1", r.Err);
        Assert.Contains("X.csv", r.Err);
    }

    [Fact]
    public void A_data_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        var dir = DataDir(x => Sparse(x, (1L << 30) + 1));
        Assert.Contains("1073741825 bytes", Measure(dir, "x_csv").Err);
    }

    [Fact]
    public void A_20_MB_line_of_ones_is_refused_at_the_field_limit()
    {
        var dir = DataDir(x =>
        {
            using var w = new StreamWriter(x, false, new UTF8Encoding(false), 1 << 16);
            var chunk = new StringBuilder().Insert(0, "1,", 1 << 16).ToString();
            for (long written = 0; written < 20L << 20; written += chunk.Length) w.Write(chunk);
            w.Write("1\n");
        });
        Assert.Contains("more than 1000000 values", Measure(dir, "x_csv").Err);
    }

    [Fact]
    public void A_data_file_with_an_invalid_UTF8_byte_is_refused_naming_it()
    {
        var dir = DataDir(x => File.WriteAllBytes(x, [(byte)'1', (byte)',', 0xC3, 0x28, (byte)'\n']));
        Assert.Contains("not valid UTF-8", Measure(dir, "x_csv").Err);
    }

    [Fact]
    public void A_1_1_GB_campaign_file_of_blanks_then_an_object_is_refused_by_its_size()
    {
        var dir = Temp.Dir();
        string file = Path.Combine(dir, "campaign.json");
        Sparse(file, 1100L << 20, "{}"u8.ToArray());
        Assert.Contains("at most 4194304 bytes", Measure(dir, "campaign file", file).Err);
    }

    [Fact]
    public void A_10_MB_name_and_a_3_MB_name_are_refused()
    {
        foreach (var (size, expect) in new[] { (10 << 20, "at most 4194304 bytes"), (3 << 20, "at most 200 are supported") })
        {
            var dir = Temp.Dir();
            string file = Path.Combine(dir, $"c{size}.json");
            File.WriteAllText(file, CampaignWithName(new string('n', size)));
            var r = Measure(dir, size > 4 << 20 ? "campaign file" : "name:", file);
            Assert.Contains(expect, r.Err);
        }
    }

    [Fact]
    public void A_name_with_invalid_UTF8_is_refused_not_stored_with_a_replacement_character()
    {
        var dir = Temp.Dir();
        string file = Path.Combine(dir, "campaign.json");
        var json = Encoding.UTF8.GetBytes(CampaignWithName("bad\u0001name"));
        int at = Array.IndexOf(json, (byte)1);
        json[at] = 0xFF;
        File.WriteAllBytes(file, json);
        var r = Measure(dir, "not valid UTF-8", file);
        Assert.DoesNotContain("\uFFFD", r.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    /// <summary>A handful of the loader fuzz test's mutations (Sweep.Campaigns.Tests, LoaderFuzzTests) through the real process.</summary>
    [Fact]
    public void Mutated_quickstarts_are_refused_by_the_process_with_exit_2_and_one_line()
    {
        var quickstart = File.ReadAllText(Path.Combine(ExamplesDir(), "quickstart.json"));
        var cases = new (string Name, byte[] Bytes, string Expect)[]
        {
            ("truncated", Encoding.UTF8.GetBytes(quickstart[..(quickstart.Length / 2)]), "not valid JSON"),
            ("deep nesting", Encoding.UTF8.GetBytes(quickstart.Replace("\"samples\":", "\"samples\": " + new string('[', 5000) + new string(']', 5000) + ", \"x\":")), "not valid JSON"),
            ("huge number", Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(quickstart, "\"samples\": *\\d+", "\"samples\": 1" + new string('0', 5000))), "samples"),
            ("invalid UTF-8", [.. Encoding.UTF8.GetBytes(quickstart[..20]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(quickstart[20..])], "not valid UTF-8"),
        };
        foreach (var (name, bytes, expect) in cases)
        {
            var dir = Temp.Dir();
            File.WriteAllBytes(Path.Combine(dir, "campaign.json"), bytes);
            var (err, _) = Measure(dir, expect);
            Assert.True(err.Length < 400, $"{name}: {err}");
        }
    }

    private static string ExamplesDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ActorSweep.sln"))) return Path.Combine(d.FullName, "examples");
        throw new DirectoryNotFoundException("no ActorSweep.sln above the test binaries");
    }

    private static string CampaignWithName(string name) => """
        { "name": "NAME", "seed": 1,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5], "input_dim": 2 },
          "network": { "hidden": [2] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 10 },
          "samples": 4, "shard_size": 2 }
        """.Replace("NAME", name);

    /// <summary>
    /// Runs `sweep run` on the campaign in <paramref name="dir"/> and asserts the refusal: exit 2, one line on stderr
    /// (naming <paramref name="expect"/>, at most a few hundred characters, no control characters), within
    /// <see cref="Refusal"/>, and a peak resident set (VmHWM, polled until the child exits) under <see cref="MaxRssMiB"/>.
    /// </summary>
    private static (string Err, long PeakMiB) Measure(string dir, string expect, string? campaign = null)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            using var p = SweepProcess.Start("run", campaign ?? Path.Combine(dir, "campaign.json"), "--out", Path.Combine(dir, "out"));
            long peakKiB = 0;
            while (!p.HasExited && clock.Elapsed < Refusal)
            {
                peakKiB = Math.Max(peakKiB, VmHwmKiB(p.Id));
                Thread.Sleep(5);
            }
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(5)), $"not refused within {Refusal}");
            var err = p.Stderr;
            Assert.Equal(2, p.ExitCode);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.Contains(expect, err);
            Assert.True(err.Length < 600, $"a {err.Length}-character message");
            Assert.DoesNotContain(err.TrimEnd('\n'), ch => char.IsControl(ch) && ch != '\n');
            Assert.True(peakKiB < MaxRssMiB << 10, $"peak RSS {peakKiB >> 10} MiB");
            Console.WriteLine($"{expect}: refused in {clock.Elapsed.TotalSeconds:F1} s, peak RSS ≥ {peakKiB >> 10} MiB");
            return (err, peakKiB >> 10);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long VmHwmKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return 0;
    }
}

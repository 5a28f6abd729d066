namespace Sweep.Cli.Tests;

/// <summary>
/// Bit flips inside campaign.db of a finished campaign: every flip is either detected (a non-zero exit naming the
/// damage, with the outputs already there left as they were) or harmless (a resume that recomputes what was damaged and
/// reproduces the outputs byte for byte; an export equal to samples.csv). Never a silent wrong result.
/// </summary>
public class IntegrityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private const string Small = """
        { "name": "bit-flips", "seed": 5,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 20 },
          "samples": 30, "shard_size": 5, "trace_samples": 2,
          "sweep": { "init.scale": [0.1, 0.3] } }
        """;

    [Fact]
    public void Single_bit_flips_in_the_store_are_detected_or_repaired_never_silently_used()
    {
        var root = Temp.Dir();
        var file = Temp.Campaign(root, Small);
        var reference = Path.Combine(root, "reference");
        var first = SweepProcess.Run(Timeout, "run", file, "--out", reference);
        Assert.True(first.Exit == 0, first.Err);
        var db = File.ReadAllBytes(Path.Combine(reference, "campaign.db"));
        Assert.False(File.Exists(Path.Combine(reference, "campaign.db-wal")) && new FileInfo(Path.Combine(reference, "campaign.db-wal")).Length > 0);
        string samples = File.ReadAllText(Path.Combine(reference, "samples.csv")), summary = File.ReadAllText(Path.Combine(reference, "summary.json"));

        const int Flips = 30;
        var random = new Random(20240601);
        // Stratified offsets: one flip in each thirtieth of the file, so that every page kind is hit somewhere.
        var flips = Enumerable.Range(0, Flips).Select(i => (Offset: (long)i * db.Length / Flips + random.NextInt64(db.Length / Flips), Bit: random.Next(8))).ToList();
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(flips, new ParallelOptions { MaxDegreeOfParallelism = 2 }, flip =>
        {
            string dir = Path.Combine(root, $"flip-{flip.Offset}-{flip.Bit}");
            Directory.CreateDirectory(dir);
            var damaged = (byte[])db.Clone();
            damaged[flip.Offset] ^= (byte)(1 << flip.Bit);
            File.WriteAllBytes(Path.Combine(dir, "campaign.db"), damaged);
            File.WriteAllText(Path.Combine(dir, "samples.csv"), samples);
            File.WriteAllText(Path.Combine(dir, "summary.json"), summary);
            string where = $"flip of bit {flip.Bit} at offset {flip.Offset}";

            // A reader: refuses naming the damage, or gives exactly the stored samples.
            var exported = Path.Combine(root, $"export-{flip.Offset}-{flip.Bit}.csv");
            var export = SweepProcess.Run(Timeout, "export", dir, "--format", "csv", "--to", exported);
            if (export.Exit == 0) Assert.True(samples == Campaigns.WithoutParameters(File.ReadAllText(exported)), $"{where}: export succeeded with different rows");
            else Assert.True(IsDamageMessage(export.Err), $"{where}: export failed without naming the damage: {export.Err}");

            // A resume: recomputes what was damaged and reproduces the outputs, or refuses naming the damage and leaves them.
            var resume = SweepProcess.Run(Timeout, "run", file, "--out", dir);
            Assert.True(samples == File.ReadAllText(Path.Combine(dir, "samples.csv")), $"{where}: samples.csv changed (exit {resume.Exit}): {resume.Err}");
            Assert.True(summary == File.ReadAllText(Path.Combine(dir, "summary.json")), $"{where}: summary.json changed (exit {resume.Exit}): {resume.Err}");
            if (resume.Exit != 0) Assert.True(resume.Exit == 1 && IsDamageMessage(resume.Err), $"{where}: resume failed with exit {resume.Exit} without naming the damage: {resume.Err}");
            outcomes.Add($"{where}: export {export.Exit}, resume {resume.Exit}{(resume.Err.Contains("recomputed") ? " (recomputed)" : "")}");
        });
        Assert.Equal(Flips, outcomes.Count);
        // At least some flips land in shard data, where only the checksums can see them.
        Assert.Contains(outcomes, o => o.Contains("(recomputed)"));
    }

    private static bool IsDamageMessage(string err) => err.Contains("damaged") || err.Contains("corrupt");
}

namespace Sweep.Cli.Tests;

/// <summary>Campaigns and checks shared by the multi-process tests.</summary>
internal static class Campaigns
{
    /// <summary>
    /// An export's text without its trailing `param.*` columns (one per swept parameter): samples.csv's text, byte for
    /// byte, when the export holds the same rows.
    /// </summary>
    public static string WithoutParameters(string csv)
    {
        // The samples' columns are those before the first param.* (a campaign's optional columns included).
        int columns = csv.Split('\n')[0].Split(',').TakeWhile(name => !name.StartsWith("param.", StringComparison.Ordinal)).Count();
        var sb = new System.Text.StringBuilder();
        foreach (var line in csv.Split('\n'))
        {
            if (sb.Length > 0) sb.Append('\n');
            int commas = 0, cut = line.Length;
            bool quoted = false;
            for (int k = 0; k < line.Length; k++)
            {
                if (line[k] == '"') quoted = !quoted;
                else if (line[k] == ',' && !quoted && ++commas == columns) { cut = k; break; }
            }
            sb.Append(line, 0, cut);
        }
        return sb.ToString();
    }

    /// <summary>Ten samples in two shards, done in a second: for tests of what happens around a finished campaign.</summary>
    public const string Tiny = """
        { "name": "safety", "seed": 1,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 10 },
          "samples": 10, "shard_size": 5 }
        """;

    /// <summary>Several seconds on two cores, in small shards, so that kills land between and inside shard commits.</summary>
    public const string SeveralSeconds = """
        { "name": "kill-test", "seed": 13,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4, 4] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 150 },
          "samples": 200, "shard_size": 8, "trace_samples": 1,
          "sweep": { "init.scale": [0.1, 0.3] } }
        """;

    /// <summary>
    /// A campaign with a target whose points differ in difficulty: at scale 0.3 every sample is certified global early and
    /// the point meets saddle_upper95 ≤ 0.02 after a few hundred samples; at scale 0.03 the plateau outlasts t_max and
    /// it is out of reach after the first batch; at scale 0.1 a few percent stay unresolved and it runs longer. Small
    /// shards, so several workers solve shards ahead of the stops.
    /// </summary>
    public const string Sequential = """
        { "name": "sequential-test", "seed": 21,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4, 4] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 80 },
          "stop": { "until": "certified" },
          "samples": 40, "max_samples": 1200, "shard_size": 8,
          "target": { "saddle_upper95": 0.02 },
          "sweep": { "init.scale": [0.3, 0.03, 0.1] } }
        """;

    /// <summary>
    /// For tests that kill a process mid-run: 8 000 samples, a few seconds of solving on two cores even as the kernels get
    /// faster (400 samples had become a fraction of a second, shorter than start-up), in the same small shards.
    /// </summary>
    public static readonly string KillTest = WithSamples(4000);
    public const long KillTestSamples = 8000;

    /// <summary>
    /// <see cref="SeveralSeconds"/> with another number of samples per point. Fails loudly if the constant no longer has
    /// the field to replace, instead of silently returning the 200-sample campaign.
    /// </summary>
    public static string WithSamples(int perPoint)
    {
        const string field = "\"samples\": 200";
        if (!SeveralSeconds.Contains(field)) throw new InvalidOperationException($"SeveralSeconds has no {field}");
        return SeveralSeconds.Replace(field, $"\"samples\": {perPoint}");
    }

    /// <summary>Samples in DIR's store, read without disturbing a running campaign; 0 before it exists or while it is being created.</summary>
    public static long StoredSamples(string dir)
    {
        if (!File.Exists(Sweep.Results.Storage.CampaignStore.PathIn(dir))) return 0;
        try
        {
            var (_, store) = Sweep.Results.Storage.StoredCampaign.Open(dir);
            using (store) return store.SampleCount();
        }
        catch (Sweep.Campaigns.UserError) { return 0; }         // no campaign recorded yet
        catch (Microsoft.Data.Sqlite.SqliteException) { return 0; }
    }

    /// <summary>Which worker solved each stored shard (worker ids are HOST:PORT:UID#K of the node that ran them), read-only.</summary>
    public static List<string> ShardWorkers(string dir)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Sweep.Results.Storage.CampaignStore.PathIn(dir)};Mode=ReadOnly");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT worker FROM shards";
        var workers = new List<string>();
        using var reader = query.ExecuteReader();
        while (reader.Read()) workers.Add(reader.GetString(0));
        return workers;
    }

    /// <summary>Everything DIR/logs holds so far (read while the process may still write it).</summary>
    public static string Logs(string dir)
    {
        var folder = Path.Combine(dir, "logs");
        if (!Directory.Exists(folder)) return "";
        var text = new System.Text.StringBuilder();
        foreach (var file in Directory.GetFiles(folder, "sweep-*.log"))
        {
            using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(f);
            text.Append(reader.ReadToEnd());
        }
        return text.ToString();
    }

    public static void AssertSameOutputs(string expectedDir, string actualDir)
    {
        Assert.Equal(File.ReadAllText(Path.Combine(expectedDir, "samples.csv")), File.ReadAllText(Path.Combine(actualDir, "samples.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(expectedDir, "summary.json")), File.ReadAllText(Path.Combine(actualDir, "summary.json")));
    }
}

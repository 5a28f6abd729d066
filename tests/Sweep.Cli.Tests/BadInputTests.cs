using Sweep.Campaigns;

namespace Sweep.Cli.Tests;

public class BadInputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private const string Good = """
        { "name": "bad-input", "seed": 1,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4] },
          "init": { "kind": "gaussian", "scale": 0.1, "suppress_modes": [] },
          "dynamics": { "method": "flow", "t_max": 10, "rtol": 1e-8, "atol": 1e-10 },
          "stop": { "grad_tol_rel": 1e-6, "eps_hit": 1e-3 },
          "samples": 10, "shard_size": 5 }
        """;

    public static TheoryData<string, string, string> Cases() => new()
    {
        // (text to replace in the good campaign, replacement, the field the message must name)
        { "\"samples\": 10", "\"samples\": 0", "samples" },
        { "\"samples\": 10", "\"sample\": 10", "sample" },
        { "\"shard_size\": 5", "\"shard_size\": -1", "shard_size" },
        { "\"singular_values\": [3, 1.5, 0.4]", "\"singular_values\": [3, 3, 0.4]", "problem.singular_values[1]" },
        { "\"singular_values\": [3, 1.5, 0.4]", "\"singular_values\": [3, 1.5, 0]", "problem.singular_values[2]" },
        { "\"singular_values\": [3, 1.5, 0.4]", "\"singular_values\": \"3,1.5\"", "problem.singular_values" },
        { "\"hidden\": [4, 4]", "\"hidden\": [4, 2]", "network.hidden[1]" },
        { "\"input_dim\": 4", "\"input_dim\": 2", "problem.input_dim" },
        { "\"scale\": 0.1", "\"scale\": -0.1", "init.scale" },
        { "\"scale\": 0.1", "\"scael\": 0.1", "init.scael" },
        { "\"suppress_modes\": []", "\"suppress_modes\": [3]", "init.suppress_modes" },
        { "\"t_max\": 10", "\"t_max\": 0", "dynamics.t_max" },
        { "\"rtol\": 1e-8", "\"rtol\": 0", "dynamics.rtol" },
        { "\"method\": \"flow\"", "\"method\": \"euler\"", "dynamics.method" },
        { "\"grad_tol_rel\": 1e-6", "\"grad_tol_rel\": -1", "stop.grad_tol_rel" },
        { "\"eps_hit\": 1e-3", "\"eps_hit\": \"small\"", "stop.eps_hit" },
        { "\"kind\": \"canonical\", \"singular_values\": [3, 1.5, 0.4], \"input_dim\": 4",
          "\"kind\": \"data\", \"x_csv\": \"missing-X.csv\", \"y_csv\": \"missing-Y.csv\"", "problem.x_csv" },
        { "\"seed\": 1,", "\"seed\": 1, \"sweep\": { \"init.scale\": [0.1, 0] },", "init.scale" },
        { "\"seed\": 1,", "\"seed\": 1,,", "" },
        // Bounded resources: limits on samples and shards, and networks or inputs that cannot fit in memory.
        { "\"samples\": 10", "\"samples\": 1e15", "samples" },
        { "\"samples\": 10, \"shard_size\": 5", "\"samples\": 1e11, \"shard_size\": 1", "shard_size" },
        { "\"hidden\": [4, 4]", "\"hidden\": [100000]", "network.hidden" },
        { "\"input_dim\": 4", "\"input_dim\": 100000", "problem.input_dim" },
        { "\"hidden\": [4, 4]", "\"hidden\": [2000, 2000]", "network.hidden" },
        // JSON strictness: a duplicated key names it; comments and trailing commas are refused.
        { "\"samples\": 10", "\"samples\": 10, \"samples\": 20", "samples" },
        { "\"t_max\": 10,", "\"t_max\": 10, \"t_max\": 11,", "dynamics.t_max" },
        { "\"seed\": 1,", "\"seed\": 1, // the seed\n", "" },
        { "\"samples\": 10, \"shard_size\": 5 }", "\"samples\": 10, \"shard_size\": 5, }", "" },
        // Overflow: critical values beyond double range.
        { "\"singular_values\": [3, 1.5, 0.4]", "\"singular_values\": [1e308, 5e307, 3e307]", "problem.singular_values" },
        { "\"singular_values\": [3, 1.5, 0.4]", "\"singular_values\": [1e160, 5e159, 3e159]", "problem.singular_values" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_campaigns_are_refused_with_exit_2_a_named_field_and_no_output(string find, string replace, string field)
    {
        Assert.Contains(find, Good);
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Good.Replace(find, replace));
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, stderr) = SweepProcess.Run(Timeout, "run", file, "--out", outDir);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));     // one clear message
        Assert.DoesNotContain("   at ", stderr);                 // no stack trace
        if (field.Length > 0) Assert.Contains(field + ":", stderr);
        else Assert.Contains("not valid JSON", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_bad_campaign_leaves_an_existing_output_folder_untouched()
    {
        var dir = Temp.Dir();
        var outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "precious");
        var file = Temp.Campaign(dir, Good.Replace("\"samples\": 10", "\"samples\": -3"));
        Assert.Equal(2, SweepProcess.Run(Timeout, "run", file, "--out", outDir).Exit);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(outDir, "keep.txt")));
    }

    [Fact]
    public void Missing_campaign_file_and_missing_out_are_refused()
    {
        var missing = SweepProcess.Run(Timeout, "run", "/nonexistent/campaign.json", "--out", Path.Combine(Temp.Dir(), "o"));
        Assert.Equal(2, missing.Exit);
        Assert.Contains("cannot read campaign file", missing.Err);
        var noOut = SweepProcess.Run(Timeout, "run", "x.json");
        Assert.Equal(2, noOut.Exit);
        Assert.Contains("--out", noOut.Err);
    }

    [Fact]
    public void Status_of_a_folder_without_a_campaign_is_refused()
    {
        var r = SweepProcess.Run(Timeout, "status", Temp.Dir());
        Assert.Equal(2, r.Exit);
        Assert.Contains("no campaign store", r.Err);
    }

    [Theory]
    [InlineData("\u001b[2J\u001b[32mall good\u001b[0m")]
    [InlineData("line one\nline two")]
    [InlineData("tab\tname")]
    public void Control_characters_in_the_name_are_refused(string name)
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Good.Replace("\"bad-input\"", System.Text.Json.JsonSerializer.Serialize(name)));
        var (exit, _, err) = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, exit);
        Assert.Contains("name: must not contain control characters", err);
        Assert.DoesNotContain('\u001b', err);
    }

    [Fact]
    public void Control_characters_echoed_from_input_are_stripped_from_error_messages()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Good.Replace("\"sample\"", "x").Replace("\"seed\": 1,", "\"seed\": 1, \"evil\\u001b[31m\\nerror: fake\": 1,"));
        var (exit, _, err) = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "out\u001b[2J"));
        Assert.Equal(2, exit);
        Assert.DoesNotContain('\u001b', err);
        Assert.Single(err.Trim().Split('\n'));
        var missing = SweepProcess.Run(Timeout, "status", Path.Combine(dir, "no\u001b[2Jsuch\nfolder"));
        Assert.Equal(2, missing.Exit);
        Assert.DoesNotContain('\u001b', missing.Err);
        Assert.Single(missing.Err.Trim().Split('\n'));
    }

    [Fact]
    public void Data_files_that_are_not_regular_files_are_refused_without_reading_them()
    {
        var dir = Temp.Dir();
        File.WriteAllText(Path.Combine(dir, "Y.csv"), "1,2,3\n");
        var fifo = Path.Combine(dir, "fifo.csv");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        Assert.True(File.Exists(fifo) || new FileInfo(fifo).Exists);
        Directory.CreateDirectory(Path.Combine(dir, "folder.csv"));
        foreach (var x in new[] { "/dev/zero", "/dev/urandom", "fifo.csv", "folder.csv" })
        {
            var file = Temp.Campaign(dir, Good.Replace("\"kind\": \"canonical\", \"singular_values\": [3, 1.5, 0.4], \"input_dim\": 4",
                $"\"kind\": \"data\", \"x_csv\": \"{x}\", \"y_csv\": \"Y.csv\""));
            var (exit, _, err) = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "out"));   // a hang or an endless read times out
            Assert.True(exit == 2, $"{x}: exit {exit}: {err}");
            Assert.Contains("problem.x_csv:", err);
        }
    }

    [Fact]
    public void A_byte_order_mark_is_accepted()
    {
        var dir = Temp.Dir();
        var file = Path.Combine(dir, "bom.json");
        File.WriteAllText(file, Good, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(file)[0]);
        var (exit, _, err) = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "out"));
        Assert.True(exit == 0, err);
    }

    [Fact]
    public void An_enormous_campaign_starts_solving_at_once_without_planning_every_shard()
    {
        // 10^11 samples in 10^9 shards: planned lazily, the first shards are solved within seconds.
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Good.Replace("\"samples\": 10, \"shard_size\": 5", "\"samples\": 1e11, \"shard_size\": 100"));
        var outDir = Path.Combine(dir, "out");
        using var run = SweepProcess.Start("run", file, "--out", outDir, "--workers", "1");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (Campaigns.StoredSamples(outDir) == 0 && !run.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(200);
        Assert.False(run.HasExited, run.Stderr);
        Assert.True(Campaigns.StoredSamples(outDir) > 0, "no shard was solved: " + run.Stdout + run.Stderr);
    }

    [Fact]
    public void The_memory_estimate_is_named_in_the_refusal()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Good.Replace("\"hidden\": [4, 4]", "\"hidden\": [100000]"));
        var (exit, _, err) = SweepProcess.Run(Timeout, "run", file, "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, exit);
        Assert.Contains("GiB", err);
        Assert.Contains("per trajectory", err);
    }

    [Fact]
    public void A_failure_to_write_the_outputs_ends_the_run_with_exit_1_and_a_message()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Good);
        var outDir = Path.Combine(dir, "out");
        Assert.Equal(0, SweepProcess.Run(Timeout, "run", file, "--out", outDir).Exit);
        // summary.json can no longer be replaced: a directory with content stands in its way.
        File.Delete(Path.Combine(outDir, "summary.json"));
        Directory.CreateDirectory(Path.Combine(outDir, "summary.json", "in-the-way"));
        var (exit, _, err) = SweepProcess.Run(Timeout, "run", file, "--out", outDir);   // a hang would time out here
        Assert.Equal(1, exit);
        Assert.Contains("cannot write outputs", err);
    }
}

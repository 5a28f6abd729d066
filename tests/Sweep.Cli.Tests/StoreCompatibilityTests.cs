namespace Sweep.Cli.Tests;

/// <summary>
/// A store written by the previous version (schema 5: its blobs hold the columns before invariant_eigs, tail_rate and prop2_rate)
/// is read by this one, cell for cell, and a resume upgrades it without touching a stored sample.
/// </summary>
public class StoreCompatibilityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string Fixture(string dir)
    {
        var from = Path.Combine(DeployTests.Root(), "tests", "Sweep.Cli.Tests", "fixtures", "schema5-store");
        var run = Path.Combine(dir, "run");
        Directory.CreateDirectory(run);
        File.Copy(Path.Combine(from, "campaign.db"), Path.Combine(run, "campaign.db"));
        File.Copy(Path.Combine(from, "campaign.json"), Path.Combine(dir, "campaign.json"));
        return run;
    }

    // The previous version's rows with the new cells: invariant_eigs and tail_rate empty, and (the campaign asks for the
    // Hessian) hessian_at, "stop" where the row holds a Hessian, since older versions read every one at the stop.
    private static string[] Expected()
    {
        var lines = File.ReadAllLines(Path.Combine(DeployTests.Root(), "tests", "Sweep.Cli.Tests", "fixtures", "schema5-store", "samples-schema5.csv"));
        int hessianMin = lines[0].Split(',').ToList().IndexOf("hessian_min");
        return lines.Select((l, i) => i == 0 ? l + ",invariant_eigs,tail_rate,hessian_at"
            : l + ",,," + (Sweep.Results.Output.OutputWriter.SplitCsv(l)[hessianMin].Length > 0 ? "stop" : "")).ToArray();
    }

    [Fact]
    public void A_schema_5_store_is_exported_cell_for_cell_and_a_resume_upgrades_it_without_changing_a_sample()
    {
        var dir = Temp.Dir();
        var run = Fixture(dir);
        var export = SweepProcess.Run(Timeout, "export", run, "--format", "csv", "--to", Path.Combine(dir, "export.csv"));
        Assert.True(export.Exit == 0, export.Out + export.Err);
        // The export appends the swept parameter (init.scale) after the samples' columns.
        var exported = File.ReadAllLines(Path.Combine(dir, "export.csv"));
        Assert.EndsWith(",param.init.scale", exported[0]);
        Assert.Equal(Expected(), exported.Select(l => l[..l.LastIndexOf(',')]).ToArray());

        var resumed = SweepProcess.Run(Timeout, "run", Path.Combine(dir, "campaign.json"), "--out", run);
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Contains("40 of 40 samples already stored", resumed.Out + resumed.Err);
        Assert.Equal(Expected(), File.ReadAllLines(Path.Combine(run, "samples.csv")));
        var status = SweepProcess.Run(Timeout, "status", run, "--json");
        Assert.Equal(0, status.Exit);
        Assert.Contains("\"complete\": true", status.Out);
    }
}

using Serilog;
using System.Diagnostics;
using Sweep.Results.Storage;
using Sweep.Reporting;
using Sweep.Results.Output;
using Sweep.Results;

using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>`sweep report DIR [--open]` and `sweep export DIR --format csv|parquet [--to FILE]`.</summary>
public static class ReportCommands
{
    public static int Report(string dir, bool open, string? outDir = null)
    {
        SweepLogging.ForReader(dir);
        // The default is inside the campaign folder; a read-only one (an archive, a shared result) is never written.
        if (outDir is null && ReadOnlyFolder.Is(dir))
            throw new UserError($"'{dir}' is read-only, so the report cannot go to its default place '{Path.Combine(dir, "report")}'; write it elsewhere with --out FOLDER");
        var result = ReportBuilder.Build(dir, outDir);
        Log.Information("report {Path}: {Figures} figures, partial {Partial}", result.IndexPath, result.Figures.Count, result.Partial);
        Console.WriteLine($"wrote {UserError.Printable(result.IndexPath)} with {result.Figures.Count} figures (PNG and SVG){(result.Partial ? " — partial: the campaign is not finished" : "")}");
        if (open)
        {
            try { Process.Start(new ProcessStartInfo(result.IndexPath) { UseShellExecute = true }); }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                Console.Error.WriteLine($"could not open a browser ({e.Message}); open {UserError.Printable(result.IndexPath)} yourself");
            }
        }
        return 0;
    }

    public static async Task<int> Export(string dir, string format, string? to, bool force = false)
    {
        SweepLogging.ForReader(dir);
        // An explicit --to is never replaced unless --force; the default target is the campaign's own file in DIR.
        bool explicitTarget = to is not null;
        if (!explicitTarget && ReadOnlyFolder.Is(dir))
            throw new UserError($"'{dir}' is read-only, so the export cannot go to its default place '{Path.Combine(dir, $"export.{format}")}'; write it elsewhere with --to FILE");
        to ??= Path.Combine(dir, $"export.{format}");
        CheckTarget(to, replaceable: force || !explicitTarget);
        var (campaign, store) = StoredCampaign.Open(dir);
        // Aggregate storage has no rows to export: refused (exit 2) before anything is written; its aggregates are
        // summary.json (and `sweep status --json`).
        if (store.AggregateOnly)
        {
            store.Dispose();
            throw new UserError($"'{dir}' holds campaign '{campaign.Name}', which {CampaignStore.NoSamplesMessage}; export writes per-sample rows, so there is nothing to export. Its aggregates: {Path.Combine(dir, "summary.json")} or `sweep status {dir} --json`.");
        }
        long count;
        // With a target, each point's samples up to its stop (samples.csv's rows), not the shards solved ahead of it.
        IEnumerable<Sweep.Results.SampleRecord> Samples() =>
            campaign.Target is null ? store.ReadSamples() : new Sweep.Results.Statistics.PrefixWalk(campaign).Filter(store.ReadSamples());
        // Written beside the target under a unique name, then renamed over it: a reader never sees half a file.
        string full = Path.GetFullPath(to);
        string tmp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Streamed from the store shard by shard: memory does not grow with the sample count.
            using (store)
            {
                // One typed column per swept parameter; the Parquet file also carries the campaign and its provenance.
                var parameters = ExportParameters.For(campaign);
                if (format == "csv") count = Exporter.WriteCsv(tmp, Samples(), parameters, Sweep.Results.CsvLayout.For(campaign));
                else
                {
                    var (created, builds) = StoreProvenance.Read(store);
                    var provenance = new System.Text.Json.Nodes.JsonObject
                    {
                        ["created"] = created?.ToJson(),
                        ["builds"] = new System.Text.Json.Nodes.JsonArray(builds.Select(b => (System.Text.Json.Nodes.JsonNode)b.ToJson()).ToArray()),
                        ["exported_by"] = Provenance.Current.ToJson(),
                    };
                    count = await Exporter.WriteParquetAsync(tmp, Samples(), parameters: parameters,
                        metadata: ExportParameters.Metadata(campaign, provenance.ToJsonString()));
                }
            }
            CheckTarget(to, replaceable: force || !explicitTarget);     // again: it may have appeared meanwhile
            File.Move(tmp, full, overwrite: force || !explicitTarget);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not StoreDamagedException)
        {
            throw new UserError($"cannot write '{to}': {e.Message}");
        }
        finally
        {
            try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        Log.Information("exported {Count} samples to {Path} ({Format})", count, to, format);
        Console.WriteLine($"wrote {count} samples to {UserError.Printable(to)}");
        return 0;
    }

    /// <summary>
    /// Refuses a target that is anything but an absent path or (when <paramref name="replaceable"/>) a regular file:
    /// a symbolic link, a folder, a device, a FIFO or a socket is never replaced.
    /// </summary>
    private static void CheckTarget(string to, bool replaceable)
    {
        var kind = FileKind.Of(to);
        if (kind == FileKind.Kind.Missing) return;
        if (kind != FileKind.Kind.Regular)
            throw new UserError($"'{to}' exists and is {FileKind.Describe(kind)}, not a regular file; export writes only regular files. Choose another --to.");
        if (!replaceable)
            throw new UserError($"'{to}' already exists; add --force to replace it, or choose another --to.");
    }
}

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
    public static int Report(string dir, bool open)
    {
        if (Directory.Exists(dir)) SweepLogging.ToDirectory(dir);
        var result = ReportBuilder.Build(dir);
        Log.Information("report {Path}: {Figures} figures, partial {Partial}", result.IndexPath, result.Figures.Count, result.Partial);
        Console.WriteLine($"wrote {result.IndexPath} with {result.Figures.Count} figures (PNG and SVG){(result.Partial ? " — partial: the campaign is not finished" : "")}");
        if (open)
        {
            try { Process.Start(new ProcessStartInfo(result.IndexPath) { UseShellExecute = true }); }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                Console.Error.WriteLine($"could not open a browser ({e.Message}); open {result.IndexPath} yourself");
            }
        }
        return 0;
    }

    public static async Task<int> Export(string dir, string format, string? to)
    {
        if (Directory.Exists(dir)) SweepLogging.ToDirectory(dir);
        to ??= Path.Combine(dir, $"samples.{format}");
        var (_, store) = StoredCampaign.Open(dir);
        List<Sweep.Results.SampleRecord> samples;
        using (store) samples = store.ReadSamples().ToList();
        try
        {
            if (format == "csv") Exporter.WriteCsv(to, samples);
            else await Exporter.WriteParquetAsync(to, samples);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            throw new UserError($"cannot write '{to}': {e.Message}");
        }
        Log.Information("exported {Count} samples to {Path} ({Format})", samples.Count, to, format);
        Console.WriteLine($"wrote {samples.Count} samples to {to}");
        return 0;
    }
}

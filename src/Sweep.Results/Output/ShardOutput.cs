using System.Text;
using Sweep.Results.Statistics;
using Sweep.Results.Storage;

namespace Sweep.Results.Output;

/// <summary>
/// A shard's results encoded where it was solved, so that the coordinator only appends bytes and merges statistics:
/// its statistics as the store keeps them (<see cref="PointStatistics.ForShard"/>, encoded), the gradient evaluations
/// of its samples (the target allocation's cost), and with full storage its store blob (<see cref="ShardBlob"/>), its
/// samples.csv rows (UTF-8, exactly what the coordinator's stream would format), its exact statistics
/// (<see cref="PointStatistics.OfShardExact"/>, encoded: what summary.json folds from every sample — exact times,
/// itineraries, tail rates) and the Hessians its samples counted (<paramref name="Hessians"/> over
/// <paramref name="HessianSamples"/> samples that carry the count). Aggregate storage carries statistics and evaluations only.
/// With full storage the per-sample records travel beside it only where the store needs them (<see cref="NeedsRecords"/>).
/// </summary>
public sealed record ShardOutput(byte[] Statistics, long Evaluations, byte[]? Blob, byte[]? Csv, byte[]? Exact = null, long Hessians = 0, long HessianSamples = 0)
{
    /// <param name="horizon">The point's t_max or max_iters: sizes the statistics' time histograms, as the store's.</param>
    /// <param name="aggregate">Aggregate storage: statistics and the cost counts (gradient evaluations, Hessians) only.</param>
    public static ShardOutput Encode(IReadOnlyList<SampleRecord> samples, int point, double horizon, bool aggregate, CsvLayout? layout = null)
    {
        long evaluations = 0, hessians = 0, hessianSamples = 0;
        foreach (var s in samples)
        {
            evaluations += s.RhsEvaluations;
            if (s.HessianEvaluations >= 0) { hessians += s.HessianEvaluations; hessianSamples++; }
        }
        if (aggregate) return new ShardOutput(PointStatistics.OfShard(point, horizon, samples).Encode(), evaluations, null, null, null, hessians, hessianSamples);
        var exact = PointStatistics.OfShardExact(point, horizon, samples);
        // The stored statistics bin the same multisets: merging the exact part gives what folding the samples would.
        var stored = PointStatistics.ForShard(point, horizon);
        stored.Merge(exact);
        return new ShardOutput(stored.Encode(), evaluations, ShardBlob.Encode(samples), CsvRows(samples, layout ?? CsvLayout.Default), exact.EncodeExact(), hessians, hessianSamples);
    }

    /// <summary>
    /// Whether the per-sample records must travel with the output: never with aggregate storage; with full storage only
    /// when some sample carries a trace (the store keeps traces beside the blob). Otherwise the coordinator needs none
    /// of them: decoding a record cost it more than everything else it does per sample.
    /// </summary>
    public static bool NeedsRecords(IReadOnlyList<SampleRecord> samples, bool aggregate)
    {
        if (aggregate) return false;
        foreach (var s in samples) if (s.TraceTime is not null) return true;
        return false;
    }

    /// <summary>samples.csv's rows of <paramref name="samples"/> in the campaign's <paramref name="layout"/>, byte for byte as the coordinator's stream writes them.</summary>
    public static byte[] CsvRows(IReadOnlyList<SampleRecord> samples, CsvLayout layout)
    {
        // About 110 bytes a row. The writer's own buffer stays small (a 64 Ki-char one would be two large-object
        // allocations per shard, which cost more than formatting a small shard).
        using var buffer = new MemoryStream(64 + samples.Count * 128);
        using (var w = new StreamWriter(buffer, new UTF8Encoding(false), 4096, leaveOpen: true))
            foreach (var s in samples) layout.WriteRow(w, s);
        return buffer.ToArray();
    }
}

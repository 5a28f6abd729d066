using System.Text;
using Sweep.Results.Statistics;
using Sweep.Results.Storage;

namespace Sweep.Results.Output;

/// <summary>
/// A shard's results encoded where it was solved, so that the coordinator only appends bytes and merges statistics:
/// its statistics as the store keeps them (<see cref="PointStatistics.ForShard"/>, encoded), the gradient evaluations
/// of its samples (the target allocation's cost), and with full storage its store blob (<see cref="ShardBlob"/>) and
/// its samples.csv rows (UTF-8, exactly what the coordinator's stream would format). Aggregate storage carries neither.
/// Per shard: a 1 000-sample shard's blob and rows are ~200 KB, far below the remoting frame.
/// </summary>
public sealed record ShardOutput(byte[] Statistics, long Evaluations, byte[]? Blob, byte[]? Csv)
{
    /// <param name="horizon">The point's t_max or max_iters: sizes the statistics' time histograms, as the store's.</param>
    /// <param name="aggregate">Aggregate storage: statistics and evaluations only.</param>
    public static ShardOutput Encode(IReadOnlyList<SampleRecord> samples, int point, double horizon, bool aggregate, CsvLayout? layout = null)
    {
        var stats = PointStatistics.OfShard(point, horizon, samples);
        long evaluations = samples.Sum(s => s.RhsEvaluations);
        return new ShardOutput(stats.Encode(), evaluations, aggregate ? null : ShardBlob.Encode(samples), aggregate ? null : CsvRows(samples, layout ?? CsvLayout.Default));
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

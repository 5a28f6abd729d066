using Sweep.Campaigns;
using Sweep.Numerics.Integration;

namespace Sweep.Results.Output;

/// <summary>
/// An upper bound on the bytes of one shard's result on the wire (a <c>ShardCompleted</c> with its
/// <see cref="ShardOutput"/>), so that a cluster campaign whose shards could exceed the remoting frame is refused before
/// it starts instead of stalling on dropped messages (docs/cluster.md, "Message size"). Per sample, with full storage:
/// the samples.csv row, the store blob, the exact statistics and the stored statistics; with traces also the records
/// and, for the traced samples, their traces; with aggregate storage the stored statistics alone. Each column counts
/// at its longest: a real 24 characters in the CSV (<c>-1.7976931348623157E+308</c>) and 8 bytes in the blob, an
/// integer 20 characters (int: 11) and 8 bytes (int: 4), an enum 32 characters and 1 byte, a text column its longest
/// text for this campaign (<see cref="TextBound"/>) plus 2 quotes, and 5 bytes of length; every column one separator.
/// Pure.
/// </summary>
public static class ShardMessageBound
{
    /// <summary>Per message beyond the samples: identities, counts, the statistics' fixed parts, the remoting envelope.</summary>
    public const long Overhead = 64 * 1024;

    /// <summary>The longest time an itinerary entry prints (G6: <c>-1.23457e+306</c>).</summary>
    private const int TimeChars = 13;
    private const int RealChars = 24, LongChars = 20, IntChars = 11, EnumChars = 32, LengthPrefix = 5;

    /// <summary>The bound for a whole shard of the campaign's <c>shard_size</c>.</summary>
    public static long Shard(Campaign campaign) => Shard(campaign, campaign.ShardSize);

    /// <summary>The bound for a shard of <paramref name="shardSize"/> samples of <paramref name="campaign"/>.</summary>
    public static long Shard(Campaign campaign, long shardSize)
    {
        long traced = 0;
        if (!campaign.AggregateOnly) foreach (var p in campaign.Points) traced = Math.Max(traced, Math.Min(shardSize, p.Spec.TraceSamples));
        return Overhead + shardSize * PerSample(campaign) + traced * TraceBytes;
    }

    /// <summary>A traced sample's (time, loss) arrays: at most the recorder's capacity plus the final state each.</summary>
    public static readonly long TraceBytes = 2 * (4 + 8L * (new TraceRecorder().Capacity + 1));

    /// <summary>The bound per sample of the campaign (its largest point's), traces apart.</summary>
    public static long PerSample(Campaign campaign) => campaign.Points.Max(p => PerSample(p.Spec, campaign.AggregateOnly));

    /// <summary>The largest shard_size whose bound fits <paramref name="frame"/> bytes (0 when none does).</summary>
    public static long MaxShardSize(Campaign campaign, long frame)
    {
        // The bound grows with the shard size (by a sample's bound, plus a trace while traced samples remain): bisect.
        long low = 0, high = 1_000_000;
        while (low < high)
        {
            long mid = (low + high + 1) / 2;
            if (Shard(campaign, mid) <= frame) low = mid; else high = mid - 1;
        }
        return low;
    }

    /// <summary>The bound per sample of one point, traces apart (see the class).</summary>
    public static long PerSample(PointSpec point, bool aggregate)
    {
        int label = TextBound(point, "label");
        // Stored statistics: a new bin in each time histogram (key delta and count), a new label and its Hessian counts.
        long stored = 2 * (LengthPrefix + 10) + (LengthPrefix + label + 16) + (LengthPrefix + label + 32);
        if (aggregate) return stored;
        long csv = 0, blob = 0;
        foreach (var c in SampleColumns.All)
        {
            var t = c.ValueType;
            if (t == typeof(double)) { csv += RealChars; blob += 8; }
            else if (t == typeof(long)) { csv += LongChars; blob += 8; }
            else if (t == typeof(int)) { csv += IntChars; blob += 4; }
            else if (t.IsEnum) { csv += EnumChars; blob += 1; }
            else if (t == typeof(string)) { int n = TextBound(point, c.Name); csv += n + 2; blob += LengthPrefix + n; }
            else throw new InvalidOperationException($"column {c.Name}: no size bound for {t.Name}");
            csv++;                                          // its separator (or the row's newline)
        }
        int itinerary = TextBound(point, "itinerary");
        int entries = ItineraryRecorder.Capacity + 1;
        // Exact statistics: both times, a tail rate and an imbalance, a label and its Hessian counts, and with
        // itineraries a dwell per entry, a dwell sketch per label visited, and the sequence with its count.
        long exact = 4 * 8 + (LengthPrefix + label + 16) + (LengthPrefix + label + 32)
            + (itinerary == 0 ? 0 : entries * 8 + entries * (4 + 1 + 8 + LengthPrefix) + LengthPrefix + entries * (label + 1) + 4 + 8);
        // With traces every record travels too: its columns as in the blob, two array lengths and its Hessian count.
        long record = point.TraceSamples > 0 ? blob + 2 * 4 + 8 : 0;
        return stored + csv + blob + exact + record;
    }

    /// <summary>
    /// The longest text a column can hold for this point: a label lists at most every mode index (the output
    /// dimension's), an itinerary <see cref="ItineraryRecorder.Capacity"/> entries (label, '@', time) and the omission
    /// mark, the invariant eigenvalues two reals per layer; empty where the campaign does not ask for the analysis.
    /// </summary>
    public static int TextBound(PointSpec point, string column)
    {
        int modes = Math.Max(point.Problem.InputDim, point.Problem.OutputDim);
        int label = 2 + Math.Max(0, modes - 1);             // braces and commas
        for (int i = 0; i < modes; i++) label += i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        var analyses = point.Analyses;
        return column switch
        {
            "label" => label,
            "itinerary" => analyses.Itinerary ? ItineraryRecorder.Capacity * (label + 1 + TimeChars + 1) + Sweep.Numerics.Analysis.Itinerary.OmissionMark.Length : 0,
            "invariant_eigs" => analyses.Invariants ? (point.Hidden.Length + 1) * (2 * RealChars + 2) : 0,
            "hessian_at" => "limit".Length,
            "step_condition" => "failed".Length,
            _ => throw new InvalidOperationException($"column {column}: no size bound for its text"),
        };
    }
}

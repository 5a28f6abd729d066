using System.Text.Json;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

/// <summary>
/// A worker ships each shard's exact statistics (<see cref="PointStatistics.OfShardExact"/>, <see cref="PointStatistics.EncodeExact"/>)
/// and the coordinator merges them in sample order instead of folding every record: the point's statistics must be
/// those of folding every sample one by one — counts, labels, Hessian counts, exact (and, past the exact capacity,
/// binned) time quantiles, itineraries past the bound on named sequences, tail rates and invariant eigenvalues.
/// </summary>
public sealed class ShardExactStatisticsTests
{
    private const double Horizon = 100;
    private static readonly JsonSerializerOptions Fields = new() { IncludeFields = true };

    /// <summary>Samples that exercise every part of the statistics (a deterministic mix; nothing random).</summary>
    private static SampleRecord Sample(long i)
    {
        var status = i % 11 == 0 ? SampleStatus.Budget : i % 13 == 0 ? SampleStatus.Diverged : SampleStatus.Converged;
        var outcome = status == SampleStatus.Diverged ? Outcome.Diverged : (Outcome)(i % 3);
        // Five base-8 digits: up to 32 768 distinct label sequences, past ItineraryStatistics.MaxSequences.
        var entries = new List<ItineraryEntry> { new(0, 0) };
        for (int j = 0; j < 5; j++) entries.Add(new ItineraryEntry((int)(i >> (3 * j)) & 7, 0.5 * (j + 1) + 0.01 * (i % 10)));
        return new SampleRecord
        {
            Point = 0, Sample = i, Status = status, Outcome = outcome,
            Label = CriticalValues.Label((int)(i % 4)), CriticalValue = i % 4 * 0.5,
            StopTime = status == SampleStatus.Budget ? 50 + i % 7 : 60, Steps = 10, RhsEvaluations = 70,
            HitTime = i % 5 == 0 ? double.NaN : i == 7 ? -0.0 : 0.01 * (i % 997),
            GlobalTime = i % 4 == 0 ? double.NaN : 1 + 0.001 * i,
            HessianNegative = i % 6 == 0 ? double.NaN : i % 2 == 0 ? 0.1 : -0.1,
            HessianAt = i % 4 == 0 ? "limit" : "stop",
            Itinerary = i % 17 == 0 ? "" : new Itinerary(entries, i % 9 == 0 ? 1 : 0).ToString(),
            TailRate = i % 7 == 0 ? double.NaN : i % 2 == 0 ? 1e-3 * (i % 50) : -2e-3 * (i % 30),
            InvariantEigenvalues = i % 5 == 0 ? "" : SampleRecord.FormatEigenvalues([(-0.001 * (i % 9), 0.002 * (i % 11))]),
        };
    }

    private static string Json(PointStatistics s)
    {
        var summary = s.Summarize();
        return JsonSerializer.Serialize(summary with { Tails = null }, Fields) + JsonSerializer.Serialize(summary.Tails?.Summarize(true, true), Fields);
    }

    [Theory]
    [InlineData(6_000, new[] { 1, 999, 2_000, 3_000 }, true)]         // exact times throughout; more distinct sequences than are named
    [InlineData(100_000, new[] { 7_000, 1, 92_999 }, false)]          // the point's times pass the exact capacity inside a merge
    public void Merging_exact_shard_parts_in_order_equals_folding_every_sample(int count, int[] shardSizes, bool exactTimes)
    {
        var samples = Enumerable.Range(0, count).Select(i => Sample(i)).ToArray();
        var folded = new PointStatistics(0, "{0,1}", Horizon, flow: true);
        foreach (var s in samples) folded.Add(s);

        var merged = new PointStatistics(0, "{0,1}", Horizon, flow: true);
        int first = 0;
        foreach (int size in shardSizes)
        {
            var part = PointStatistics.OfShardExact(0, Horizon, samples.Skip(first).Take(size));
            merged.Merge(PointStatistics.DecodeExact(0, Horizon, part.EncodeExact()));   // as the coordinator receives it
            first += size;
        }
        Assert.Equal(count, first);

        Assert.Equal(count, merged.Count);
        Assert.True(folded.Summarize().Itineraries!.Other > 0 || count < ItineraryStatistics.MaxSequences);
        Assert.Equal(exactTimes, folded.ExactTimes);
        Assert.Equal(exactTimes, merged.ExactTimes);
        Assert.Equal(Json(folded), Json(merged));
    }

    /// <summary>The stored statistics a worker derives from the exact part (merged into <see cref="PointStatistics.ForShard"/>) are the bytes folding the samples gives.</summary>
    [Fact]
    public void Stored_statistics_from_the_exact_part_are_the_folded_bytes()
    {
        var samples = Enumerable.Range(0, 3_000).Select(i => Sample(i)).ToArray();
        var stored = PointStatistics.ForShard(0, Horizon);
        stored.Merge(PointStatistics.OfShardExact(0, Horizon, samples));
        Assert.Equal(PointStatistics.OfShard(0, Horizon, samples).Encode(), stored.Encode());
        // A stored shard's statistics carry no itineraries or tail rates into a point (status reads them so).
        var point = new PointStatistics(0, "{0,1}", Horizon, flow: true);
        point.Merge(PointStatistics.OfShard(0, Horizon, samples));
        Assert.Null(point.Summarize().Itineraries);
        Assert.Null(point.Summarize().Tails);
    }

    [Fact]
    public void A_damaged_exact_part_is_refused()
    {
        var bytes = PointStatistics.OfShardExact(0, Horizon, Enumerable.Range(0, 100).Select(i => Sample(i))).EncodeExact();
        Assert.Throws<InvalidDataException>(() => PointStatistics.DecodeExact(0, Horizon, bytes[..^3]));
        var wrongFormat = (byte[])bytes.Clone();
        wrongFormat[0] = 1;
        Assert.Throws<InvalidDataException>(() => PointStatistics.DecodeExact(0, Horizon, wrongFormat));
        var wrongCount = (byte[])bytes.Clone();
        wrongCount[1]++;                                    // the sample count no longer matches the status counts
        Assert.Throws<InvalidDataException>(() => PointStatistics.DecodeExact(0, Horizon, wrongCount));
        Assert.Equal(100, PointStatistics.DecodeExact(0, Horizon, bytes).Count);
    }
}

using Akka.Actor;
using Sweep.Hosting;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using Sweep.Results;
using Sweep.Results.Output;
using Sweep.Campaigns;

namespace Sweep.Messages.Tests;

/// <summary>
/// <see cref="ShardMessageBound"/> must bound the serialized <see cref="ShardCompleted"/> of any shard: checked on a
/// shard built to be as long as the campaign allows — the longest labels, full itineraries (with the omission mark),
/// every real at its longest text, invariant eigenvalues of every layer, traces at the recorder's capacity — and on a
/// plain one; and it must not be so loose that it is useless (within 3× of the heavy shard).
/// </summary>
public sealed class ShardMessageBoundTests : IAsyncLifetime
{
    private SweepNode _node = null!;

    public async Task InitializeAsync() => _node = await SweepNode.StartAsync(new NodeOptions());

    public Task DisposeAsync() => _node.StopAsync(graceful: false);

    private const int Modes = 12, ShardSize = 200;

    /// <param name="aggregate">Aggregate storage, which takes no traces, itineraries, tail rates or invariants.</param>
    private static Campaign Heavy(bool aggregate = false) => CampaignLoader.Parse($$"""
        { "name": "heavy", "seed": 1,
          "problem": { "kind": "canonical", "singular_values": [{{string.Join(", ", Enumerable.Range(1, Modes).Reverse())}}], "input_dim": {{Modes}} },
          "network": { "hidden": [{{Modes}}, {{Modes}}] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "t_max": 1000 },
          {{(aggregate
            ? "\"analysis\": { \"hessian\": \"uncertified\" }, \"storage\": \"aggregate\","
            : "\"analysis\": { \"itinerary\": true, \"invariants\": true, \"tail_rate\": true, \"hessian\": \"uncertified\", \"prop2\": true }, \"trace_samples\": 3,")}}
          "samples": {{ShardSize}}, "shard_size": {{ShardSize}} }
        """, ".");

    private const double Longest = -1.7976931348623157E+308;   // 24 characters in the CSV

    private static SampleRecord HeavySample(long i)
    {
        int full = (1 << Modes) - 1;
        // 32 entries (the recorder's capacity) of labels with 11 or 12 modes, distinct per sample, times of 12 characters.
        var entries = Enumerable.Range(0, ItineraryRecorder.Capacity)
            .Select(j => new ItineraryEntry(full ^ (((i >> j) & 1) == 1 ? 1 << (j % Modes) : 0), 1.23456789e305 * (j + 1))).ToList();
        double[]? trace = i < 3 ? Enumerable.Range(0, 2049).Select(k => Longest).ToArray() : null;
        return new SampleRecord
        {
            Point = 0, Sample = i, Status = SampleStatus.Budget, Outcome = Outcome.Unresolved,
            Label = CriticalValues.Label(full), FinalLoss = Longest, CriticalValue = Longest, StopTime = 1.2345678901234567E+300,
            HitTime = 1.2345678901234567E+300 + i * 1e284, GlobalTime = 1.2345678901234567E+300 + i * 1e284, Steps = long.MaxValue / 1000,
            RhsEvaluations = long.MaxValue / 1000, GradientNorm = Longest, InvariantDrift = Longest,
            Itinerary = new Itinerary(entries, 1).ToString(), HessianMin = Longest, HessianNegative = Longest, HessianNull = Longest,
            InvariantEigenvalues = SampleRecord.FormatEigenvalues(Enumerable.Repeat((Longest, Longest), 3)),
            TailRate = Longest, Prop2Rate = Longest, StepCondition = "failed", HessianAt = "limit",
            TraceTime = trace, TraceLoss = trace, HessianEvaluations = int.MaxValue,
        };
    }

    private long Serialized(ShardCompleted m) => _node.System.Serialization.FindSerializerFor(m).ToBinary(m).Length;

    [Fact]
    public void The_bound_holds_for_the_longest_shard_and_is_not_loose()
    {
        var campaign = Heavy();
        var samples = Enumerable.Range(0, ShardSize).Select(i => HeavySample(i)).ToArray();
        var output = ShardOutput.Encode(samples, 0, campaign.Points[0].Spec.Horizon, aggregate: false, CsvLayout.For(campaign));
        Assert.True(ShardOutput.NeedsRecords(samples, aggregate: false));
        long size = Serialized(new ShardCompleted("node:1#0", campaign.Hash, long.MaxValue, 0, int.MaxValue, samples, output));
        long bound = ShardMessageBound.Shard(campaign);
        Assert.InRange(size, bound / 3, bound);

        // A plain shard of the same campaign, and the aggregate form: far below the bound.
        var plain = TestSamples.Of(new ShardKey(0, 0, 0, ShardSize));
        var plainOutput = ShardOutput.Encode(plain, 0, campaign.Points[0].Spec.Horizon, aggregate: false, CsvLayout.For(campaign));
        Assert.InRange(Serialized(new ShardCompleted("w", campaign.Hash, 1, 0, 0, [], plainOutput)), 1, bound / 4);
        var aggregate = Heavy(aggregate: true);
        var stats = ShardOutput.Encode(samples, 0, aggregate.Points[0].Spec.Horizon, aggregate: true);
        Assert.InRange(Serialized(new ShardCompleted("node:1#0", aggregate.Hash, long.MaxValue, 0, int.MaxValue, [], stats)), 1, ShardMessageBound.Shard(aggregate));
    }

    [Fact]
    public void The_largest_shard_size_that_fits_a_frame_is_within_it()
    {
        var campaign = Heavy();
        long fits = ShardMessageBound.MaxShardSize(campaign, WorkerProtocol.MaxFrameBytes);
        Assert.True(fits > 0);
        Assert.True(ShardMessageBound.Shard(campaign, fits) <= WorkerProtocol.MaxFrameBytes);
        Assert.True(ShardMessageBound.Shard(campaign, fits + 1) > WorkerProtocol.MaxFrameBytes);
        // Aggregate storage carries statistics alone: much larger shards fit.
        Assert.True(ShardMessageBound.MaxShardSize(Heavy(aggregate: true), WorkerProtocol.MaxFrameBytes) > 10 * fits);
    }
}

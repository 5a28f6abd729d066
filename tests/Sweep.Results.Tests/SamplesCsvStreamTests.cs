using Sweep.Results.Output;
using Sweep.Results.Storage;
using Sweep.Campaigns;
using Sweep.Results;
using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

public sealed class SamplesCsvStreamTests
{
    /// <summary>
    /// Shards committed in a scrambled order, some stored by an "earlier run", some past the memory bound: the streamed
    /// samples.csv must be byte for byte the file written from the store, and the statistics those of every sample once.
    /// </summary>
    /// With <paramref name="workersEncode"/>, every other shard arrives as a worker encodes it (<see cref="ShardOutput"/>:
    /// the store keeps its blob, the stream appends its rows): the same bytes in the store and in samples.csv.
    [Theory]
    [InlineData(1_000_000, false)]   // everything fits in memory
    [InlineData(6, false)]           // almost every early shard overflows and is read back from the store
    [InlineData(1_000_000, true)]
    [InlineData(6, true)]
    public void Streamed_csv_equals_the_csv_written_from_the_store(int maxBuffered, bool workersEncode)
    {
        var campaign = TestCampaigns.Parse();
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        using var _ = store;
        var plan = ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize);
        var order = plan.OrderBy(s => (s.Index * 7 + s.Point * 3) % plan.Count).ToList();
        foreach (var s in order.Take(3)) Assert.True(store!.CommitShard(s, TestSamples.Of(s), "earlier"));

        var stream = new SamplesCsvStream(campaign, dir, store!.CompletedShards(), store.ReadShard, maxBuffered);
        Assert.Throws<InvalidOperationException>(() => stream.Finish(Path.Combine(dir, "samples.csv")));   // not all shards yet
        int n = 0;
        foreach (var s in order.Skip(3))
        {
            var samples = TestSamples.Of(s, traced: n % 3 == 0);
            var encoded = workersEncode && n % 2 == 0 ? ShardOutput.Encode(samples, s.Point, campaign.Points[s.Point].Spec.Horizon, aggregate: false, CsvLayout.For(campaign)) : null;
            Assert.True(store.CommitShards([(s, (IReadOnlyList<SampleRecord>)samples, "now", encoded)])[0]);
            // As the coordinator gets a worker's shard: its exact statistics, and records only where some sample has a trace.
            var exact = encoded?.Exact is { } bytes ? PointStatistics.DecodeExact(s.Point, campaign.Points[s.Point].Spec.Horizon, bytes) : null;
            stream.Add(s, exact is not null && !ShardOutput.NeedsRecords(samples, aggregate: false) ? [] : samples, encoded, exact: exact);
            n++;
        }
        var stats = stream.Finish(Path.Combine(dir, "samples.csv"));

        var reference = Path.Combine(dir, "reference.csv");
        var all = store.ReadSamples().ToList();
        OutputWriter.WriteSamplesCsv(reference, all);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(Path.Combine(dir, "samples.csv")));
        Assert.Equal(campaign.TotalSamples, stream.Written);
        Assert.False(Directory.Exists(Path.Combine(dir, "samples.csv.parts")));
        var expected = OutputWriter.Aggregate(campaign, all);
        for (int p = 0; p < expected.Count; p++)
        {
            Assert.Equal(expected[p].Count, stats[p].Count);
            Assert.Equal(expected[p].Summarize().Labels, stats[p].Summarize().Labels);
            Assert.Equal(expected[p].Summarize().GlobalTimes, stats[p].Summarize().GlobalTimes);
            Assert.Equal(expected[p].Summarize().HitTimes, stats[p].Summarize().HitTimes);
        }
    }

    /// <summary>
    /// With a target, a point stops at the first shard boundary of its complete prefix where the rule decides; shards of
    /// it that arrive earlier (solved ahead, out of order) are left out of samples.csv and the statistics, and the
    /// decision is the same whatever order the shards come in.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Shards_past_a_stop_are_left_out_whatever_their_order(bool reversed)
    {
        // TestSamples: outcomes cycle global, unresolved, diverged — half the non-diverged unresolved, far above 1%:
        // out of reach at the first look, after the first batch of 10.
        var json = TestCampaigns.Small.Replace("\"samples\": 23,", "\"samples\": 10, \"max_samples\": 23, \"target\": { \"saddle_upper95\": 0.01 },");
        var campaign = TestCampaigns.Parse(json);
        var dir = TestCampaigns.TempDir();
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        using var _ = store;
        var plan = campaign.Plan();
        var shards = reversed ? plan.Reverse().ToList() : plan.ToList();
        var stream = new SamplesCsvStream(campaign, dir, [], store!.ReadShard);
        foreach (var s in shards)
        {
            // Point 0's samples carry their Hessian counts (solved in this session: 2 × sample index); point 1's
            // do not (as records read back from a store).
            var samples = TestSamples.Of(s).Select(x => s.Point == 0 ? x with { HessianEvaluations = 2 * x.Sample } : x).ToArray();
            store.CommitShard(s, samples, "now");
            stream.Add(s, samples);
        }
        var looked = stream.TakeLooked();
        Assert.All(looked, l => Assert.Equal(2, l.PrefixShards));
        Assert.All(looked, l => Assert.Equal(StopReason.OutOfReach, l.State!.Stopped));
        // The allocation's cost input: mean gradient evaluations over the prefix (700 + i within each shard of 5).
        foreach (var l in looked)
        {
            var prefix = plan.Where(k => k.Point == l.Point && k.Index < l.PrefixShards).SelectMany(k => TestSamples.Of(k));
            Assert.Equal(prefix.Average(x => (double)x.RhsEvaluations), l.EvaluationsPerSample, 12);
            if (l.Point == 0) Assert.Equal(prefix.Average(x => 2.0 * x.Sample), l.HessiansPerSample, 12);
            else Assert.True(double.IsNaN(l.HessiansPerSample));
        }
        var stats = stream.Finish(Path.Combine(dir, "samples.csv"));
        Assert.All(stats, s => Assert.Equal(10, s.Count));
        Assert.Equal(1 + 2 * 10, File.ReadAllLines(Path.Combine(dir, "samples.csv")).Length);
        Assert.Equal(20, stream.Written);
        var walk = new PrefixWalk(campaign);
        Assert.Equal(20, walk.Filter(store.ReadSamples()).Count());    // status/report/export read the same prefixes
        Assert.True(walk.AllStopped);
    }

    [Fact]
    public void A_row_writes_nan_as_empty_negative_zero_as_zero_and_quotes_labels_with_commas()
    {
        var w = new StringWriter();
        OutputWriter.WriteCsvRow(w, layout: CsvLayout.With([ColumnPresence.Prop2Analysis]), s: new Sweep.Results.SampleRecord() { Point = 2, Sample = 17, Status = (Sweep.Numerics.Integration.SampleStatus)(0), Label = "{0,2}", FinalLoss = -0.0, CriticalValue = 1.125, StopTime = 60, HitTime = double.NaN, Steps = 42, RhsEvaluations = 253, GradientNorm = -1.5e-7, InvariantDrift = 3e-12, Itinerary = "{}@0 {0,2}@1.5", InvariantEigenvalues = "-0.0123:0.0456 0:0.03", TailRate = -0.0, Prop2Rate = 2.275 });
        Assert.Equal("2,17,converged,\"{0,2}\",0,1.125,60,,42,253,-1.5E-07,3E-12,global,,\"{}@0 {0,2}@1.5\",,,,-0.0123:0.0456 0:0.03,0,2.275\n", w.ToString());
    }
}

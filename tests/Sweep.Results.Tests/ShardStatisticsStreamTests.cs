using Sweep.Results.Output;
using Sweep.Campaigns;
using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

/// <summary>
/// The aggregate stream's cost report (the allocation's and the progress line's input): the mean gradient evaluations
/// and the mean Hessians per sample of each point's prefix, whether a worker encoded the shard (aggregate storage: the
/// statistics and the counts travel, not the records) or the records came themselves. Before, Hessians were always
/// NaN here, and the cost of a point whose samples are mostly eigendecompositions was counted as its gradients alone.
/// </summary>
public sealed class ShardStatisticsStreamTests
{
    [Fact]
    public void The_prefix_cost_counts_gradient_evaluations_and_hessians_from_encoded_shards_and_from_records()
    {
        var json = TestCampaigns.Small.Replace("\"samples\": 23,", "\"samples\": 10, \"max_samples\": 23, \"storage\": \"aggregate\", \"target\": { \"saddle_upper95\": 0.01 },");
        var campaign = TestCampaigns.Parse(json);
        Assert.True(campaign.AggregateOnly);
        var plan = campaign.Plan();
        var stream = new ShardStatisticsStream(campaign, [], _ => throw new InvalidOperationException("nothing is stored"));
        foreach (var s in plan)
        {
            // Hessians 3 × sample index, on every sample of point 0 and on the even samples of point 1 (odd ones carry no count).
            var samples = TestSamples.Of(s).Select(x => s.Point == 0 || x.Sample % 2 == 0 ? x with { HessianEvaluations = 3 * x.Sample } : x).ToArray();
            // Point 0 as a worker sends it (encoded, no records); point 1 as records.
            if (s.Point == 0) stream.Add(s, [], ShardOutput.Encode(samples, s.Point, campaign.Points[s.Point].Spec.Horizon, aggregate: true));
            else stream.Add(s, samples);
        }
        var looked = stream.TakeLooked();
        Assert.Equal(2, looked.Count);
        foreach (var l in looked)
        {
            var prefix = plan.Where(k => k.Point == l.Point && k.Index < l.PrefixShards).SelectMany(k => TestSamples.Of(k)).ToList();
            var counted = prefix.Where(x => l.Point == 0 || x.Sample % 2 == 0).ToList();
            Assert.Equal(prefix.Average(x => (double)x.RhsEvaluations), l.EvaluationsPerSample, 12);
            Assert.Equal(counted.Average(x => 3.0 * x.Sample), l.HessiansPerSample, 12);
        }
    }

    [Fact]
    public void An_aggregate_shard_output_carries_the_hessian_count_of_the_samples_that_have_one()
    {
        var samples = TestSamples.Of(new ShardKey(0, 0, 0, 6)).Select(x => x.Sample < 4 ? x with { HessianEvaluations = 10 + x.Sample } : x).ToArray();
        var o = ShardOutput.Encode(samples, 0, 50, aggregate: true);
        Assert.Equal((10L + 11 + 12 + 13, 4L), (o.Hessians, o.HessianSamples));
        Assert.Equal(samples.Sum(x => x.RhsEvaluations), o.Evaluations);
        Assert.Null(o.Blob);
    }
}

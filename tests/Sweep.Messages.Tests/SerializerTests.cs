using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Akka.Actor;
using Akka.Serialization;
using Sweep.Hosting;
using Sweep.Messages;
using Sweep.Campaigns;
using Sweep.Results;

namespace Sweep.Messages.Tests;

/// <summary>Round trips through the serializer as a node of the production wiring binds it.</summary>
public sealed class SerializerTests : IAsyncLifetime
{
    private SweepNode _node = null!;
    private ActorSystem Sys => _node.System;

    public async Task InitializeAsync() => _node = await SweepNode.StartAsync(new NodeOptions());

    public Task DisposeAsync() => _node.StopAsync(graceful: false);

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serialization = Sys.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<SweepSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var manifest = Serialization.ManifestFor(serializer, message);
        return (T)serialization.Deserialize(bytes, serializer.Identifier, manifest);
    }

    private static SampleRecord Sample(int point, long sample, bool traced) => new() { Point = point, Sample = sample, Status = (Sweep.Numerics.Integration.SampleStatus)(1), Label = "{0,2}", FinalLoss = 0.125, CriticalValue = 0.08, StopTime = 300, HitTime = double.NaN, Steps = 1234, RhsEvaluations = 8000, GradientNorm = 3.5e-7, InvariantDrift = 1e-9, TraceTime = traced ? [0, 1.5, 3] : null, TraceLoss = traced ? [4.2, 1.1, 0.08] : null };

    private static CampaignSpec Spec() => new("abc123", -7, [
        new PointSpec(0, new CanonicalProblemData([3, 1.5, 0.4], 4), [4, 4], 0.08, [1],
            new GradientFlowSettings(300, 1e-8, 1e-10), 1e-6, 1e-3, 2, Until.Certified, InitKind.Gaussian, [1, 0.5, 2], new AnalysisSettings(HessianScope.Uncertified, Invariants: true, Itinerary: true)),
        new PointSpec(1, new CovarianceProblemData(2, 1, [1, 0.5, 0.5, 2], [0.3, -0.2], 4.5, 0.125, true), [3], 0.1, [],
            new GradientDescentSettings(0.3, 20000), 1e-5, 1e-2, 0, Until.Hit, InitKind.Balanced, null, new AnalysisSettings(HessianScope.All, TailRate: true, Prop2: true)),
        new PointSpec(2, new CanonicalProblemData([2, 1], 3), [3, 3], 0.2, [], new MomentumSettings(0.05, 0.9, 5000), 1e-6, 1e-3, 0, Until.Converged, InitKind.Orthogonal),
        new PointSpec(3, new CanonicalProblemData([2, 1], 3), [3], 0.2, [], new NesterovSettings(0.04, 0.5, 7000), 1e-6, 1e-3, 1),
        new PointSpec(4, new CanonicalProblemData([2, 1], 3), [3], 0.2, [0], new AdamSettings(0.01, 0.85, 0.995, 1e-7, 9000), 1e-6, 1e-3, 0, Until.Hit),
        // sgd carries the raw examples (m = 3, example-major) beside the statistics.
        new PointSpec(5, new CovarianceProblemData(2, 1, [1, 0.5, 0.5, 2], [0.3, -0.2], 4.5, 0.125, false, [1, 0, 0.5, 1, -0.25, 2], [0.1, -0.3, 2.5]), [3], 0.1, [],
            new SgdSettings(0.02, 2, 500, 0.25, 3000), 1e-6, 1e-3, 0),
    ]);

    private static void AssertSpecEqual(CampaignSpec a, CampaignSpec b)
    {
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(a.Seed, b.Seed);
        Assert.Equal(a.Aggregate, b.Aggregate);
        Assert.Equal(a.Points.Length, b.Points.Length);
        for (int i = 0; i < a.Points.Length; i++)
        {
            var (x, y) = (a.Points[i], b.Points[i]);
            Assert.Equal(x.Index, y.Index);
            Assert.Equal(x.Problem.GetType(), y.Problem.GetType());
            Assert.Equal(x.Problem.InputDim, y.Problem.InputDim);
            Assert.Equal(x.Problem.OutputDim, y.Problem.OutputDim);
            switch (x.Problem, y.Problem)
            {
                case (CanonicalProblemData p, CanonicalProblemData q):
                    Assert.Equal(p.SingularValues, q.SingularValues);
                    break;
                case (CovarianceProblemData p, CovarianceProblemData q):
                    Assert.Equal(p.Cxx, q.Cxx);
                    Assert.Equal(p.Cyx, q.Cyx);
                    Assert.Equal(p.YNormSquared, q.YNormSquared);
                    Assert.Equal(p.GlobalMinimum, q.GlobalMinimum);
                    Assert.Equal(p.Whiten, q.Whiten);
                    Assert.Equal(p.ExamplesX, q.ExamplesX);
                    Assert.Equal(p.ExamplesY, q.ExamplesY);
                    break;
            }
            Assert.Equal(x.Hidden, y.Hidden);
            Assert.Equal(x.InitScale, y.InitScale);
            Assert.Equal(x.SuppressModes, y.SuppressModes);
            Assert.Equal(x.Dynamics, y.Dynamics);
            Assert.Equal(x.GradTolRel, y.GradTolRel);
            Assert.Equal(x.Until, y.Until);
            Assert.Equal(x.EpsHit, y.EpsHit);
            Assert.Equal(x.TraceSamples, y.TraceSamples);
            Assert.Equal(x.InitKind, y.InitKind);
            Assert.Equal(x.LayerScales, y.LayerScales);
            Assert.Equal(x.Analyses, y.Analyses);
        }
    }

    [Fact]
    public void RequestWork_round_trips()
    {
        Assert.Equal(new RequestWork("127.0.0.1:1:2#0", "h"), RoundTrip(new RequestWork("127.0.0.1:1:2#0", "h")));
        Assert.Equal(new RequestWork("w", null), RoundTrip(new RequestWork("w", null)));
        Assert.Equal(new RequestWork("w", "h", Prefetch: true), RoundTrip(new RequestWork("w", "h", Prefetch: true)));
        var bound = new RequestWork("w", "h", true, Bound: "abc", JoinToken: "t0k");
        Assert.Equal(bound, RoundTrip(bound));
        Assert.Equal(new RequestWork("w", null, Bound: "abc"), RoundTrip(new RequestWork("w", null, Bound: "abc")));
        var stated = new RequestWork("w", "h", true, "abc", "t0k", Numerics: "0123456789abcdef");
        Assert.Equal(stated, RoundTrip(stated));
    }

    [Fact]
    public void A_request_of_an_older_worker_reads_as_stating_no_numerics()
    {
        // The bytes an older build wrote: the same fields without the trailing numerics.
        var serializer = Sys.Serialization.FindSerializerFor(new RequestWork("w", null));
        var current = serializer.ToBinary(new RequestWork("w", "h", true, "abc", "t0k"));
        var older = current[..^1];     // the last byte is the absent numerics' null flag
        var read = (RequestWork)Sys.Serialization.Deserialize(older, serializer.Identifier, "RW");
        Assert.Equal(new RequestWork("w", "h", true, "abc", "t0k"), read);
        Assert.Null(read.Numerics);
    }

    [Fact]
    public void JoinRefused_round_trips()
    {
        var m = new JoinRefused("hash", "name", "bound to another campaign");
        Assert.Equal(m, RoundTrip(m));
    }

    [Fact]
    public void WorkAssignment_round_trips_with_and_without_spec()
    {
        var bare = new WorkAssignment("h", 42, 3, 7, 1750, 250, null);
        Assert.Equal(bare, RoundTrip(bare));
        var full = bare with { Spec = Spec() };
        var back = RoundTrip(full);
        Assert.Equal(full with { Spec = null }, back with { Spec = null });
        AssertSpecEqual(full.Spec!, back.Spec!);
        // Aggregate storage travels with the spec (the worker then sends statistics only).
        var aggregate = bare with { Spec = Spec() with { Aggregate = true } };
        Assert.True(RoundTrip(aggregate).Spec!.Aggregate);
    }

    [Fact]
    public void ShardCompleted_round_trips_the_output_the_worker_encoded()
    {
        SampleRecord[] samples = [Sample(2, 1250, true), Sample(2, 1251, false)];
        var output = Sweep.Results.Output.ShardOutput.Encode(samples, 2, 300, aggregate: false);
        var m = new ShardCompleted("w#1", "h", 9, 2, 5, samples, output);
        var back = RoundTrip(m);
        Assert.Equal(m.Samples, back.Samples);
        Assert.NotNull(back.Output);
        Assert.Equal(output.Statistics, back.Output!.Statistics);
        Assert.Equal(output.Evaluations, back.Output.Evaluations);
        Assert.Equal(16000, back.Output.Evaluations);
        Assert.Equal(output.Blob, back.Output.Blob);
        Assert.Equal(output.Csv, back.Output.Csv);
        Assert.Equal(output.Exact, back.Output.Exact);
        Assert.NotNull(back.Output.Exact);
        Assert.Equal((output.Hessians, output.HessianSamples), (back.Output.Hessians, back.Output.HessianSamples));
        Assert.Equal((m.WorkerId, m.CampaignHash, m.LeaseId, m.Point, m.ShardIndex), (back.WorkerId, back.CampaignHash, back.LeaseId, back.Point, back.ShardIndex));

        // Aggregate storage: statistics and evaluations only, no record, no blob, no rows.
        var aggregate = new ShardCompleted("w#1", "h", 9, 2, 5, [], Sweep.Results.Output.ShardOutput.Encode(samples, 2, 300, aggregate: true));
        var a = RoundTrip(aggregate);
        Assert.Empty(a.Samples);
        Assert.Null(a.Output!.Blob);
        Assert.Null(a.Output.Csv);
        Assert.Null(a.Output.Exact);
        Assert.Equal(aggregate.Output!.Statistics, a.Output.Statistics);

        // Full storage without traces: no record travels, the exact statistics stand in for them.
        var untraced = samples.Select(x => x with { TraceTime = null, TraceLoss = null }).ToArray();
        Assert.False(Sweep.Results.Output.ShardOutput.NeedsRecords(untraced, aggregate: false));
        Assert.True(Sweep.Results.Output.ShardOutput.NeedsRecords(samples, aggregate: false));     // one sample has a trace
        Assert.False(Sweep.Results.Output.ShardOutput.NeedsRecords(samples, aggregate: true));
        var bare = RoundTrip(new ShardCompleted("w#1", "h", 9, 2, 5, [], Sweep.Results.Output.ShardOutput.Encode(untraced, 2, 300, aggregate: false)));
        Assert.Empty(bare.Samples);
        Assert.Equal(2, Sweep.Results.Statistics.PointStatistics.DecodeExact(2, 300, bare.Output!.Exact!).Count);

        // Without an output (the coordinator encodes): null after the round trip too.
        Assert.Null(RoundTrip(new ShardCompleted("w", "h", 1, 2, 3, samples)).Output);
    }

    [Fact]
    public void NoWorkAvailable_round_trips() => Assert.Equal(new NoWorkAvailable("h", true), RoundTrip(new NoWorkAvailable("h", true)));

    [Fact]
    public void ShardCompleted_round_trips_every_field_including_NaN_and_traces()
    {
        var m = new ShardCompleted("w#1", "h", 9, 2, 5, [Sample(2, 1250, true) with { HessianEvaluations = 13 }, Sample(2, 1251, false)]);
        var back = RoundTrip(m);
        Assert.Equal(m with { Samples = [] }, back with { Samples = [] });
        Assert.Equal(m.Samples, back.Samples);
        Assert.True(double.IsNaN(back.Samples[0].HitTime));
        // The Hessian count is no column (record equality skips it) but travels to the coordinator's cost model.
        Assert.Equal([13L, -1], back.Samples.Select(s => s.HessianEvaluations));
    }

    [Fact]
    public void ShardCompleted_carries_every_declared_sample_column()
    {
        var samples = Enumerable.Range(0, 12).Select(TestSamples.Random).ToArray();
        var back = RoundTrip(new ShardCompleted("w", "h", 1, 2, 3, samples));
        Assert.Equal(samples, back.Samples);
    }

    [Fact]
    public void ShardFailed_round_trips() => Assert.Equal(new ShardFailed("w", "h", 1, 2, 3, "boom"), RoundTrip(new ShardFailed("w", "h", 1, 2, 3, "boom")));

    [Fact]
    public void StartWorker_round_trips() => Assert.Equal(new StartWorker("a:1:2#3"), RoundTrip(new StartWorker("a:1:2#3")));

    [Fact]
    public void Every_message_type_in_the_assembly_has_a_manifest()
    {
        var types = typeof(ISweepMessage).Assembly.GetTypes().Where(t => t.IsClass && typeof(ISweepMessage).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(types);
        var serializer = (SweepSerializer)Sys.Serialization.FindSerializerForType(typeof(RequestWork));
        foreach (var t in types)
        {
            var instance = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(t);
            Assert.False(string.IsNullOrEmpty(serializer.Manifest(instance)), t.Name);
        }
    }

    [Fact]
    public void Unknown_manifest_and_version_are_rejected()
    {
        var serializer = (SweepSerializer)Sys.Serialization.FindSerializerForType(typeof(RequestWork));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary([1], "??"));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary([99, 0], "RW"));
    }
}

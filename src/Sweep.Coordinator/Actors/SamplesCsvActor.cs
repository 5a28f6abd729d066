using Akka.Actor;
using Akka.Event;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Coordinator.Planning;
using Sweep.Results.Storage;
using Sweep.Messages;
using Sweep.Results;
using Sweep.Results.Statistics;

namespace Sweep.Coordinator.Actors;

/// <summary>A shard newly committed to the store, for samples.csv.</summary>
internal sealed record StreamShard(ShardKey Shard, SampleRecord[] Samples, ShardOutput? Encoded = null, PointStatistics? Statistics = null, PointStatistics? Exact = null);

/// <summary>
/// A point's complete prefix now holds <paramref name="PrefixShards"/> shards; with a target, its state (stopped or not,
/// samples to go), the mean gradient evaluations per sample of the prefix and the mean Hessians per sample of its
/// samples that carry the count (NaN: none does). Sent to the coordinator, which stops handing out a stopped point's
/// shards and allocates the rest.
/// </summary>
public sealed record PrefixAdvanced(int Point, int PrefixShards, TargetState? State, double EvaluationsPerSample = 0, double HessiansPerSample = double.NaN);

/// <summary>
/// The stream has walked the shards stored before this run (and reported every prefix and stop they decide): with a
/// target, the coordinator hands out shards only from then on, so a resume never hands out shards past stops that
/// the stored samples already decide.
/// </summary>
public sealed record StreamReady
{
    public static readonly StreamReady Instance = new();
}

/// <summary>
/// Streams samples.csv (<see cref="SamplesCsvStream"/>; with aggregate storage the shards' statistics alone,
/// <see cref="ShardStatisticsStream"/>) and writes the final outputs, on its own thread beside the store
/// writer, so that formatting rows (the larger share of the coordinator's work per sample) and committing shards run in
/// parallel. It reads shards back through its own read-only connection. Failures go to <c>reportTo</c> (the coordinator);
/// after one it ignores further shards.
/// </summary>
internal sealed class SamplesCsvActor : ReceiveActor
{
    private CampaignStore? _reader;
    private IShardStream? _csv;
    private bool _final;
    private readonly IActorRef _reportTo;
    private readonly SampleTarget? _target;

    public SamplesCsvActor(Campaign campaign, CampaignStore store, IReadOnlyList<(int Point, int Index)> storedShards,
        IReadOnlyDictionary<(int Point, int Index), ShardCost> storedCosts, string outputDirectory, IActorRef reportTo)
    {
        _reportTo = reportTo;
        _target = campaign.Target;
        string summaryPath = Path.Combine(outputDirectory, "summary.json"), samplesPath = Path.Combine(outputDirectory, "samples.csv");
        void Failed(Exception e) { _csv?.Dispose(); _csv = null; reportTo.Tell(new StoreFailed($"cannot write outputs to '{outputDirectory}': {Exhausted.Describe(e)}")); }
        try
        {
            _reader = store.OpenReader();
            var reader = _reader;
            _csv = campaign.AggregateOnly
                ? new ShardStatisticsStream(campaign, storedShards, reader.ReadShardStatistics, storedCosts)
                : new SamplesCsvStream(campaign, outputDirectory, storedShards, reader.ReadShard, storedCosts: storedCosts);
            Report();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException || Exhausted.Disk(e) || Exhausted.Memory(e)) { Failed(e); }
        reportTo.Tell(StreamReady.Instance);

        Receive<StreamShard>(s =>
        {
            try { _csv?.Add(s.Shard, s.Samples, s.Encoded, s.Statistics, s.Exact); Report(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException || Exhausted.Disk(e) || Exhausted.Memory(e)) { Failed(e); }
        });
        // The periodic summary.json of a running campaign; once the final one is written (or failed), no more.
        Receive<LiveSummary>(l =>
        {
            if (_final) return;
            try { OutputWriter.WriteSummary(summaryPath, l.Summary); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Context.GetLogger().Warning("cannot update {0}: {1}", summaryPath, e.Message);
            }
        });
        Receive<WriteOutputs>(_ =>
        {
            _final = true;
            try
            {
                var csv = _csv ?? throw new InvalidOperationException("samples.csv could not be written (see the earlier error)");
                var stats = csv.Finish(samplesPath);
                OutputWriter.WriteSummary(summaryPath, OutputWriter.Summary(campaign, stats, csv.Written, complete: true, csv.States));
                Sender.Tell(new CampaignFinished(summaryPath, campaign.AggregateOnly ? null : samplesPath) { Points = stats.Select(x => x.Summarize()).ToList(), Targets = csv.States });
            }
            catch (Exception e)
            {
                // Any failure here must end the campaign with a message: a restarted actor would never answer.
                Sender.Tell(new StoreFailed($"cannot write outputs to '{outputDirectory}': {Exhausted.Describe(e)}"));
            }
        });
    }

    // Only campaigns with a target stop points early; the coordinator needs no reports otherwise.
    private void Report()
    {
        if (_csv is null || _target is null) return;
        foreach (var (point, shards, state, evaluations, hessians) in _csv.TakeLooked()) _reportTo.Tell(new PrefixAdvanced(point, shards, state, evaluations, hessians));
    }

    protected override void PostStop()
    {
        _csv?.Dispose();
        _reader?.Dispose();
    }
}

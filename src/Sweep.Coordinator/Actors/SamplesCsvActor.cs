using Akka.Actor;
using Akka.Event;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Coordinator.Planning;
using Sweep.Results.Storage;
using Sweep.Messages;
using Sweep.Results;

namespace Sweep.Coordinator.Actors;

/// <summary>A shard newly committed to the store, for samples.csv.</summary>
internal sealed record StreamShard(ShardKey Shard, SampleRecord[] Samples);

/// <summary>
/// Streams samples.csv (<see cref="SamplesCsvStream"/>) and writes the final outputs, on its own thread beside the store
/// writer, so that formatting rows (the larger share of the coordinator's work per sample) and committing shards run in
/// parallel. It reads shards back through its own read-only connection. Failures go to <c>reportTo</c> (the coordinator);
/// after one it ignores further shards.
/// </summary>
internal sealed class SamplesCsvActor : ReceiveActor
{
    private CampaignStore? _reader;
    private SamplesCsvStream? _csv;
    private bool _final;

    public SamplesCsvActor(Campaign campaign, CampaignStore store, IReadOnlyList<(int Point, int Index)> storedShards, string outputDirectory, IActorRef reportTo)
    {
        string summaryPath = Path.Combine(outputDirectory, "summary.json"), samplesPath = Path.Combine(outputDirectory, "samples.csv");
        void Failed(Exception e) { _csv = null; reportTo.Tell(new StoreFailed($"cannot write outputs to '{outputDirectory}': {e.Message}")); }
        try
        {
            _reader = store.OpenReader();
            _csv = new SamplesCsvStream(campaign, outputDirectory, storedShards, _reader.ReadShard);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException) { Failed(e); }

        Receive<StreamShard>(s =>
        {
            try { _csv?.Add(s.Shard, s.Samples); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException) { Failed(e); }
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
                OutputWriter.WriteSummary(summaryPath, OutputWriter.Summary(campaign, stats, csv.Written, complete: true));
                Sender.Tell(new CampaignFinished(summaryPath, samplesPath));
            }
            catch (Exception e)
            {
                // Any failure here must end the campaign with a message: a restarted actor would never answer.
                Sender.Tell(new StoreFailed($"cannot write outputs to '{outputDirectory}': {e.Message}"));
            }
        });
    }

    protected override void PostStop() => _reader?.Dispose();
}

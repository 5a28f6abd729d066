using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;
using Sweep.Coordinator;
using Sweep.Coordinator.Actors;
using Sweep.Campaigns;
using Sweep.Hosting;
using Sweep.Results.Storage;
using Sweep.Messages;
using Sweep.Results;

namespace Sweep.Cli;

/// <summary>
/// `sweep bench --coordinator`: how many shard results per second the coordinator (ledger, SQLite commit, aggregator)
/// handles when the work itself is trivial: fake workers answer every lease at once with synthetic samples.
/// </summary>
public static class CoordinatorCapacity
{
    /// <summary>CPU-seconds the fake workers spent making and encoding their results (their own threads), summed.</summary>
    private static long _workerCpuTicks;

    private sealed class InstantWorker : ReceiveActor
    {
        public InstantWorker(string id, IActorRef coordinator, Campaign campaign, bool workersEncode)
        {
            string? known = null;
            Receive<WorkAssignment>(a =>
            {
                known = a.CampaignHash;
                // What a real worker does after solving, timed on this thread: the coordinator's share is the rest.
                double start = ThreadCpu.Seconds();
                var samples = new SampleRecord[a.Count];
                for (int i = 0; i < a.Count; i++)
                    samples[i] = new SampleRecord() { Point = a.Point, Sample = a.FirstSample + i, Status = (Sweep.Numerics.Integration.SampleStatus)(0), Label = "{0,1,2,3}", FinalLoss = 1e-12, CriticalValue = 0, StopTime = 42, HitTime = 17 + 1e-3 * (i % 97), Steps = 100, RhsEvaluations = 700, GradientNorm = 1e-7, InvariantDrift = 1e-9 };
                var result = workersEncode
                    ? new ShardCompleted(id, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, Sweep.Results.Output.ShardOutput.NeedsRecords(samples, campaign.AggregateOnly) ? samples : [],
                        Sweep.Results.Output.ShardOutput.Encode(samples, a.Point, campaign.Points[a.Point].Spec.Horizon, campaign.AggregateOnly, Sweep.Results.CsvLayout.For(campaign)))
                    : new ShardCompleted(id, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, samples);
                Interlocked.Add(ref _workerCpuTicks, (long)((ThreadCpu.Seconds() - start) * 1e7));
                coordinator.Tell(result);
                coordinator.Tell(new RequestWork(id, known));
            });
            Receive<NoWorkAvailable>(_ => { });
            coordinator.Tell(new RequestWork(id, null));
        }
    }

    /// <param name="workersEncode">The fake workers encode each shard's statistics, blob and rows as real workers do
    /// (false: they send records only and the coordinator encodes, as before wire format 7).</param>
    /// <param name="warmupShards">Shards of a first, unmeasured job of the same shape in the same process (0: none), so
    /// that the measured one runs compiled code: the runtime's tiered compilation of the coordinator's paths is a fixed
    /// cost (about 0.5–0.7 CPU-s on 2 vCPUs) that a long campaign pays once, and it is reported on its own.</param>
    public static async Task<JsonObject> Measure(int shards, int shardSize, int workers, bool aggregate = false, bool workersEncode = true, int warmupShards = 0)
    {
        JsonObject? warmup = warmupShards > 0 ? await MeasureOnce(warmupShards, shardSize, workers, aggregate, workersEncode) : null;
        var measured = await MeasureOnce(shards, shardSize, workers, aggregate, workersEncode);
        measured["warmup_shards"] = warmupShards;
        if (warmup is not null)
        {
            measured["warmup_cpu_seconds"] = warmup["cpu_seconds"]!.DeepClone();
            measured["warmup_coordinator_cpu_seconds"] = warmup["coordinator_cpu_seconds"]?.DeepClone();
        }
        return measured;
    }

    private static async Task<JsonObject> MeasureOnce(int shards, int shardSize, int workers, bool aggregate, bool workersEncode)
    {
        string json = $$"""
            { "name": "coordinator-capacity", "seed": 1,
              "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
              "network": { "hidden": [4, 4] }, "init": { "kind": "gaussian", "scale": 0.3 },
              "dynamics": { "method": "flow", "t_max": 1 }, "samples": {{(long)shards * shardSize}}, "shard_size": {{shardSize}}{{(aggregate ? ", \"storage\": \"aggregate\"" : "")}} }
            """;
        var campaign = CampaignLoader.Parse(json, ".");
        string dir = Path.Combine(Path.GetTempPath(), "sweep-coordinator-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir, campaign.Points.Select(p => p.Spec.Horizon).ToArray(), storage: campaign.Storage);
            using (store)
            {
                var node = await SweepNode.StartAsync(new NodeOptions { UseSerilog = true, Tls = TlsOptions.Ephemeral(), Coordinator = new CoordinatorSetup(campaign, store, new CoordinatorOptions(dir)) });
                try
                {
                    var process = Process.GetCurrentProcess();
                    var cpuStart = process.TotalProcessorTime;
                    var sw = Stopwatch.StartNew();
                    Interlocked.Exchange(ref _workerCpuTicks, 0);
                    for (int w = 0; w < workers; w++) node.System.ActorOf(Props.Create(() => new InstantWorker($"w#{w}", node.Coordinator, campaign, workersEncode)));
                    await node.Coordinator.Ask<object>(NotifyWhenFinished.Instance, TimeSpan.FromMinutes(30));
                    double seconds = sw.Elapsed.TotalSeconds;
                    process.Refresh();
                    // CPU of the whole process over the same interval: the coordinator's actors, Akka, and the fake
                    // workers making synthetic samples (an upper bound on the coordinator's own cost). On a shared,
                    // loaded machine wall-clock rates scatter; per CPU-second they hold.
                    double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
                    // The fake workers' own CPU (making and, with workersEncode, encoding the results), measured per
                    // thread where the OS offers it (Linux); the rest is the coordinator's, Akka's and the runtime's.
                    double workerCpu = Interlocked.Read(ref _workerCpuTicks) / 1e7, coordinatorCpu = cpu - workerCpu;
                    return new JsonObject
                    {
                        ["bench"] = "coordinator",
                        ["shards"] = shards,
                        ["shard_size"] = shardSize,
                        ["fake_workers"] = workers,
                        ["storage"] = aggregate ? "aggregate" : "full",
                        ["seconds"] = Math.Round(seconds, 3),
                        ["shards_per_s"] = shards / seconds,
                        ["samples_per_s"] = (double)shards * shardSize / seconds,
                        ["cpu_seconds"] = Math.Round(cpu, 3),
                        ["shards_per_cpu_s"] = shards / cpu,
                        ["samples_per_cpu_s"] = (double)shards * shardSize / cpu,
                        ["cpu_us_per_shard"] = Math.Round(cpu * 1e6 / shards, 1),
                        ["cpu_us_per_sample"] = Math.Round(cpu * 1e6 / ((double)shards * shardSize), 3),
                        ["encoded_by"] = workersEncode ? "workers" : "coordinator",
                        ["fake_worker_cpu_seconds"] = ThreadCpu.Available ? Math.Round(workerCpu, 3) : null,
                        ["coordinator_cpu_seconds"] = ThreadCpu.Available ? Math.Round(coordinatorCpu, 3) : null,
                        ["coordinator_shards_per_cpu_s"] = ThreadCpu.Available ? shards / coordinatorCpu : null,
                        ["coordinator_samples_per_cpu_s"] = ThreadCpu.Available ? (double)shards * shardSize / coordinatorCpu : null,
                    };
                }
                finally { await SweepClusterShutdown.TerminateQuietly(node, graceful: false); }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}

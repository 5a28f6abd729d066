using System.Globalization;
using System.Text.Json.Nodes;
using Sweep.Campaigns;
using Sweep.Messages;
using Sweep.Numerics;
using Sweep.Results;
using Sweep.Worker;

namespace Sweep.Cli;

/// <summary>
/// `sweep bench --lane-sharing CAMPAIGN`: the campaign's shards, in the plan's order, solved on one thread two ways —
/// one shard at a time (each shard's lanes empty as its last samples run: the worker before lanes were shared) and
/// through one set of lanes across shards and points (<see cref="SolverThread"/>'s rule, with a coordinator that answers
/// at once: a shard is taken while fewer than <see cref="WorkerProtocol.MaxLeasesPerWorker"/> are unfinished). The
/// two alternate, the order swapped every repeat. Each run prints one JSON line: CPU seconds of the thread, CPU per
/// sample, batch steps, lane-steps and the lane occupancy (lane-steps / (batch steps × width)). The records of the two
/// ways are compared bit for bit (exit 1 if any differ).
/// </summary>
public static class LaneBench
{
    public static int Execute(string campaignPath, int repeats)
    {
        var campaign = CampaignLoader.Load(campaignPath);
        var spec = campaign.Spec;
        var plan = campaign.Plan();
        // Warm-up (JIT of both paths, to the optimised tier) on the first shards, outside every measured run.
        var warm = plan.Take(Math.Min(plan.Count, 2 * spec.Points.Length)).ToArray();
        for (int w = 0; w < 2; w++)
        {
            var apart = new ShardRunner(spec);
            foreach (var s in warm) apart.Run(s.Point, s.FirstSample, s.Count);
            Shared(new ShardRunner(spec), warm);
        }
        SampleRecord[]? reference = null;
        for (int r = 0; r < repeats; r++)
            foreach (bool shared in r % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var runner = new ShardRunner(spec);
                double c0 = IntegratorBench.ThreadCpuSeconds();
                var records = shared ? Shared(runner, plan) : plan.SelectMany(s => runner.Run(s.Point, s.FirstSample, s.Count)).ToArray();
                double cpu = IntegratorBench.ThreadCpuSeconds() - c0;
                Array.Sort(records, (a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : a.Sample.CompareTo(b.Sample));
                if (reference is null) reference = records;
                else if (!reference.SequenceEqual(records))
                {
                    Console.Error.WriteLine("error: the records of one shard at a time and of shared lanes differ");
                    return 1;
                }
                long batchSteps = 0, laneSteps = 0;
                int width = 0;
                foreach (int point in Enumerable.Range(0, spec.Points.Length).DistinctBy(runner.GroupOf))
                {
                    var solver = runner.SolverOf(point);
                    (long b, long l) = solver.Occupancy;
                    batchSteps += b;
                    laneSteps += l;
                    width = solver.Width;
                }
                Console.WriteLine(new JsonObject
                {
                    ["campaign"] = campaign.Name,
                    ["lanes"] = shared ? "shared" : "per_shard",
                    ["repeat"] = r,
                    ["samples"] = records.Length,
                    ["shards"] = plan.Count,
                    ["cpu_s"] = Math.Round(cpu, 3),
                    ["cpu_ms_per_sample"] = Math.Round(1e3 * cpu / records.Length, 3),
                    ["width"] = width,
                    ["batch_steps"] = batchSteps,
                    ["lane_steps"] = laneSteps,
                    ["occupancy"] = batchSteps == 0 ? null : Math.Round((double)laneSteps / (batchSteps * width), 4),
                }.ToJsonString());
            }
        return 0;
    }

    /// <summary>The shards through shared lanes, as a worker entity's solver thread takes them.</summary>
    private static SampleRecord[] Shared(ShardRunner runner, IReadOnlyList<ShardKey> shards)
    {
        var records = new List<SampleRecord>();
        var feed = new Feed(runner, shards, records);
        while (feed.Next < shards.Count)
        {
            feed.Group = runner.GroupOf(shards[feed.Next].Point);
            runner.SolverOf(shards[feed.Next].Point).SolveFeed(feed);
        }
        return records.ToArray();
    }

    private sealed class Feed(ShardRunner runner, IReadOnlyList<ShardKey> shards, List<SampleRecord> records) : ISampleFeed
    {
        public int Next;
        public int Group;
        private int _unfinished;

        SampleBatch? ISampleFeed.Next()
        {
            if (Next >= shards.Count || _unfinished >= WorkerProtocol.MaxLeasesPerWorker || runner.GroupOf(shards[Next].Point) != Group) return null;
            var s = shards[Next++];
            _unfinished++;
            return runner.Batch(s.Point, s.FirstSample, s.Count);
        }

        void ISampleFeed.Completed(SampleBatch batch)
        {
            _unfinished--;
            records.AddRange(ShardRunner.Records(batch));
        }
    }
}

using System.Runtime.InteropServices;
using Akka.Actor;
using Serilog;
using Sweep.Coordinator.Actors;
using Sweep.Campaigns;
using Sweep.Hosting;
using Sweep.Results.Output;
using Sweep.Results.Storage;
using Sweep.Coordinator;

namespace Sweep.Cli;

/// <summary>`sweep run` (one process, a one-node cluster with both roles) and `sweep coordinator` (coordinator role only).</summary>
public static class RunCommand
{
    // `run` has no other nodes: its credential never leaves the process, so no other process can join it.
    public static Task<int> Execute(string campaignPath, string outDir, int workers, IReadOnlyList<string>? sets = null) =>
        Run(campaignPath, outDir, workers, port: 0, new ClusterNetwork("127.0.0.1", null, Insecure: false), coordinatorOnly: false, joinTokenFile: null, sets ?? []);

    // `coordinator` solves nothing itself unless asked: worker entities belong on worker nodes.
    public static Task<int> ExecuteCoordinator(string campaignPath, string outDir, int port, int workers, ClusterNetwork network, string? joinTokenFile = null, IReadOnlyList<string>? sets = null) =>
        Run(campaignPath, outDir, workers, port, network, coordinatorOnly: true, joinTokenFile, sets ?? []);

    private static async Task<int> Run(string campaignPath, string outDir, int workers, int port, ClusterNetwork network, bool coordinatorOnly, string? joinTokenFile, IReadOnlyList<string> sets)
    {
        string host = network.Host;
        // What this build computes (≈ 0.2 s of small trajectories): measured beside the checks below.
        var numerics = Task.Run(() => Sweep.Worker.NumericsFingerprint.Current);

        // 1. Validate everything before touching DIR.
        // --set overrides are applied before validation: the stored campaign (and its hash) is the overridden one.
        var campaign = CampaignLoader.Load(campaignPath, overrides: sets);
        // Remote workers send each shard's result in one message: one that could exceed the remoting frame would be
        // dropped and the campaign would stall, so such a campaign is refused here (`run` keeps its messages in-process).
        if (coordinatorOnly) RefuseOversizeShards(campaign);
        if (joinTokenFile is not null && network.Insecure)
            throw new UserError("--join-token: a coordinator started with --insecure admits anyone, so it takes no join token; use TLS");
        // A token given must be this campaign's: checked before DIR is touched.
        if (joinTokenFile is not null) JoinTokenFile.ForCoordinator(outDir, campaign.Hash, campaign.Name, joinTokenFile);

        // Echoed as printable text: a path may hold newlines or escapes.
        string shown = UserError.Printable(outDir);
        // A folder without write permission (even for root) is read-only for `run` as for the readers: refused, untouched.
        if (ReadOnlyFolder.Is(outDir))
            throw new UserError($"'{shown}' is read-only (no write permission); `run` stores its campaign there, so it is left untouched. Read it with status, report or export, or run into a writable --out directory.");

        // 2. Claim DIR and open (or create) the durable store. A non-empty folder that holds no campaign store is someone
        // else's: refused, never written into (a lock file or logs left by an earlier attempt of ours are not content).
        if (Directory.Exists(outDir) && !File.Exists(CampaignStore.PathIn(outDir))
            && Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName).Any(n => n is not (".lock" or "logs")))
            throw new UserError($"'{outDir}' is not empty and holds no campaign (no {CampaignStore.FileName}); it is left untouched. Use a new or empty --out directory.");
        try { Directory.CreateDirectory(outDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserError($"cannot create '{outDir}': {e.Message}"); }
        using var runLock = RunLock.Acquire(outDir);
        // A DIR that holds another campaign (or this file edited since) is refused here, before anything is written; one
        // that holds this campaign with fewer samples (or a looser target) grows into it (CampaignGrowth), anything else
        // that changes only samples, max_samples or target is refused naming the key.
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(campaignPath))!;
        // A store whose samples were computed with other numerics is refused before its resume changes anything.
        Provenance.MeasuredNumerics(await numerics);
        var build = Provenance.Current;
        var (store, resumed) = CampaignStore.OpenForCampaign(outDir, campaign.NormalizedJson, campaign.Hash, campaign.Name,
            baseDir, campaign.Points.Select(p => p.Spec.Horizon).ToArray(), campaign.LegacyHash, campaign.Storage,
            grow: (json, hash, storedBase) => CampaignGrowth.Between(json, hash, storedBase, campaign, baseDir),
            admit: existing => StoreProvenance.RefuseOtherNumerics(existing, build, shown));
        using var _ = store;
        if (store.Grown is { } grown)
        {
            Console.WriteLine($"growing '{campaign.Name}' in {UserError.Printable(outDir)}: {grown.Describe()}"
                + (store.RecomputedByGrowth > 0 ? $"; {store.RecomputedByGrowth} short shard(s) the new plan cuts longer are recomputed" : ""));
        }
        // A store written before the flow integrator auto existed resumes as it was run: by dp45, never a mix.
        if (resumed && campaign.LegacyHash is { } legacy && store.TryGetMeta("hash") == legacy)
        {
            campaign = CampaignLoader.Load(campaignPath, Sweep.Numerics.Integration.FlowIntegrator.Dp45, sets);
            Console.Error.WriteLine("note: this store was written before dynamics.integrator existed; it resumes with \"dp45\", the integrator it was run with");
        }
        ConfigureLogging(outDir);
        if (store.Grown is { } growth)
            Log.Information("campaign {Name} grown to hash {Hash}: {Changes}; {Recomputed} shard(s) to recompute", campaign.Name, growth.Hash, growth.Describe(), store.RecomputedByGrowth);
        foreach (var w in campaign.Warnings) Console.Error.WriteLine($"warning: {w}");
        foreach (var d in store.Repaired)
        {
            Console.Error.WriteLine($"warning: damaged shard in the store ({d}); it was deleted and will be recomputed");
            Log.Warning("damaged shard in the store ({Shard}); deleted, to be recomputed", d);
        }
        // Which build runs this campaign, recorded in the store; a resume by a build whose numerics are not known to match says so.
        if (StoreProvenance.Record(store, build) is { } buildWarning)
        {
            Console.Error.WriteLine($"warning: {buildWarning}");
            Log.Warning("{Warning}", buildWarning);
        }
        Log.Information("provenance {Provenance}, numerics {Numerics}", build.ToString(), build.Numerics);
        long already = store.SampleCount();
        if (resumed)
            Console.WriteLine($"resuming '{campaign.Name}' in {shown}: {already} of {campaign.TotalSamples} samples already stored; finished shards are not recomputed");
        else
            Console.WriteLine(campaign.Target is { } target
                ? $"campaign '{campaign.Name}': {campaign.Points.Count} point(s), target {target}: first {campaign.Samples}, at most {campaign.MaxSamples} samples each, shards of {campaign.ShardSize} → {shown}"
                : $"campaign '{campaign.Name}': {campaign.Points.Count} point(s) × {campaign.Samples} samples, shards of {campaign.ShardSize} → {shown}");
        Log.Information("campaign {Name} hash {Hash} resumed={Resumed} stored={Stored}", campaign.Name, campaign.Hash, resumed, already);
        StartupTrace.Mark("campaign loaded, store open");

        // 3. Who may join: the user's certificates; plain TCP only with --insecure; otherwise a credential made now, kept
        // in memory by `run` and written owner-only under DIR by a (loopback) coordinator for its local workers.
        var tls = network.Tls;
        string? credentialPath = null;
        if (network.Insecure) ClusterArgs.WarnInsecure(network);
        else if (tls is null)
        {
            tls = TlsOptions.Ephemeral();
            if (coordinatorOnly) credentialPath = CredentialFile.Write(outDir, tls);
        }
        using var __ = new Cleanup(credentialPath);
        // Which campaign workers may serve here: the join token (per campaign and output folder, kept across restarts)
        // binds them to it, so a certificate or credential of another campaign opens nothing here. --insecure admits
        // anyone anyway; `run` has no other nodes.
        JoinToken? joinToken = null;
        string? joinTokenPath = null;
        if (coordinatorOnly && !network.Insecure)
            (joinToken, joinTokenPath) = JoinTokenFile.ForCoordinator(outDir, campaign.Hash, campaign.Name, joinTokenFile);

        // 4. The cluster: one node with both features for `run`; the coordinator (plus optional local workers) otherwise.
        var options = new NodeOptions
        {
            Host = host, Port = port, Tls = tls, UseSerilog = true, Workers = workers, Alone = !coordinatorOnly,
            Coordinator = new CoordinatorSetup(campaign, store, new CoordinatorOptions(outDir) { JoinToken = joinToken?.Secret, Numerics = build.Numerics }),
            Binding = new Sweep.Worker.CampaignBinding(campaign.Hash, joinToken?.Secret),
            Numerics = build.Numerics,
        };
        // Ctrl-C and SIGTERM stop gracefully: no more shards are handed out, the shards in flight finish and commit
        // (for up to DrainTimeout; a second signal stops at once), the node leaves its cluster, and the campaign is
        // left resumable. Exit code 128 + the signal's number, as shells report it: 130 (SIGINT), 143 (SIGTERM).
        using var interrupt = new Interrupt();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var node = await SweepNode.StartAsync(options);
        StartupTrace.Mark("node up in its cluster");
        try
        {
            if (coordinatorOnly)
            {
                var self = node.Address;
                string join = tls is null ? "--insecure" : credentialPath is null ? $"--tls-cert NODE.pfx --tls-ca CA.pem --join-token {joinTokenPath}" : $"--credential {credentialPath}";
                Console.WriteLine($"campaign '{campaign.Name}' {campaign.Hash[..12]}: workers serve only it" + (joinTokenPath is null ? "" : $" (join token {joinTokenPath})"));
                Console.WriteLine($"coordinator listening on {self.Host}:{self.Port}{(tls is null ? " without TLS" : " (mutual TLS)")}; start workers with: sweep worker --seed {self.Host}:{self.Port} {join}");
            }
            var done = node.Coordinator.Ask<object>(NotifyWhenFinished.Instance, Timeout.InfiniteTimeSpan);
            await new ProgressView(node.Aggregator).RunUntil(Task.WhenAny(done, interrupt.First));
            if (!done.IsCompleted && interrupt.First.IsCompleted)
                return await Stop(node, store, campaign, interrupt, done, outDir);
            var result = await done;
            StartupTrace.Mark("outputs written");
            if (result is CampaignFailed f)
            {
                Program.WriteFailureLine($"error: {f.Message}");
                return 1;
            }
            var finished = (CampaignFinished)result;
            // The statistics summary.json holds (with a target, only each point's samples up to its stop).
            var final = finished.Points ?? (await node.Aggregator.Ask<Progress>(GetProgress.Instance, TimeSpan.FromSeconds(30))).Points;
            SummaryTable.Print(campaign, final, finished.Targets, $"per point (labels at the stop, time quantiles, target): sweep status {UserError.Printable(outDir)} --points");
            Console.WriteLine(finished.SamplesPath is { } samplesPath
                ? $"wrote {UserError.Printable(finished.SummaryPath)} and {UserError.Printable(samplesPath)}"
                : $"wrote {UserError.Printable(finished.SummaryPath)}; samples.csv {OutputWriter.NoSamplesCsv}");
            // Comparable with `sweep bench`: every sample solved by this process, over everything from cluster start to
            // the written outputs.
            long solved = store.SampleCount() - already;
            double seconds = clock.Elapsed.TotalSeconds;
            if (solved > 0)
            {
                Console.WriteLine($"solved {solved} samples in {seconds:F1} s: {solved / seconds:F0} samples/s");
                Log.Information("solved {Solved} samples in {Seconds:F2} s: {Rate:F0} samples/s", solved, seconds, solved / seconds);
            }
            if (coordinatorOnly) await WaitForWorkersToLeave(node, WorkerLeaveTimeout);
            return 0;
        }
        finally
        {
            // A coordinator leaves its cluster gracefully; a one-node `run` has nobody to tell.
            await SweepClusterShutdown.TerminateQuietly(node, graceful: coordinatorOnly);
            StartupTrace.Mark("node stopped");
        }
    }

    /// <summary>How long an interrupted run waits for the shards in flight to come back and commit.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long a finished coordinator stays up so that its workers hear the campaign is done and leave.</summary>
    internal static readonly TimeSpan WorkerLeaveTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A <see cref="UserError"/> when a shard's result could exceed the remoting frame (<see cref="ShardMessageBound"/>),
    /// naming shard_size, the bound and the largest shard_size that fits.
    /// </summary>
    internal static void RefuseOversizeShards(Campaign campaign)
    {
        long bound = ShardMessageBound.Shard(campaign);
        if (bound <= Sweep.Messages.WorkerProtocol.MaxFrameBytes) return;
        long fits = ShardMessageBound.MaxShardSize(campaign, Sweep.Messages.WorkerProtocol.MaxFrameBytes);
        throw new UserError($"shard_size {campaign.ShardSize}: a shard's result could take up to {bound / 1048576.0:F1} MiB on the wire "
            + $"(at most {ShardMessageBound.PerSample(campaign)} bytes a sample for this campaign{(campaign.AggregateOnly ? "" : ": row, blob and statistics, itineraries and eigenvalues where asked")}"
            + $"{(!campaign.AggregateOnly && campaign.Points.Any(p => p.Spec.TraceSamples > 0) ? $", plus {ShardMessageBound.TraceBytes} for each traced sample" : "")}), "
            + $"over the cluster's message limit of {Sweep.Messages.WorkerProtocol.MaxFrameBytes / 1048576} MiB; lower shard_size to at most {fits}"
            + (campaign.AggregateOnly || campaign.Points.Any(p => p.Spec.TraceSamples > 0 || p.Spec.Analyses is { Itinerary: true } or { TailRate: true } or { Invariants: true })
                ? "" : " (or use \"storage\": \"aggregate\")"));
    }

    private static async Task<int> Stop(SweepNode node, CampaignStore store, Campaign campaign, Interrupt interrupt, Task<object> done, string outDir)
    {
        var signal = await interrupt.First;
        Console.Error.WriteLine($"{signal}: stopping; waiting for the shards in flight (up to {DrainTimeout.TotalSeconds:F0} s, again to stop at once)");
        Log.Warning("{Signal} received: stopping gracefully", signal.ToString());
        var drained = node.Coordinator.Ask<Drained>(StopHandingOut.Instance, Timeout.InfiniteTimeSpan);
        await Task.WhenAny(drained, done, interrupt.Second, Task.Delay(DrainTimeout));
        if (done.IsCompleted && await done is CampaignFinished)
        {
            // It finished while draining: the outputs are complete and written.
            Console.WriteLine($"finished before stopping: {store.SampleCount()} samples stored");
            return 0;
        }
        await SweepClusterShutdown.TerminateQuietly(node, graceful: true);
        // Scratch a resumed run rebuilds from the store anyway.
        foreach (var tmp in new[] { Path.Combine(outDir, "samples.csv.parts"), Path.Combine(outDir, "summary.json.tmp"), Path.Combine(outDir, "samples.csv.tmp") })
        {
            try
            {
                if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
                else if (File.Exists(tmp)) File.Delete(tmp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Log.Warning("cannot remove {Path}: {Message}", tmp, e.Message); }
        }
        long stored = store.SampleCount();
        Console.Error.WriteLine($"interrupted after {stored}/{campaign.TotalSamples} samples; run the same command to resume");
        Log.Warning("interrupted after {Done}/{Total} samples", stored, campaign.TotalSamples);
        return signal == PosixSignal.SIGINT ? 130 : 143;
    }

    /// <summary>Waits until no worker-role node is left in the cluster (they ask, hear the campaign is finished and leave), or the timeout.</summary>
    private static async Task WaitForWorkersToLeave(SweepNode node, TimeSpan timeout)
    {
        var cluster = Akka.Cluster.Cluster.Get(node.System);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && cluster.State.Members.Any(m => m.HasRole(Sweep.Messages.NodeRoles.Worker) && !m.Address.Equals(cluster.SelfAddress)))
            await Task.Delay(200);
    }

    internal static void ConfigureLogging(string outDir) => SweepLogging.ToDirectory(outDir);

    /// <summary>Removes the coordinator's credential file when it stops, whatever the way (a killed one leaves it; the next start replaces it).</summary>
    private sealed class Cleanup(string? credentialPath) : IDisposable
    {
        public void Dispose()
        {
            if (credentialPath is not null) CredentialFile.Delete(credentialPath);
        }
    }
}

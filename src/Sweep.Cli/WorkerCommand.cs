using Akka.Actor;
using Sweep.Coordinator.Hosting;
using Sweep.Worker;

namespace Sweep.Cli;

/// <summary>`sweep worker --seed H:P`: joins the coordinator's cluster with the worker role and solves shards until stopped.</summary>
public static class WorkerCommand
{
    public static async Task<int> Execute(Args args)
    {
        string seed = args.Get("seed") ?? throw new UsageException("--seed HOST:PORT is required");
        var parts = seed.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], out var sp) || sp < 1 || sp > 65535) throw new UsageException($"--seed must be HOST:PORT (got '{seed}')");
        int workers = args.GetInt("workers", Environment.ProcessorCount, max: 1024);
        string host = args.Get("host") ?? "127.0.0.1";
        int port = args.GetInt("port", 0, min: 0, max: 65535);
        Insecure.Warn(host);
        var system = await SweepCluster.StartNodeAsync(new NodeOptions(host, port, [WorkerSharding.Role], seed), TimeSpan.FromSeconds(60));
        system.StartWorkers(new WorkerOptions(workers, SweepCluster.CoordinatorPath(seed)));
        Console.WriteLine($"worker node joined {seed} with {workers} worker(s); Ctrl-C to leave");
        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
        await Task.WhenAny(stop.Task, system.WhenTerminated);
        await Akka.Cluster.Cluster.Get(system).LeaveAsync();
        await SweepClusterShutdown.TerminateQuietly(system);
        return 0;
    }
}

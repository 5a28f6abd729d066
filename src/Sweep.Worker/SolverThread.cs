using Sweep.Messages;
using Sweep.Numerics;
using Sweep.Results;

namespace Sweep.Worker;

/// <summary>
/// A worker entity's dedicated thread (never an Akka dispatcher thread): it solves the queued shards through one set of
/// lanes. A run starts with the shard at the head of the queue and, whenever a lane is idle, takes the next queued
/// shard of the same lane group (<see cref="LaneGroups"/>), so the last, slowest samples of one shard run beside the
/// first ones of the next instead of alone; a shard of another group waits until the run's lanes drain. Each shard is
/// reported on its own: drawn (every sample in a lane: time to fetch more), then solved when its last sample finishes,
/// or crashed if the run throws before then. A sample's record does not depend on its lane neighbours
/// (<see cref="TrajectorySolver.SolveFeed"/>), so this changes no result, only how full the lanes are.
/// </summary>
public sealed class SolverThread : ISampleFeed
{
    private readonly object _gate = new();
    private readonly Queue<(WorkAssignment Assignment, ShardRunner Runner)> _queue = new();
    private readonly List<SampleBatch> _inRun = [];
    private readonly Action<WorkAssignment> _drawn;
    private readonly Action<WorkAssignment, ShardRunner, SampleRecord[]> _solved;
    private readonly Action<WorkAssignment, Exception> _crashed;
    private readonly Thread _thread;
    private ShardRunner? _runner;
    private int _group;
    private bool _took;
    private volatile bool _stopped;
    private volatile int _queued;   // _queue.Count, read without the lock: an idle lane asks after every step

    public SolverThread(string name, Action<WorkAssignment> drawn, Action<WorkAssignment, ShardRunner, SampleRecord[]> solved, Action<WorkAssignment, Exception> crashed)
    {
        _drawn = drawn;
        _solved = solved;
        _crashed = crashed;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"solver {name}" };
        _thread.Start();
    }

    public void Enqueue(WorkAssignment a, ShardRunner runner)
    {
        lock (_gate)
        {
            _queue.Enqueue((a, runner));
            _queued = _queue.Count;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Takes no new shard: the samples in the lanes finish (they cannot be interrupted) and the thread exits.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits for the thread to exit (tests).</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    private void Loop()
    {
        while (true)
        {
            (WorkAssignment Assignment, ShardRunner Runner) head;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_stopped) Monitor.Wait(_gate);
                if (_stopped) return;
                head = _queue.Peek();
            }
            _took = false;
            try
            {
                var solver = head.Runner.SolverOf(head.Assignment.Point);
                _runner = head.Runner;
                _group = head.Runner.GroupOf(head.Assignment.Point);
                solver.SolveFeed(this);
            }
            catch (Exception e)
            {
                if (!_took)
                {
                    // The run failed before it took the head (its solver could not be built): that shard failed.
                    lock (_gate) { _queue.Dequeue(); _queued = _queue.Count; }
                    _crashed(head.Assignment, e);
                }
                foreach (var b in _inRun) _crashed((WorkAssignment)b.Tag!, e);
            }
            _inRun.Clear();
        }
    }

    SampleBatch? ISampleFeed.Next()
    {
        if (_stopped || _queued == 0) return null;
        WorkAssignment a;
        lock (_gate)
        {
            if (_queue.Count == 0) return null;
            var (next, runner) = _queue.Peek();
            if (runner != _runner || runner.GroupOf(next.Point) != _group) return null;
            _queue.Dequeue();
            _queued = _queue.Count;
            a = next;
        }
        _took = true;
        SampleBatch batch;
        try { batch = _runner.Batch(a.Point, a.FirstSample, a.Count, tag: a); }
        catch (Exception e)
        {
            _crashed(a, e);
            throw;
        }
        _inRun.Add(batch);
        return batch;
    }

    void ISampleFeed.Drawn(SampleBatch batch) => _drawn((WorkAssignment)batch.Tag!);

    void ISampleFeed.Completed(SampleBatch batch)
    {
        _inRun.Remove(batch);
        _solved((WorkAssignment)batch.Tag!, _runner!, ShardRunner.Records(batch));
    }
}

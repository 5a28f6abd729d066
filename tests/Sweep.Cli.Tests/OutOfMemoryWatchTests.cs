namespace Sweep.Cli.Tests;

/// <summary>
/// <see cref="OutOfMemoryWatch"/>: an out-of-memory exception anywhere, even one caught and dropped on another thread (as
/// the actor system's own threads do), ends the process with exit 1 and one line after the grace; nothing else starts
/// the clock; a failure line written already is not followed by a second. The exit is injected (the test host lives on).
/// </summary>
public class OutOfMemoryWatchTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);    // a guard against a hang only

    private sealed class Exits
    {
        public readonly TaskCompletionSource<int> Code = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Exit(int code) => Code.TrySetResult(code);
    }

    private static void ThrownAndSwallowedOnAnotherThread(Exception e)
    {
        var t = new Thread(() =>
        {
            try { throw e; }
            catch (Exception) { }
        });
        t.Start();
        t.Join();
    }

    [Fact]
    public async Task A_swallowed_out_of_memory_ends_the_process_with_exit_1_and_one_line()
    {
        var stderr = new MemoryStream();
        var exits = new Exits();
        using var watch = new OutOfMemoryWatch(stderr, exits.Exit, TimeSpan.FromMilliseconds(50));
        Assert.False(exits.Code.Task.IsCompleted);
        ThrownAndSwallowedOnAnotherThread(new OutOfMemoryException());
        Assert.True(watch.Seen);
        Assert.Equal(1, await exits.Code.Task.WaitAsync(Bound));
        string line = System.Text.Encoding.UTF8.GetString(stderr.ToArray());
        Assert.Single(line.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: out of memory", line);
        Assert.Contains("resumes where it stopped", line);
        Assert.False(watch.ClaimFailureLine());     // the watch wrote the line
    }

    [Fact]
    public async Task A_failure_line_written_already_is_not_followed_by_a_second()
    {
        var stderr = new MemoryStream();
        var exits = new Exits();
        using var watch = new OutOfMemoryWatch(stderr, exits.Exit, TimeSpan.FromMilliseconds(50));
        Assert.True(watch.ClaimFailureLine());
        Assert.False(watch.ClaimFailureLine());
        ThrownAndSwallowedOnAnotherThread(new OutOfMemoryException());
        Assert.Equal(1, await exits.Code.Task.WaitAsync(Bound));
        Assert.Equal(0, stderr.Length);
    }

    [Fact]
    public void Other_exceptions_start_no_clock_nor_does_anything_after_dispose()
    {
        var exits = new Exits();
        var watch = new OutOfMemoryWatch(new MemoryStream(), exits.Exit, TimeSpan.FromMilliseconds(50));
        ThrownAndSwallowedOnAnotherThread(new InvalidOperationException("not memory"));
        ThrownAndSwallowedOnAnotherThread(new InsufficientExecutionStackException());
        Assert.False(watch.Seen);
        watch.Dispose();
        ThrownAndSwallowedOnAnotherThread(new OutOfMemoryException());
        Assert.False(watch.Seen);
        Assert.False(exits.Code.Task.IsCompleted);
    }
}

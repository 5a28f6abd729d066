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

    [Fact]
    public async Task A_command_that_has_ended_is_ended_with_its_own_code_and_no_line()
    {
        // A run that wrote its outputs and returned 0, then stuck in shutdown past the grace: exit 0, nothing said.
        var stderr = new MemoryStream();
        var exits = new Exits();
        using var watch = new OutOfMemoryWatch(stderr, exits.Exit, TimeSpan.FromMilliseconds(50));
        Assert.Equal(0, watch.Decide(0));
        ThrownAndSwallowedOnAnotherThread(new OutOfMemoryException());
        Assert.Equal(0, await exits.Code.Task.WaitAsync(Bound));
        Assert.Equal(0, stderr.Length);
    }

    [Fact]
    public void Once_memory_ran_out_a_failure_line_that_does_not_say_so_gives_way_to_the_out_of_memory_line()
    {
        string Written(bool outOfMemory, string? line)
        {
            var raw = new MemoryStream();
            var writer = new StringWriter();
            using var watch = new OutOfMemoryWatch(raw, _ => { }, TimeSpan.FromMinutes(10));
            if (outOfMemory) ThrownAndSwallowedOnAnotherThread(new OutOfMemoryException());
            watch.WriteFailureLine(writer, line);
            watch.WriteFailureLine(writer, "error: a second line");     // never written: one failure line per process
            return writer.ToString() + System.Text.Encoding.UTF8.GetString(raw.ToArray());
        }
        Assert.Equal("error: Ask timed out\n", Written(false, "error: Ask timed out").Replace("\r\n", "\n"));
        // A symptom (a timeout after the actor system lost an actor to the exhausted memory) is told as what it is.
        Assert.StartsWith("error: out of memory", Written(true, "error: Ask timed out"));
        // A line that says out of memory already keeps its detail (which part failed).
        Assert.StartsWith("error: cannot write outputs to 'DIR': out of memory", Written(true, "error: cannot write outputs to 'DIR': out of memory (…)"));
        // A line that could not be built: the prepared one.
        Assert.StartsWith("error: out of memory", Written(false, null));
        Assert.All(new[] { Written(true, "error: Ask timed out"), Written(false, null) }, w => Assert.Single(w.TrimEnd('\n').Split('\n')));
    }
}

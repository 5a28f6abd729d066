using System.Runtime.ExceptionServices;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sweep.Coordinator.Actors;

namespace Sweep.Hosting;

/// <summary>
/// A running node: the host that <see cref="SweepNodeHosting.AddSweepNode"/> configured, started and Up in its cluster.
/// The CLI, the bench and the tests start nodes only through <see cref="StartAsync"/>.
/// </summary>
public sealed class SweepNode : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private SweepNode(IHost host, NodeOptions options)
    {
        _host = host;
        Options = options;
        System = host.Services.GetRequiredService<ActorSystem>();
    }

    public NodeOptions Options { get; }
    public ActorSystem System { get; }
    public Address Address => Cluster.Get(System).SelfAddress;

    /// <summary>The campaign's coordinator (a node with <see cref="NodeOptions.Coordinator"/> only).</summary>
    public IActorRef Coordinator => ActorRegistry.For(System).Get<CoordinatorActor>();

    /// <summary>The campaign's live statistics (a node with <see cref="NodeOptions.Coordinator"/> only).</summary>
    public IActorRef Aggregator => ActorRegistry.For(System).Get<AggregatorActor>();

    /// <summary>
    /// Starts the node and waits until it is Up in the cluster (<see cref="NodeOptions.JoinTimeout"/>, then
    /// <see cref="TimeoutException"/>); <paramref name="cancel"/> abandons the attempt at once (the node is stopped,
    /// then <see cref="OperationCanceledException"/>).
    /// </summary>
    public static async Task<SweepNode> StartAsync(NodeOptions options, CancellationToken cancel = default)
    {
        cancel.ThrowIfCancellationRequested();
        var failures = new StartFailures();
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                // The default console lifetime would take over Ctrl-C and SIGTERM; the commands handle them.
                services.AddSingleton<IHostLifetime, CommandLifetime>();
                services.AddLogging(logging => logging.AddProvider(failures));
                services.AddAkka(NodeOptions.SystemName, builder => builder.AddSweepNode(options));
            })
            .Build();
        // Akka.Hosting also prints a failed start's whole exception, stack traces included, to standard output; the
        // commands report a failure in one line (the log keeps the rest), so standard output is held back while the
        // host starts. Console.Out is process-wide: one start at a time swaps it.
        var held = new StringWriter();
        TextWriter console;
        await StartGate.WaitAsync(CancellationToken.None);
        try
        {
            console = Console.Out;
            Console.SetOut(held);
            try { await host.StartAsync(CancellationToken.None); }
            catch (Exception e) when (PortInUse(e))
            {
                // Akka.Hosting has already shut the failed actor system down.
                throw PortInUseError(options);
            }
            finally { Console.SetOut(console); }
        }
        finally { StartGate.Release(); }
        var node = new SweepNode(host, options);
        // Akka.Hosting logs a failed start (an actor that could not start, a port in use) and stops the host instead
        // of throwing: the first such error is rethrown here, a port in use as the user's to fix.
        if (failures.First is { } error)
        {
            await node.StopAsync(graceful: false);
            if (PortInUse(error)) throw PortInUseError(options);
            ExceptionDispatchInfo.Throw(error);
        }
        if (held.ToString() is { Length: > 0 } text) console.Write(text);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(node.System).RegisterOnMemberUp(() => up.TrySetResult());
        var abandon = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancel.Register(() => abandon.TrySetResult()))
        {
            var first = await Task.WhenAny(up.Task, abandon.Task, Task.Delay(options.JoinTimeout, CancellationToken.None));
            if (first == up.Task) return node;
            await node.StopAsync(graceful: false);
            if (first == abandon.Task) throw new OperationCanceledException(cancel);
        }
        throw new TimeoutException($"this node did not join the cluster within {options.JoinTimeout.TotalSeconds:0} s" +
            (options.Seed is null ? "" : $" (is a coordinator listening at {options.Seed}{(options.Tls is null ? "" : ", and does it trust this node's certificate")}?)"));
    }

    /// <summary>
    /// Stops the node; <paramref name="graceful"/> first leaves the cluster so peers need not wait for failure detection,
    /// for at most <paramref name="leaveLimit"/> (default: as long as Akka's coordinated shutdown takes), then stops it anyway.
    /// </summary>
    public async Task StopAsync(bool graceful, TimeSpan? leaveLimit = null)
    {
        if (_stopped) return;
        _stopped = true;
        if (graceful)
        {
            var leave = _host.StopAsync();    // Akka.Hosting runs CoordinatedShutdown: leave, then terminate
            if (leaveLimit is { } limit && await Task.WhenAny(leave, Task.Delay(limit)) != leave) await System.Terminate();
            else await leave;
        }
        else await System.Terminate();
        _host.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync(graceful: false));

    private static readonly SemaphoreSlim StartGate = new(1, 1);

    private static Sweep.Campaigns.UserError PortInUseError(NodeOptions options) =>
        new($"--port {options.Port}: {options.Host}:{options.Port} is in use; choose another port or stop the process that holds it");

    private static bool PortInUse(Exception error)
    {
        for (var e = error; e is not null; e = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e.InnerException)
            if (e is global::System.Net.Sockets.SocketException { SocketErrorCode: global::System.Net.Sockets.SocketError.AddressAlreadyInUse }) return true;
        return false;
    }

    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Keeps the first exception logged at Error or above while the host starts.</summary>
    private sealed class StartFailures : ILoggerProvider, ILogger
    {
        private Exception? _first;
        public Exception? First => Volatile.Read(ref _first);

        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null) Interlocked.CompareExchange(ref _first, exception, null);
        }

        public void Dispose() { }
    }
}

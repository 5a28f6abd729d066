using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;
using Google.Protobuf;
using AkkaTransport = Akka.Remote.Transport.Transport;

namespace Sweep.Hosting.Handshakes;

/// <summary>
/// A cap on inbound connections that have not completed their handshake (issue 27), as an Akka.Remote transport adapter
/// between the DotNetty TCP/TLS driver and Akka's protocol layer (`akka.remote.dot-netty.tcp.applied-adapters`, see
/// <see cref="SweepNodeHosting"/>). The driver announces every accepted TCP connection at once, before TLS; the gate
/// reads it itself and passes it up to Akka only with its first frame, which a TLS connection delivers only after the
/// mutual handshake has succeeded (the peer's certificate checked against the cluster CA) and which is Akka's own
/// Associate. Until then the connection is pending (<see cref="PendingConnections{TKey}"/>): at most
/// <see cref="HandshakeGateSettings.MaxPending"/> at once, each for at most <see cref="HandshakeGateSettings.Timeout"/>;
/// one evicted (silent ones first) or timed out is closed at once (<see cref="ConnectionChannel"/>).
/// Descriptors and memory held by connections that never speak TLS are so bounded by the cap, whatever the flood's
/// rate, and Akka sees none of them (no protocol actor, no 15 s handshake timer each). Outbound connections, and every
/// connection once it has passed, go through untouched; the scheme (akka.ssl.tcp) and addresses do not change.
/// </summary>
public sealed class HandshakeGate : AkkaTransport
{
    private readonly AkkaTransport _driver;
    private readonly object _lock = new();
    private readonly PendingConnections<PendingInbound> _pending;
    private readonly ILoggingAdapter _log;
    private readonly HandshakeGateSettings _settings;
    private Timer? _timer;
    private long _evicted, _expired, _reportedEvicted, _reportedExpired;
    private DateTime _lastReport = DateTime.UtcNow;

    public HandshakeGate(AkkaTransport driver, ActorSystem system, HandshakeGateSettings settings)
    {
        _driver = driver;
        _settings = settings;
        _pending = new PendingConnections<PendingInbound>(settings.MaxPending, settings.Timeout);
        System = system;
        Config = driver.Config;
        _log = Logging.GetLogger(system, typeof(HandshakeGate));
    }

    public override string SchemeIdentifier => _driver.SchemeIdentifier;
    public override long MaximumPayloadBytes => _driver.MaximumPayloadBytes;
    public override bool IsResponsibleFor(Address remote) => _driver.IsResponsibleFor(remote);
    public override Task<AssociationHandle> Associate(Address remoteAddress) => _driver.Associate(remoteAddress);
    public override Task<bool> ManagementCommand(object message) => _driver.ManagementCommand(message);

    /// <summary>Connections pending now (for tests).</summary>
    public int Pending { get { lock (_lock) return _pending.Count; } }

    public override async Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var (address, driverListener) = await _driver.Listen().ConfigureAwait(false);
        var upstream = new TaskCompletionSource<IAssociationEventListener>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The driver accepts nothing until its listener is set: set it once Akka has registered its own.
        _ = upstream.Task.ContinueWith(t => driverListener.TrySetResult(new Gatekeeper(this, t.Result)),
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
        _timer = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return (address, upstream);
    }

    public override Task<bool> Shutdown()
    {
        _timer?.Dispose();
        List<PendingInbound> left;
        lock (_lock)
        {
            left = _pending.Expire(DateTime.MaxValue);
        }
        foreach (var p in left) p.Close();
        return _driver.Shutdown();
    }

    /// <summary>Admits a new connection, closing the one evicted for it; false when that is the new one itself.</summary>
    private bool Admit(PendingInbound connection)
    {
        PendingInbound? evicted = null;
        lock (_lock)
        {
            if (_pending.Admit(connection, connection.Source, DateTime.UtcNow, out var e)) { evicted = e; _evicted++; }
        }
        evicted?.Close();
        return evicted != connection;
    }

    private void Spoke(PendingInbound connection)
    {
        lock (_lock) _pending.Spoke(connection);
    }

    /// <summary>The connection passed (its first frame) or closed: no longer pending.</summary>
    internal void Leave(PendingInbound connection)
    {
        lock (_lock) _pending.Remove(connection);
    }

    /// <summary>Once a second: closes the connections pending too long, and reports what was closed (once per 10 s).</summary>
    private void Sweep()
    {
        List<PendingInbound> expired;
        long evicted = 0, timedOut = 0;
        var now = DateTime.UtcNow;
        lock (_lock)
        {
            expired = _pending.Expire(now);
            _expired += expired.Count;
            if (now - _lastReport >= ReportInterval)
            {
                evicted = _evicted - _reportedEvicted;
                timedOut = _expired - _reportedExpired;
                _reportedEvicted = _evicted;
                _reportedExpired = _expired;
                _lastReport = now;
            }
        }
        foreach (var p in expired) p.Close();
        if (evicted + timedOut > 0)
            _log.Warning($"Closed {evicted + timedOut} inbound connections that had not completed the TLS handshake in the last " +
                $"{ReportInterval.TotalSeconds:0} s ({evicted} beyond the cap of {_settings.MaxPending} pending, {timedOut} after " +
                $"{_settings.Timeout.TotalSeconds:0} s without one)");
    }

    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    /// <summary>The driver's listener: every accepted connection is admitted as pending and read by the gate.</summary>
    private sealed class Gatekeeper(HandshakeGate gate, IAssociationEventListener upstream) : IAssociationEventListener
    {
        public void Notify(IAssociationEvent ev)
        {
            if (ev is not InboundAssociation inbound) { upstream.Notify(ev); return; }
            var connection = new PendingInbound(gate, inbound.Association, upstream);
            if (!gate.Admit(connection)) return;     // refused: closed already
            ConnectionChannel.OnFirstByte(inbound.Association, () => gate.Spoke(connection));
            // Reading starts only now (the driver turns AutoRead on when a reader is set): the TLS handshake proceeds.
            inbound.Association.ReadHandlerSource.TrySetResult(connection);
        }
    }

    /// <summary>
    /// One accepted connection as the gate reads it. Pending until its first frame; then it is announced to Akka as a
    /// <see cref="PassedHandle"/>, and its events (that frame first) go to the reader Akka sets on that handle.
    /// </summary>
    internal sealed class PendingInbound(HandshakeGate gate, AssociationHandle handle, IAssociationEventListener upstream) : IHandleEventListener
    {
        private enum State { Pending, Passed, Closed }

        private readonly object _lock = new();
        private readonly List<IHandleEvent> _early = [];
        private State _state;
        private IHandleEventListener? _reader;

        public string Source => handle.RemoteAddress.Host ?? "";

        public void Notify(IHandleEvent ev)
        {
            AssociationHandle? passed = null;
            lock (_lock)
            {
                switch (_state)
                {
                    case State.Pending when ev is InboundPayload:
                        _state = State.Passed;
                        _early.Add(ev);
                        passed = new PassedHandle(handle);
                        break;
                    case State.Pending when ev is Disassociated:
                        _state = State.Closed;
                        break;
                    case State.Pending:
                        return;                     // a transport error before any frame: the close follows
                    case State.Passed when _reader is { } reader:
                        reader.Notify(ev);
                        return;
                    case State.Passed:
                        _early.Add(ev);             // until Akka has set its reader (milliseconds)
                        return;
                    default:
                        return;
                }
            }
            gate.Leave(this);
            if (passed is null) return;
            passed.ReadHandlerSource.Task.ContinueWith(t => Read(t.Result),
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
            upstream.Notify(new InboundAssociation(passed));
        }

        private void Read(IHandleEventListener reader)
        {
            lock (_lock)
            {
                foreach (var ev in _early) reader.Notify(ev);
                _early.Clear();
                _reader = reader;
            }
        }

        /// <summary>Closes a connection still pending (evicted, timed out, shut down); one that has passed is Akka's.</summary>
        public void Close()
        {
            lock (_lock)
            {
                if (_state != State.Pending) return;
                _state = State.Closed;
            }
            ConnectionChannel.CloseNow(handle);
        }
    }

    /// <summary>A connection that has passed the gate: Akka's, through and through.</summary>
    private sealed class PassedHandle(AssociationHandle inner) : AssociationHandle(inner.LocalAddress, inner.RemoteAddress)
    {
        public override bool Write(ByteString payload) => inner.Write(payload);

#pragma warning disable CS0672, CS0618 // Akka's abstract member is obsolete for callers, not for handles
        public override void Disassociate() => inner.Disassociate();
#pragma warning restore CS0672, CS0618
    }
}

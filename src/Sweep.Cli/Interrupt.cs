using System.Runtime.InteropServices;

namespace Sweep.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM as tasks instead of the runtime's default (an immediate exit): <see cref="First"/>
/// completes with the first signal, <see cref="Second"/> with any later one (the user insists).
/// </summary>
internal sealed class Interrupt : IDisposable
{
    private readonly TaskCompletionSource<PosixSignal> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;

    public Interrupt()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public Task<PosixSignal> First => _first.Task;
    public Task Second => _second.Task;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (!_first.TrySetResult(context.Signal)) _second.TrySetResult();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}

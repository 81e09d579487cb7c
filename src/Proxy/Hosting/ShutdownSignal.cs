using System.Runtime.InteropServices;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// Turns SIGTERM (a supervisor's stop), SIGINT (Ctrl-C) and SIGQUIT into one cancellation, so
/// the process leaves through its normal shutdown path and exits 0 instead of being killed.
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
    }

    public CancellationToken Token => _stop.Token;

    public PosixSignal? Received { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        // Cancel the default action (termination); shutdown happens on the main path.
        context.Cancel = true;
        Received ??= context.Signal;
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }
}

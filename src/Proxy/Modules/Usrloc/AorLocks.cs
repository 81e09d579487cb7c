namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// Serialises database-backed updates of one AOR across an await (a check then a write), with a
/// fixed set of stripes so memory does not grow with the number of AORs. Different AORs on the
/// same stripe wait for each other, which at 64 stripes costs little.
/// </summary>
public sealed class AorLocks : IDisposable
{
    private const int Stripes = 64;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async ValueTask<Releaser> AcquireAsync(string aor, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(StringComparer.OrdinalIgnoreCase.GetHashCode(aor) & int.MaxValue) % Stripes];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(stripe);
    }

    public void Dispose()
    {
        foreach (var stripe in _stripes)
        {
            stripe.Dispose();
        }
    }

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}

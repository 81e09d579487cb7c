using System.Net;
using System.Security.Cryptography.X509Certificates;
using NatEdge.MediaRelay.Configuration;
using NatEdge.MediaRelay.Discovery;

namespace NatEdge.MediaRelay.Control;

/// <summary>
/// Keeps one <see cref="DispatcherLink"/> per dispatcher the relay should dial (spec §3.1). IP addresses in
/// <c>dispatchers</c> are dialled as written; names are looked up at start and every <c>dns_check_interval</c>.
/// Of each name's answer the best SRV priority group is dialled, the next one too while none of the better
/// ones answers. A dispatcher that leaves DNS is retired (it ends when its sessions have); one that joins is
/// dialled at once. A lookup that fails is logged and changes nothing, so working links are never dropped.
/// </summary>
/// <remarks>
/// Ownership: the directory creates, retires and disposes links; a link only reports its reachability and its
/// end. <see cref="_links"/> and <see cref="_answers"/> are guarded by <see cref="_gate"/>; links are started and
/// retired under it (both return at once) and disposed outside it.
/// </remarks>
internal sealed class DispatcherDirectory : IAsyncDisposable
{
    private readonly RelayOptions _options;
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2 _authority;
    private readonly ControlDispatcher _requests;
    private readonly TimeProvider _time;
    private readonly DispatcherLinkCount _count;
    private readonly IDispatcherResolver _resolver;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DispatcherLink> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<DnsEndPoint, DispatcherResolution> _answers = [];
    private readonly List<Task> _disposals = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _checks;

    public DispatcherDirectory(RelayOptions options, X509Certificate2 certificate, X509Certificate2 authority, ControlDispatcher requests,
        TimeProvider time, DispatcherLinkCount count, IDispatcherResolver resolver)
    {
        _options = options;
        _certificate = certificate;
        _authority = authority;
        _requests = requests;
        _time = time;
        _count = count;
        _resolver = resolver;
        foreach (var entry in options.Dispatchers)
        {
            if (IPAddress.TryParse(entry.Host, out var address))
                _answers[entry] = DispatcherResolution.Of([[DispatcherTarget.ForAddress(address, entry.Port)]]);
        }
    }

    /// <summary>The dispatchers dialled now (retired ones included), by name and port.</summary>
    public IReadOnlyList<DispatcherLink> Links
    {
        get { lock (_gate) return [.. _links.Values]; }
    }

    private bool HasNames => _options.Dispatchers.Any(entry => !IPAddress.TryParse(entry.Host, out _));

    /// <summary>Dials the addresses at once and starts looking up the names; never blocks on DNS.</summary>
    public void Start()
    {
        Reconcile();
        if (HasNames) _checks = CheckLoopAsync();
    }

    /// <summary>Hands the statistics of a session that ended on its own to every link; each dispatcher ignores calls it does not know.</summary>
    public void ReportExpired(string statistics)
    {
        foreach (var link in Links) link.ReportExpired(statistics);
    }

    private async Task CheckLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            foreach (var entry in _options.Dispatchers)
            {
                if (IPAddress.TryParse(entry.Host, out _)) continue;
                DispatcherResolution answer;
                try
                {
                    answer = await _resolver.ResolveAsync(entry, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                Apply(entry, answer);
            }

            Reconcile();
            try
            {
                await Task.Delay(_options.DnsCheckInterval, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Apply(DnsEndPoint entry, DispatcherResolution answer)
    {
        var name = $"{entry.Host}:{entry.Port}";
        lock (_gate)
        {
            _answers.TryGetValue(entry, out var previous);
            if (!answer.Succeeded)
            {
                RelayLog.Warn($"dispatchers {name}: lookup failed ({answer.Failure}); " +
                              (previous is null ? "nothing to dial yet, asking again in " : $"keeping {previous.Describe()}; asking again in ") +
                              $"{_options.DnsCheckInterval.TotalSeconds:0.###} s");
                return;
            }

            if (previous is null || previous.Describe() != answer.Describe()) RelayLog.Info($"dispatchers {name}: {answer.Describe()}");
            _answers[entry] = answer;
        }
    }

    /// <summary>Brings the links in line with the last good answers and what each link has shown.</summary>
    private void Reconcile()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            var wanted = new Dictionary<string, DispatcherTarget>(StringComparer.Ordinal);
            var selected = new List<DispatcherTarget>();
            foreach (var answer in _answers.Values)
            {
                selected.Clear();
                DispatcherGroupPlan.Select(answer.Groups, key => _links.TryGetValue(key, out var link) ? link.Reachability : LinkReachability.Unknown, selected);
                foreach (var target in selected) wanted.TryAdd(target.Key, target);
            }

            foreach (var (key, target) in wanted)
            {
                if (!_links.TryGetValue(key, out var link))
                {
                    Dial(target);
                    continue;
                }

                if (!link.Target.SameAddresses(target)) link.UseAddresses(target);
                if (link.IsRetired)
                {
                    RelayLog.Info($"dispatcher {key} is wanted again: its link serves new sessions again");
                    link.Restore();
                }
            }

            foreach (var (key, link) in _links.ToList())
            {
                if (wanted.ContainsKey(key) || link.IsRetired) continue;
                RelayLog.Info($"dispatcher {key} is no longer wanted: no new sessions through it; its link closes when its {link.CallCount} session(s) have ended");
                link.Retire();
            }
        }
    }

    private void Dial(DispatcherTarget target)
    {
        var link = new DispatcherLink(target, _options, _certificate, _authority, _requests, _time, _count);
        link.ReachabilityChanged += _ => ReconcileLater();
        link.Ended += OnEnded;
        _links[target.Key] = link;
        RelayLog.Info($"dialling dispatcher {target} as '{_certificate.Subject}'");
        link.Start();
    }

    private void OnEnded(DispatcherLink link)
    {
        lock (_gate)
        {
            if (!_links.TryGetValue(link.Target.Key, out var current) || current != link) return;
            _links.Remove(link.Target.Key);
            if (!_stopping.IsCancellationRequested) _disposals.Add(Task.Run(async () => await link.DisposeAsync().ConfigureAwait(false)));
        }

        // A group that lost its last link may let the next one in.
        ReconcileLater();
    }

    /// <summary>Reconciles off the link's task, which may be inside a cancellation callback.</summary>
    private void ReconcileLater() => ThreadPool.QueueUserWorkItem(static directory => directory.Reconcile(), this, preferLocal: false);

    public async ValueTask DisposeAsync()
    {
        List<DispatcherLink> links;
        List<Task> disposals;
        lock (_gate)
        {
            _stopping.Cancel();
            links = [.. _links.Values];
            _links.Clear();
            disposals = [.. _disposals];
        }

        if (_checks is not null) await _checks.ConfigureAwait(false);
        foreach (var link in links) await link.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(disposals).ConfigureAwait(false);
        _stopping.Dispose();
    }
}

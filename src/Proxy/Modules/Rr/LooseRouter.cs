using System.Buffers;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Modules.Rr;

/// <summary>Whether a URI's host and port name this proxy (uri==myself); port 0 means none was written.</summary>
public delegate bool LocalUriTest(ReadOnlySpan<byte> host, int port);

/// <summary>
/// What loose_route() decided: whether the request is routed by its Route set, and the new
/// Request-URI and next-hop URI (SER's dst_uri) the forwarding code must use, when they changed.
/// Route edits are already recorded on the message.
/// </summary>
public readonly record struct LooseRouteOutcome(bool Routed, byte[]? RequestUri, byte[]? Destination);

/// <summary>
/// loose_route() (route-script.md section 5; RFC 3261 sections 16.4 and 16.12):
/// <list type="number">
/// <item>No Route header: not routed.</item>
/// <item>The Request-URI is one of our Record-Route values (ours, with lr), so the previous hop is a
/// strict router: the last Route value becomes the Request-URI and is removed (16.4).</item>
/// <item>The top Route is ours: it is removed, and the one after it too when it is also ours (the
/// second entry of double record-routing).</item>
/// <item>A Route value remains: with ";lr" it becomes the next hop and the Request-URI stays; without,
/// the next hop is a strict router, so the Request-URI goes to the end of the Route set and that
/// value becomes the Request-URI (16.6 step 6).</item>
/// <item>Nothing remains: routed after a strict previous hop or for an in-dialog request; an initial
/// request that was pre-loaded with only our Route is not routed (the script treats it as new).</item>
/// </list>
/// </summary>
public static class LooseRouter
{
    private const int MaxRoutes = 64;

    public static LooseRouteOutcome Process(SipMessage request, LocalUriTest isLocal)
        => Process(request, request[request.RequestUri], isLocal);

    /// <param name="requestUri">The current Request-URI, which the script may have rewritten already.</param>
    public static LooseRouteOutcome Process(SipMessage request, ReadOnlySpan<byte> requestUri, LocalUriTest isLocal)
    {
        var routes = ArrayPool<RouteValue>.Shared.Rent(MaxRoutes);
        try
        {
            var count = Collect(request, routes);
            return count == 0 ? default : Decide(request, requestUri, isLocal, routes.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<RouteValue>.Shared.Return(routes);
        }
    }

    private static LooseRouteOutcome Decide(SipMessage request, ReadOnlySpan<byte> requestUri, LocalUriTest isLocal, Span<RouteValue> routes)
    {
        byte[]? newRequestUri = null;
        byte[]? destination = null;
        // A Request-URI that is one of our own Record-Route values (ours, with the lr every entry we
        // write carries) means the previous hop routed strictly. A plain URI of a local user is not.
        var strictPrevious = SipUriParser.TryParse(requestUri, new TextRange(0, requestUri.Length), out var ruri)
            && ruri.IsSipOrSips
            && isLocal(requestUri.Slice(ruri.Host.Offset, ruri.Host.Length), PortOrZero(ruri.Port))
            && HasParameter(requestUri, ruri.Parameters, "lr"u8);
        if (strictPrevious)
        {
            ref var last = ref routes[^1];
            newRequestUri = request[last.Uri].ToArray();
            last.Removed = true;
        }

        var ourRemoved = false;
        var top = NextKept(routes, 0);
        if (top >= 0 && IsLocal(request, routes[top], isLocal))
        {
            routes[top].Removed = true;
            ourRemoved = true;
            var second = NextKept(routes, top + 1);
            if (second >= 0 && IsLocal(request, routes[second], isLocal))
            {
                routes[second].Removed = true;
            }
        }

        var next = NextKept(routes, 0);
        bool routed;
        if (next >= 0)
        {
            routed = true;
            if (routes[next].Loose)
            {
                destination = request[routes[next].Uri].ToArray();
            }
            else
            {
                var displaced = newRequestUri ?? requestUri.ToArray();
                newRequestUri = request[routes[next].Uri].ToArray();
                routes[next].Removed = true;
                AppendRoute(request, displaced);
            }
        }
        else
        {
            routed = strictPrevious || (ourRemoved && request.TryGetTo(out var to) && to.Tag.IsPresent);
        }

        ApplyRemovals(request, routes);
        return new LooseRouteOutcome(routed, newRequestUri, destination);
    }

    private static int Collect(SipMessage request, RouteValue[] routes)
    {
        var count = 0;
        var values = request.GetNameAddrs(HeaderId.Route);
        while (count < routes.Length && values.MoveNext())
        {
            var value = values.Current;
            var uri = value.ParsedUri;
            routes[count++] = new RouteValue
            {
                HeaderIndex = values.HeaderIndex,
                Value = value.Value,
                Uri = value.Uri,
                Host = uri.Host,
                Port = PortOrZero(uri.Port),
                Loose = HasParameter(request.Span, uri.Parameters, "lr"u8),
            };
        }

        return count;
    }

    private static bool IsLocal(SipMessage request, in RouteValue route, LocalUriTest isLocal) => isLocal(request[route.Host], route.Port);

    private static int NextKept(Span<RouteValue> routes, int from)
    {
        for (var i = from; i < routes.Length; i++)
        {
            if (!routes[i].Removed)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Rewrites each Route line that lost a value: the remaining values joined by commas, or the
    /// whole line removed when none remain. One edit per line, so removals never overlap.
    /// </summary>
    private static void ApplyRemovals(SipMessage request, Span<RouteValue> routes)
    {
        var start = 0;
        while (start < routes.Length)
        {
            var line = routes[start].HeaderIndex;
            var end = start;
            var removed = 0;
            while (end < routes.Length && routes[end].HeaderIndex == line)
            {
                removed += routes[end].Removed ? 1 : 0;
                end++;
            }

            if (removed == end - start)
            {
                SipMessageWriter.RemoveHeader(request, line);
            }
            else if (removed > 0)
            {
                var kept = new ArrayBufferWriter<byte>(128);
                for (var i = start; i < end; i++)
                {
                    if (!routes[i].Removed)
                    {
                        if (kept.WrittenCount > 0)
                        {
                            kept.Write(", "u8);
                        }

                        kept.Write(request[routes[i].Value]);
                    }
                }

                SipMessageWriter.Replace(request, request.GetHeader(line).Value, kept.WrittenSpan);
            }

            start = end;
        }
    }

    private static void AppendRoute(SipMessage request, ReadOnlySpan<byte> uri)
    {
        var value = new byte[uri.Length + 2];
        value[0] = (byte)'<';
        uri.CopyTo(value.AsSpan(1));
        value[^1] = (byte)'>';
        SipMessageWriter.AppendHeader(request, "Route"u8, value);
    }

    private static bool HasParameter(ReadOnlySpan<byte> text, TextRange parameters, ReadOnlySpan<byte> name)
    {
        if (!parameters.IsPresent || parameters.IsEmpty)
        {
            return false;
        }

        // The range starts after its ";": step back one so the reader sees "*( ; param )".
        var reader = new SipParameterReader(text, parameters.Offset - 1, parameters.End);
        while (reader.MoveNext())
        {
            if (System.Text.Ascii.EqualsIgnoreCase(reader.Name.Of(text), name))
            {
                return true;
            }
        }

        return false;
    }

    private static int PortOrZero(int port) => port < 0 ? 0 : port;

    private struct RouteValue
    {
        public int HeaderIndex;
        public TextRange Value;
        public TextRange Uri;
        public TextRange Host;
        public int Port;
        public bool Loose;
        public bool Removed;
    }
}

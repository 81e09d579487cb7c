namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>Reason phrases of the answers the proxy makes up itself (RFC 3261 section 21).</summary>
internal static class LocalReasons
{
    private static readonly byte[] RequestTimeout = "Request Timeout"u8.ToArray();
    private static readonly byte[] RequestTerminated = "Request Terminated"u8.ToArray();
    private static readonly byte[] ServerInternalError = "Server Internal Error"u8.ToArray();
    private static readonly byte[] Ok = "OK"u8.ToArray();
    private static readonly byte[] Other = "Error"u8.ToArray();

    public static byte[] For(int statusCode) => statusCode switch
    {
        200 => Ok,
        408 => RequestTimeout,
        487 => RequestTerminated,
        500 => ServerInternalError,
        _ => Other,
    };
}

namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// Picks the final answer a forking proxy sends upstream when no 2xx came (RFC 3261 section 16.7
/// step 6): a 6xx wins; otherwise the lowest class; within 4xx the codes a caller can act on (401,
/// 407, 415, 420, 484) come first; ties go to the branch that answered first.
/// </summary>
public static class BestResponse
{
    /// <summary>Index into <paramref name="statusCodes"/> of the best, or -1 when the span is empty.</summary>
    public static int Select(ReadOnlySpan<int> statusCodes)
    {
        var best = -1;
        var bestRank = int.MaxValue;
        for (var i = 0; i < statusCodes.Length; i++)
        {
            var rank = Rank(statusCodes[i]);
            if (rank < bestRank)
            {
                best = i;
                bestRank = rank;
            }
        }

        return best;
    }

    /// <summary>Lower ranks are better.</summary>
    private static int Rank(int statusCode)
    {
        var responseClass = statusCode / 100;
        return responseClass switch
        {
            6 => 0,
            2 => 1,
            3 => 2,
            4 when statusCode is 401 or 407 or 415 or 420 or 484 => 3,
            4 => 4,
            5 => 5,
            _ => 6,
        };
    }
}

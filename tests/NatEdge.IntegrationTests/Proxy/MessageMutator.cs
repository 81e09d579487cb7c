namespace NatEdge.IntegrationTests.Proxy;

/// <summary>
/// Random damage to a valid or torture message, reproducible from its seed: byte flips, cuts,
/// insertions, truncation, duplicated runs, and line ends broken in the places parsers trust.
/// </summary>
internal sealed class MessageMutator(int seed)
{
    private readonly Random _random = new(seed);

    public byte[] Mutate(byte[] original)
    {
        var bytes = new List<byte>(original);
        var count = 1 + _random.Next(8);
        for (var i = 0; i < count && bytes.Count > 0; i++)
        {
            var at = _random.Next(bytes.Count);
            switch (_random.Next(7))
            {
                case 0:
                    bytes[at] = (byte)_random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + _random.Next(16)));
                    break;
                case 2:
                    bytes.InsertRange(at, Enumerable.Range(0, 1 + _random.Next(16)).Select(_ => (byte)_random.Next(256)));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    var length = Math.Min(bytes.Count - at, 1 + _random.Next(64));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 5:
                    ReplaceNext(bytes, at, (byte)'\r', (byte)'\n');
                    break;
                default:
                    ReplaceNext(bytes, at, (byte)':', (byte)_random.Next(256));
                    break;
            }
        }

        return [.. bytes];
    }

    private static void ReplaceNext(List<byte> bytes, int from, byte find, byte replacement)
    {
        var index = bytes.IndexOf(find, from);
        if (index >= 0)
        {
            bytes[index] = replacement;
        }
    }
}

using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>Runs a regex over message bytes read as Latin-1, on the stack when short, else on a rented buffer.</summary>
internal static class RegexOverBytes
{
    private const int StackLimit = 256;

    public static bool IsMatch(Regex pattern, ReadOnlySpan<byte> value)
    {
        char[]? rented = null;
        var chars = value.Length <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(value.Length));
        try
        {
            var count = Encoding.Latin1.GetChars(value, chars);
            return pattern.IsMatch(chars[..count]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}

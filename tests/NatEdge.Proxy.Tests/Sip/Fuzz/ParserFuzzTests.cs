using System.Diagnostics;
using System.Text;
using NatEdge.Proxy.Tests.Sip.Torture;
using Xunit.Abstractions;

namespace NatEdge.Proxy.Tests.Sip.Fuzz;

/// <summary>
/// Bounded random mutation of the RFC 4475 messages with a fixed seed: the same inputs every run,
/// capped in count and time. A failure prints the input as a C# literal for a regression test.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 4475;
    private const int Mutations = 20_000;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(60);

    // Octets that change the meaning of SIP text.
    private static readonly byte[] Interesting = "\r\n \t:;,\"<>@%=?[]\\/*0123456789-"u8.ToArray();

    [Fact]
    public void Mutated_torture_messages_never_throw()
    {
        byte[][] corpus = [.. TortureCorpus.All.Select(c => c.Bytes)];
        var random = new Random(Seed);
        var clock = Stopwatch.StartNew();
        int run = 0;
        for (; run < Mutations && clock.Elapsed < TimeBudget; run++)
        {
            byte[] input = Mutate(corpus[random.Next(corpus.Length)], random);
            try
            {
                ParserExercise.Run(input);
            }
            catch (Exception exception)
            {
                Assert.Fail($"mutation {run} threw {exception.GetType().Name}: {exception.Message}\ninput: {ToLiteral(input)}\n{exception.StackTrace}");
            }
        }

        output.WriteLine($"{run} mutations in {clock.Elapsed.TotalSeconds:F1} s");
        run.ShouldBeGreaterThan(1000);
    }

    internal static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    bytes.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(1 + random.Next(16), bytes.Count - at));
                    break;
                case 4:
                    int length = Math.Min(1 + random.Next(64), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 5:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.InsertRange(at, "\r\n"u8.ToArray());
                    break;
            }
        }

        return [.. bytes];
    }

    private static string ToLiteral(byte[] input)
    {
        var text = new StringBuilder("\"");
        foreach (byte b in input)
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return text.Append('"').ToString();
    }
}

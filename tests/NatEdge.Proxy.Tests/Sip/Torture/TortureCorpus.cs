namespace NatEdge.Proxy.Tests.Sip.Torture;

/// <summary>One RFC 4475 message and the answer the RFC says a proxy owes it (tests/TestData/sip/rfc4475/expectations.tsv).</summary>
public sealed record TortureCase(string Name, string Section, string Expected, string RfcSays)
{
    public byte[] Bytes => File.ReadAllBytes(TortureCorpus.PathOf(Name));

    public override string ToString() => $"{Section} {Name}";
}

public static class TortureCorpus
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "sip", "rfc4475");

    public static string PathOf(string name) => Path.Combine(Directory, name + ".dat");

    public static IReadOnlyList<TortureCase> All { get; } = Load();

    public static TheoryData<string> Names(Func<TortureCase, bool> filter)
    {
        var data = new TheoryData<string>();
        foreach (TortureCase c in All.Where(filter))
        {
            data.Add(c.Name);
        }

        return data;
    }

    public static TortureCase Get(string name) => All.Single(c => c.Name == name);

    private static List<TortureCase> Load()
    {
        var cases = new List<TortureCase>();
        foreach (string line in File.ReadAllLines(Path.Combine(Directory, "expectations.tsv")))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] fields = line.Split('\t');
            cases.Add(new TortureCase(fields[0], fields[1], fields[2], fields[3]));
        }

        return cases;
    }
}

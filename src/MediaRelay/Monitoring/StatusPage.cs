namespace NatEdge.MediaRelay.Monitoring;

/// <summary>The status page: one HTML file with its style and refresh script inline, embedded in the assembly.</summary>
internal static class StatusPage
{
    public static byte[] Html { get; } = Load();

    private static byte[] Load()
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream("NatEdge.MediaRelay.Monitoring.StatusPage.html")
                           ?? throw new InvalidOperationException("the status page resource is missing from the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

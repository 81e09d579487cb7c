using System.Globalization;
using System.Text;

namespace NatEdge.Proxy.Management;

/// <summary>
/// One answer of the control socket: a status line <c>CODE REASON</c>, the body lines, then an
/// empty line (the shape of SER's FIFO replies). Codes: 200 done, 400 malformed command or bad
/// argument, 403 not the proxy's user, 404 nothing matched, 409 refused (a reload with errors), 500 the proxy failed.
/// </summary>
public sealed record ControlAnswer(int Code, string Reason, IReadOnlyList<string> Lines)
{
    public const int Ok = 200;
    public const int BadRequest = 400;
    public const int Forbidden = 403;
    public const int NotFound = 404;
    public const int Refused = 409;
    public const int Failed = 500;

    public bool IsSuccess => Code is >= 200 and < 300;

    public static ControlAnswer Done(params IReadOnlyList<string> lines) => new(Ok, "OK", lines);

    public static ControlAnswer Error(int code, string reason, params IReadOnlyList<string> lines) => new(code, reason, lines);

    /// <summary>The wire form. An empty body line would end the answer early, so it goes out as one space.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Code} {OneLine(Reason)}\n");
        foreach (var line in Lines)
        {
            text.Append(line.Length == 0 ? " " : OneLine(line)).Append('\n');
        }

        return text.Append('\n').ToString();
    }

    /// <summary>Reads one answer; null when the connection closed before a whole one arrived.</summary>
    public static async Task<ControlAnswer?> ReadAsync(TextReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var status = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (status is null || status.Length < 4 || !int.TryParse(status.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return null;
        }

        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                return new ControlAnswer(code, status[4..], lines);
            }

            lines.Add(line == " " ? string.Empty : line);
        }

        return null;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

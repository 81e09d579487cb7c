using System.Text;

namespace NatEdge.Proxy.Telemetry;

/// <summary>Label values in the Prometheus style (lower snake case), made once when a series is created.</summary>
public static class MetricLabels
{
    /// <summary><c>MalformedStartLine</c> becomes <c>malformed_start_line</c>, <c>MalformedCSeq</c> <c>malformed_cseq</c>.</summary>
    public static string SnakeCase(string pascalCase)
    {
        ArgumentNullException.ThrowIfNull(pascalCase);
        var text = new StringBuilder(pascalCase.Length + 8);
        for (var i = 0; i < pascalCase.Length; i++)
        {
            var c = pascalCase[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(pascalCase[i - 1]))
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}

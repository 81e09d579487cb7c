using System.Text;

namespace NatEdge.MediaRelay.Accounting;

/// <summary>
/// Appends one JSON line of statistics per ended session (spec §4.6, §9). Writes happen on the control
/// path under the session table's lock, so lines never interleave. A null path records nothing.
/// </summary>
internal sealed class AccountingLog : IDisposable
{
    private readonly StreamWriter? _writer;

    public AccountingLog(string? path)
    {
        if (path is null) return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    public void Write(string jsonLine)
    {
        try
        {
            _writer?.WriteLine(jsonLine);
        }
        catch (IOException e)
        {
            RelayLog.Error($"accounting log write failed: {e.Message}");
        }
    }

    public void Dispose() => _writer?.Dispose();
}

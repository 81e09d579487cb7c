namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>Destination of the script's log() lines.</summary>
public interface IScriptLog
{
    void Write(int level, string text);
}

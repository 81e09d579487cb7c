namespace NatEdge.Proxy.Storage;

/// <summary>
/// A database operation failed for a reason the caller cannot fix by changing its input: a
/// missing table, a rejected statement. The message names the store (password hidden) and the cause.
/// </summary>
public class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The database could not be reached, or kept failing after the retries of <see cref="Database"/>,
/// or did not answer within <see cref="DatabaseOptions.OperationTimeout"/>. Callers map it to
/// 500 (SIP) or exit code 1 (ctl).
/// </summary>
public sealed class StorageUnavailableException : StorageException
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

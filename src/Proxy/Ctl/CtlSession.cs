using System.CommandLine;
using NatEdge.Proxy.Storage;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// What one ctl invocation works with: the database named by <c>--db-url</c> or by the
/// <c>db_url</c> modparam of <c>--config</c> (default <c>config/natedge.cfg</c>), and the two
/// output streams. Turns storage failures into one line on stderr and exit code 1.
/// </summary>
public sealed class CtlSession
{
    public const string DefaultConfigPath = "config/natedge.cfg";

    private CtlSession(Database database, TextWriter output, TextWriter error)
    {
        Database = database;
        Output = output;
        Error = error;
    }

    public Database Database { get; }
    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>Resolves the database, then runs <paramref name="work"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(
        ParseResult parse,
        CtlOptions options,
        Func<CtlSession, CancellationToken, Task<int>> work,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(work);
        var output = Console.Out;
        var error = Console.Error;
        if (!TryResolveDbUrl(parse, options, out var url, out var problem))
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            return Program.ExitBadUsage;
        }

        var session = new CtlSession(Database.Open(url), output, error);
        try
        {
            return await work(session, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException exception)
        {
            var hint = exception is StorageUnavailableException ? "" : " (has 'ctl db init' been run?)";
            await error.WriteLineAsync(exception.Message + hint).ConfigureAwait(false);
            return Program.ExitRuntimeFailure;
        }
    }

    public static bool TryResolveDbUrl(ParseResult parse, CtlOptions options, out DbUrl url, out string problem)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        url = DbUrl.NoDatabase;
        problem = "";
        var dbUrl = parse.GetValue(options.DbUrl);
        var config = parse.GetValue(options.Config);
        if (dbUrl is not null && config is not null)
        {
            problem = "give either --db-url or --config, not both";
            return false;
        }

        var text = dbUrl;
        if (text is null)
        {
            var path = config ?? DefaultConfigPath;
            if (!File.Exists(path))
            {
                problem = config is null
                    ? $"no database given: use --db-url URL or --config FILE ({DefaultConfigPath} does not exist)"
                    : $"cannot read config file '{path}': it does not exist";
                return false;
            }

            text = ConfigDbUrlReader.ReadFile(path, out var diagnostics);
            if (text is null)
            {
                problem = diagnostics.HasErrors
                    ? $"{path}: no usable db_url; the script has errors:{Environment.NewLine}{diagnostics.Render().TrimEnd()}"
                    : $"{path}: no modparam sets db_url (usrloc or auth_db) and no fifo_db_url";
                return false;
            }
        }

        if (!DbUrl.TryParse(text, out url, out var error))
        {
            problem = DbUrl.Describe(error, text);
            return false;
        }

        if (url.Backend == DbBackend.None)
        {
            problem = "ctl needs a database: db_url is empty or none";
            return false;
        }

        return true;
    }

    /// <summary>Parses a USER@DOMAIN argument, or prints why not.</summary>
    public bool TryAccount(string? text, string what, out AccountName account)
    {
        if (AccountName.TryParse(text, out account))
        {
            return true;
        }

        Error.WriteLine($"expected {what}, got '{text}'");
        return false;
    }

    public int Fail(string message)
    {
        Error.WriteLine(message);
        return Program.ExitRuntimeFailure;
    }
}

/// <summary>The options every ctl subcommand shares.</summary>
public sealed class CtlOptions
{
    public Option<string?> DbUrl { get; } = new("--db-url")
    {
        Description = "database: mysql://user:pass@host[:port]/db or sqlite:PATH",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> ControlSocket { get; } = new("--control-socket")
    {
        Description = "the running proxy's control socket; ul commands use it instead of the database (default: the fifo= of --config when a proxy answers there)",
        HelpName = "PATH",
        Recursive = true,
    };

    public Option<string?> Relay { get; } = new("--relay")
    {
        Description = "a media relay's control socket: relay summary and relay sessions ask that relay directly, with no proxy",
        HelpName = "SOCKET",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = $"route script whose db_url modparam names the database (default {CtlSession.DefaultConfigPath})",
        HelpName = "FILE",
        Recursive = true,
    };
}

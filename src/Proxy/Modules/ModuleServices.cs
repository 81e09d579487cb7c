using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Modules;

/// <summary>
/// The state the registrar, auth and domain functions work on while the proxy runs: the location
/// and aliases stores (usrloc), the nonce service and digest verifier (auth, auth_db), and the
/// uri and domain tables. Built once at start from the script's modparams by
/// <see cref="StartAsync"/>; every worker's <c>RouteContext.Services</c> points at the same
/// instance. Thread-safe: each member is.
/// </summary>
public sealed class ModuleServices : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private ModuleServices(TimeProvider time)
    {
        Time = time;
    }

    /// <summary>No module state: functions that need some fail (return -1) with a server error.</summary>
    public static ModuleServices None { get; } = new(TimeProvider.System);

    public TimeProvider Time { get; }

    /// <summary>The <c>location</c> contacts (usrloc); null when usrloc is not loaded.</summary>
    public ILocationStore? Location { get; private set; }

    /// <summary>The <c>aliases</c> contacts: the database table when usrloc has one, else memory.</summary>
    public ILocationStore? Aliases { get; private set; }

    public NonceService? Nonces { get; private set; }

    /// <summary>Checks credentials against <c>subscriber</c>; null when auth_db is not loaded.</summary>
    public DigestVerifier? Digest { get; private set; }

    public UriRepository? Uris { get; private set; }

    public DomainRepository? Domains { get; private set; }

    /// <summary>
    /// Opens what the loaded modules need. A database is opened per distinct <c>db_url</c>; an
    /// SQLite file without the tables gets them (the embedded store needs no setup), a MySQL
    /// database must have been created with <c>ctl db init</c>.
    /// </summary>
    /// <exception cref="StorageException">usrloc db_mode 1 or 2 could not load its table.</exception>
    /// <exception cref="MediaProxy.Remote.RelayDispatcherException">The mediaproxy relay dispatcher is misconfigured or cannot listen.</exception>
    public static async Task<ModuleServices> StartAsync(
        IReadOnlyDictionary<string, ModuleSettings> modules,
        TimeProvider time,
        Microsoft.Extensions.Logging.ILoggerFactory? loggers = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(time);
        var services = new ModuleServices(time);
        var databases = new DatabaseSet();
        try
        {
            if (modules.TryGetValue("usrloc", out var usrloc))
            {
                await services.StartUsrlocAsync(usrloc, databases, cancellationToken).ConfigureAwait(false);
            }

            if (modules.TryGetValue("auth", out var auth))
            {
                await services.StartAuthAsync(auth, modules.GetValueOrDefault("auth_db"), databases, cancellationToken).ConfigureAwait(false);
            }

            if (modules.TryGetValue("uri_db", out var uriDb))
            {
                services.Uris = new UriRepository(await databases.OpenAsync(uriDb, cancellationToken).ConfigureAwait(false));
            }

            if (modules.TryGetValue("mediaproxy", out var mediaProxy)
                && MediaProxy.Remote.RelayDispatchers.Start(mediaProxy, loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance) is { } dispatcher)
            {
                services._owned.Add(dispatcher);
            }

            if (modules.TryGetValue("domain", out var domain))
            {
                services.Domains = new DomainRepository(await databases.OpenAsync(domain, cancellationToken).ConfigureAwait(false));
            }

            return services;
        }
        catch
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Builds services from stores made elsewhere (tests, tools).</summary>
    public static ModuleServices Create(
        TimeProvider time,
        ILocationStore? location = null,
        ILocationStore? aliases = null,
        NonceService? nonces = null,
        DigestVerifier? digest = null,
        UriRepository? uris = null,
        DomainRepository? domains = null) =>
        new(time) { Location = location, Aliases = aliases, Nonces = nonces ?? digest?.Nonces, Digest = digest, Uris = uris, Domains = domains };

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        _owned.Clear();
    }

    private async Task StartUsrlocAsync(ModuleSettings usrloc, DatabaseSet databases, CancellationToken cancellationToken)
    {
        var mode = (UsrlocDbMode)usrloc.GetInteger("db_mode");
        var interval = TimeSpan.FromSeconds(usrloc.GetInteger("timer_interval"));
        var database = mode == UsrlocDbMode.MemoryOnly ? null : await databases.OpenAsync(usrloc, cancellationToken).ConfigureAwait(false);
        Location = await LocationStores.CreateAsync(mode, database, Time, interval, KamailioSchema.LocationTable, cancellationToken).ConfigureAwait(false);
        _owned.Add(Location);

        // Aliases are written by ctl into the table, so a proxy with a database reads them from it.
        Aliases = await LocationStores.CreateAsync(
            database is null ? UsrlocDbMode.MemoryOnly : UsrlocDbMode.DatabaseOnly,
            database,
            Time,
            interval,
            KamailioSchema.AliasesTable,
            cancellationToken).ConfigureAwait(false);
        _owned.Add(Aliases);
    }

    private async Task StartAuthAsync(ModuleSettings auth, ModuleSettings? authDb, DatabaseSet databases, CancellationToken cancellationToken)
    {
        var secret = auth.GetText("secret");
        Nonces = new NonceService(Time, TimeSpan.FromSeconds(auth.GetInteger("nonce_expire")), System.Text.Encoding.UTF8.GetBytes(secret));
        if (authDb is null)
        {
            return;
        }

        var options = new AuthDbOptions
        {
            CalculateHa1 = authDb.GetInteger("calculate_ha1") == 1,
            PasswordColumn = authDb.GetText("password_column"),
            PasswordColumn2 = authDb.GetText("password_column_2"),
            SingleUseNonces = auth.GetInteger("one_time_nonce") == 1,
        };
        var lookup = new DatabaseSubscriberLookup(new SubscriberRepository(await databases.OpenAsync(authDb, cancellationToken).ConfigureAwait(false)));
        Digest = new DigestVerifier(lookup, Nonces, options);
    }

    /// <summary>One <see cref="Database"/> per distinct URL, shared by the modules that name it.</summary>
    private sealed class DatabaseSet
    {
        private readonly Dictionary<string, Database> _open = new(StringComparer.Ordinal);
        private readonly HashSet<string> _prepared = new(StringComparer.Ordinal);

        public async Task<Database> OpenAsync(ModuleSettings module, CancellationToken cancellationToken)
        {
            var text = module.GetText("db_url");
            if (!_open.TryGetValue(text, out var database))
            {
                database = Database.Open(DbUrl.Parse(text));
                _open[text] = database;
            }

            if (database.Backend == DbBackend.Sqlite && _prepared.Add(text))
            {
                await SchemaInstaller.InstallAsync(database, cancellationToken).ConfigureAwait(false);
            }

            return database;
        }
    }
}

using System.Data.Common;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Storage.Repositories;

/// <summary>
/// Rows of a contact table (<c>location</c> or <c>aliases</c>; same layout) keyed by
/// (username, domain, contact), as Kamailio's usrloc keys them in DB mode.
/// </summary>
public sealed class LocationRepository
{
    private const string Columns =
        "`username`, `domain`, `contact`, `expires`, `q`, `callid`, `cseq`, `user_agent`, `received`, `path`, " +
        "`flags`, `cflags`, `socket`, `methods`, `instance`, `reg_id`, `ruid`, `last_modified`";

    private readonly Database _database;
    private readonly string _selectAll;
    private readonly string _selectAor;
    private readonly string _selectAors;
    private readonly string _update;
    private readonly string _insert;
    private readonly string _deleteContact;
    private readonly string _deleteAor;
    private readonly string _deleteExpired;

    public LocationRepository(Database database, string table = KamailioSchema.LocationTable)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (table is not (KamailioSchema.LocationTable or KamailioSchema.AliasesTable))
        {
            throw new ArgumentException("contact tables are location and aliases", nameof(table));
        }

        _database = database;
        Table = table;
        // Kamailio writes NULL into domain when use_domain is off; NatEdge writes ''. Both read as ''.
        const string MatchAor = "`username` = @username AND COALESCE(`domain`, '') = @domain";
        _selectAll = $"SELECT {Columns} FROM `{table}` ORDER BY `username`, `domain`, `id`";
        _selectAor = $"SELECT {Columns} FROM `{table}` WHERE {MatchAor} ORDER BY `id`";
        _selectAors = $"SELECT DISTINCT `username`, COALESCE(`domain`, '') FROM `{table}` ORDER BY 1, 2";
        _update =
            $"UPDATE `{table}` SET `expires` = @expires, `q` = @q, `callid` = @callid, `cseq` = @cseq, " +
            "`user_agent` = @user_agent, `received` = @received, `path` = @path, `flags` = @flags, `cflags` = @cflags, " +
            "`socket` = @socket, `methods` = @methods, `instance` = @instance, `reg_id` = @reg_id, " +
            $"`last_modified` = @last_modified WHERE {MatchAor} AND `contact` = @contact";
        _insert =
            $"INSERT INTO `{table}` ({Columns}) VALUES (@username, @domain, @contact, @expires, @q, @callid, @cseq, " +
            "@user_agent, @received, @path, @flags, @cflags, @socket, @methods, @instance, @reg_id, @ruid, @last_modified)";
        _deleteContact = $"DELETE FROM `{table}` WHERE {MatchAor} AND `contact` = @contact";
        _deleteAor = $"DELETE FROM `{table}` WHERE {MatchAor}";
        _deleteExpired = $"DELETE FROM `{table}` WHERE `expires` <= @now AND (`flags` & {ContactBinding.PermanentFlag}) = 0";
    }

    public string Table { get; }

    public Task<IReadOnlyList<ContactBinding>> LoadAllAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync((connection, token) => ReadAsync(connection.CreateSqlCommand(_selectAll, null), token), cancellationToken);

    public Task<IReadOnlyList<ContactBinding>> LoadAsync(string aor, CancellationToken cancellationToken = default)
    {
        var (username, domain) = Aor.Split(aor);
        return _database.RunAsync(
            (connection, token) => ReadAsync(
                connection.CreateSqlCommand(_selectAor, null, ("@username", username), ("@domain", domain)),
                token),
            cancellationToken);
    }

    /// <summary>Every address-of-record that has at least one row.</summary>
    public Task<IReadOnlyList<string>> ListAorsAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<string>>(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(_selectAors, null);
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                var aors = new List<string>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    aors.Add(Aor.Join(reader.GetString(0), reader.GetString(1)));
                }

                return aors;
            },
            cancellationToken);

    /// <summary>Updates the row of (AOR, contact) or inserts it.</summary>
    public Task UpsertAsync(ContactBinding binding, CancellationToken cancellationToken = default) =>
        _database.RunAsync((connection, token) => UpsertAsync(connection, null, binding, token), cancellationToken);

    public Task<bool> DeleteAsync(string aor, string contact, CancellationToken cancellationToken = default) =>
        _database.RunAsync((connection, token) => DeleteAsync(connection, null, aor, contact, token), cancellationToken);

    public Task<int> DeleteAorAsync(string aor, CancellationToken cancellationToken = default)
    {
        var (username, domain) = Aor.Split(aor);
        return _database.RunAsync(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(_deleteAor, null, ("@username", username), ("@domain", domain));
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<int> DeleteExpiredAsync(DateTime utcNow, CancellationToken cancellationToken = default) =>
        _database.RunAsync((connection, token) => DeleteExpiredAsync(connection, null, utcNow, token), cancellationToken);

    /// <summary>
    /// Writes the changes of several registrations in one transaction (usrloc write-through under
    /// load): an insert adds the binding's row, an update rewrites the row of (AOR, contact) (adding
    /// it if it is missing), a delete removes it.
    /// </summary>
    /// <returns>How many changes were applied (all of them, or the call throws).</returns>
    public Task<int> ApplyWritesAsync(IReadOnlyList<LocationWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        return writes.Count == 0
            ? Task.FromResult(0)
            : _database.RunInTransactionAsync((connection, transaction, token) => ApplyBatchAsync(connection, transaction, writes, token), cancellationToken);
    }

    /// <summary>Writes a batch in one transaction: the write-back flush of usrloc db_mode 2.</summary>
    public Task ApplyAsync(
        IReadOnlyCollection<ContactBinding> upserts,
        IReadOnlyCollection<(string Aor, string Contact)> deletes,
        DateTime expiredBefore,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        return _database.RunInTransactionAsync(
            async (connection, transaction, token) =>
            {
                foreach (var (aor, contact) in deletes)
                {
                    await DeleteAsync(connection, transaction, aor, contact, token).ConfigureAwait(false);
                }

                foreach (var binding in upserts)
                {
                    await UpsertAsync(connection, transaction, binding, token).ConfigureAwait(false);
                }

                return await DeleteExpiredAsync(connection, transaction, expiredBefore, token).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private async Task<bool> UpsertAsync(DbConnection connection, DbTransaction? transaction, ContactBinding binding, CancellationToken token)
    {
        await using (var update = connection.CreateSqlCommand(_update, transaction, RowValues(binding, withRuid: false)))
        {
            if (await update.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0)
            {
                return false;
            }
        }

        await using var insert = connection.CreateSqlCommand(_insert, transaction, RowValues(binding, withRuid: true));
        await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The changes of a batch in one transaction. With batches (MySqlConnector on MariaDB runs a
    /// <see cref="DbBatch"/> as one exchange) the new rows and updates go in one round trip and the
    /// deletes in another. Should an update find no row, or more than one (the table was changed
    /// behind the proxy's back), the writes are done again one by one, each update inserting what it
    /// did not find. Without batches (SQLite, in process) they run one by one from the start.
    /// </summary>
    private async Task<int> ApplyBatchAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<LocationWrite> writes, CancellationToken token)
    {
        if (!connection.CanCreateBatch || !await TryApplyAsBatchesAsync(connection, transaction, writes, token).ConfigureAwait(false))
        {
            foreach (var (binding, kind) in writes)
            {
                if (kind == LocationWriteKind.Delete)
                {
                    await DeleteAsync(connection, transaction, binding.Aor, binding.Contact, token).ConfigureAwait(false);
                }
                else
                {
                    await UpsertAsync(connection, transaction, binding, token).ConfigureAwait(false);
                }
            }
        }

        return writes.Count;
    }

    /// <returns>false when the rows written were not one per insert and update.</returns>
    private async Task<bool> TryApplyAsBatchesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<LocationWrite> writes, CancellationToken token)
    {
        await using var upserts = connection.CreateBatch();
        await using var deletes = connection.CreateBatch();
        upserts.Transaction = transaction;
        deletes.Transaction = transaction;
        foreach (var (binding, kind) in writes)
        {
            switch (kind)
            {
                case LocationWriteKind.Insert:
                    upserts.AddStatement(_insert, RowValues(binding, withRuid: true));
                    break;
                case LocationWriteKind.Update:
                    upserts.AddStatement(_update, RowValues(binding, withRuid: false));
                    break;
                default:
                    deletes.AddStatement(_deleteContact, ContactKey(binding.Aor, binding.Contact));
                    break;
            }
        }

        if (upserts.BatchCommands.Count > 0 &&
            await upserts.ExecuteNonQueryAsync(token).ConfigureAwait(false) != upserts.BatchCommands.Count)
        {
            return false;
        }

        if (deletes.BatchCommands.Count > 0)
        {
            await deletes.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }

        return true;
    }

    private static (string, object?)[] RowValues(ContactBinding binding, bool withRuid)
    {
        var (username, domain) = Aor.Split(binding.Aor);
        (string, object?)[] values =
        [
            ("@username", username),
            ("@domain", domain),
            ("@contact", binding.Contact),
            ("@expires", ToSeconds(binding.Expires)),
            ("@q", binding.Q),
            ("@callid", binding.CallId),
            ("@cseq", binding.CSeq),
            ("@user_agent", binding.UserAgent),
            ("@received", binding.Received),
            ("@path", binding.Path),
            ("@flags", binding.Flags),
            ("@cflags", binding.CFlags),
            ("@socket", binding.Socket),
            ("@methods", binding.Methods),
            ("@instance", binding.Instance),
            ("@reg_id", binding.RegId),
            ("@last_modified", ToSeconds(binding.LastModified)),
            ("@ruid", binding.Ruid),
        ];
        return withRuid ? values : values[..^1];
    }

    private async Task<bool> DeleteAsync(DbConnection connection, DbTransaction? transaction, string aor, string contact, CancellationToken token)
    {
        await using var command = connection.CreateSqlCommand(_deleteContact, transaction, ContactKey(aor, contact));
        return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0;
    }

    /// <summary>The parameters that name one contact of an AOR: what <c>_deleteContact</c> matches.</summary>
    private static (string, object?)[] ContactKey(string aor, string contact)
    {
        var (username, domain) = Aor.Split(aor);
        return [("@username", username), ("@domain", domain), ("@contact", contact)];
    }

    private async Task<int> DeleteExpiredAsync(DbConnection connection, DbTransaction? transaction, DateTime utcNow, CancellationToken token)
    {
        await using var command = connection.CreateSqlCommand(_deleteExpired, transaction, ("@now", ToSeconds(utcNow)));
        return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<ContactBinding>> ReadAsync(DbCommand command, CancellationToken token)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var bindings = new List<ContactBinding>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                bindings.Add(new ContactBinding
                {
                    Aor = Aor.Join(reader.GetString(0), reader.GetNullableString(1)),
                    Contact = reader.GetString(2),
                    Expires = reader.GetUtcDateTime(3),
                    Q = Convert.ToSingle(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
                    CallId = reader.GetString(5),
                    CSeq = reader.GetInt32(6),
                    UserAgent = reader.GetString(7),
                    Received = reader.GetNullableString(8),
                    Path = reader.GetNullableString(9),
                    Flags = reader.GetInt32(10),
                    CFlags = reader.GetInt32(11),
                    Socket = reader.GetNullableString(12),
                    Methods = reader.IsDBNull(13) ? null : reader.GetInt32(13),
                    Instance = reader.GetNullableString(14),
                    RegId = reader.GetInt32(15),
                    Ruid = reader.GetString(16),
                    LastModified = reader.GetUtcDateTime(17),
                });
            }

            return bindings;
        }
    }

    /// <summary>DATETIME keeps whole seconds; cutting here makes memory and database agree after a reload.</summary>
    private static DateTime ToSeconds(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}

/// <summary>One change of a contact table, as the in-memory table decided it.</summary>
public readonly record struct LocationWrite(ContactBinding Binding, LocationWriteKind Kind);

public enum LocationWriteKind
{
    /// <summary>A contact the AOR did not have.</summary>
    Insert,

    /// <summary>A refresh of a contact the AOR has.</summary>
    Update,

    /// <summary>The contact of (AOR, contact) removed.</summary>
    Delete,
}

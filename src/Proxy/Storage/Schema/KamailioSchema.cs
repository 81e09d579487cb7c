namespace NatEdge.Proxy.Storage.Schema;

/// <summary>
/// The tables of Kamailio 5.6 that NatEdge uses (its kamctl MySQL create scripts:
/// standard, auth_db, usrloc, registrar, domain, uri_db), with the same names, column types,
/// defaults, constraints and table versions, so a Kamailio database works unchanged.
/// </summary>
public static class KamailioSchema
{
    public const string VersionTable = "version";
    public const string SubscriberTable = "subscriber";
    public const string LocationTable = "location";
    public const string AliasesTable = "aliases";
    public const string DomainTable = "domain";
    public const string UriTable = "uri";

    /// <summary>Kamailio's "forever" for a contact that never expires.</summary>
    public static readonly DateTime ForeverExpires = new(2030, 5, 28, 21, 32, 15, DateTimeKind.Utc);

    private const string EpochDefault = "'2000-01-01 00:00:01'";
    private const string ForeverDefault = "'2030-05-28 21:32:15'";

    public static TableDefinition Version { get; } = new(
        VersionTable,
        1,
        [
            Id(),
            Varchar("table_name", 32, nullable: false, null),
            new("table_version", ColumnType.UnsignedInt, 0, false, "0"),
        ],
        [new("table_name_idx", true, ["table_name"])]);

    public static TableDefinition Subscriber { get; } = new(
        SubscriberTable,
        7,
        [
            Id(),
            Varchar("username", 64),
            Varchar("domain", 64),
            Varchar("password", 64),
            Varchar("ha1", 128),
            Varchar("ha1b", 128),
        ],
        [new("account_idx", true, ["username", "domain"]), new("username_idx", false, ["username"])]);

    public static TableDefinition Location { get; } = ContactTable(
        LocationTable,
        9,
        contactLength: 512,
        receivedLength: 128,
        [new("tcpcon_idx", false, ["connection_id"]), new("connection_idx", false, ["server_id", "connection_id"])]);

    public static TableDefinition Aliases { get; } = ContactTable(AliasesTable, 8, contactLength: 255, receivedLength: 255, []);

    public static TableDefinition Domain { get; } = new(
        DomainTable,
        2,
        [
            Id(),
            Varchar("domain", 64, nullable: false, null),
            Varchar("did", 64, nullable: true, null),
            new("last_modified", ColumnType.DateTime, 0, false, EpochDefault),
        ],
        [new("domain_idx", true, ["domain"])]);

    public static TableDefinition Uri { get; } = new(
        UriTable,
        1,
        [
            Id(),
            Varchar("username", 64),
            Varchar("domain", 64),
            Varchar("uri_user", 64),
            new("last_modified", ColumnType.DateTime, 0, false, EpochDefault),
        ],
        [new("account_idx", true, ["username", "domain", "uri_user"])]);

    /// <summary>In creation order: <c>version</c> first, since every other table registers itself there.</summary>
    public static IReadOnlyList<TableDefinition> Tables { get; } = [Version, Subscriber, Location, Aliases, Domain, Uri];

    private static TableDefinition ContactTable(
        string name,
        int version,
        int contactLength,
        int receivedLength,
        IReadOnlyList<IndexDefinition> extraIndexes) => new(
        name,
        version,
        [
            Id(),
            Varchar("ruid", 64),
            Varchar("username", 64),
            Varchar("domain", 64, nullable: true, null),
            Varchar("contact", contactLength),
            Varchar("received", receivedLength, nullable: true, null),
            Varchar("path", 512, nullable: true, null),
            new("expires", ColumnType.DateTime, 0, false, ForeverDefault),
            new("q", ColumnType.Float, 0, false, "1.0"),
            Varchar("callid", 255, nullable: false, "'Default-Call-ID'"),
            Int("cseq", "1"),
            new("last_modified", ColumnType.DateTime, 0, false, EpochDefault),
            Int("flags", "0"),
            Int("cflags", "0"),
            Varchar("user_agent", 255),
            Varchar("socket", 64, nullable: true, null),
            new("methods", ColumnType.Int, 0, true, null),
            Varchar("instance", 255, nullable: true, null),
            Int("reg_id", "0"),
            Int("server_id", "0"),
            Int("connection_id", "0"),
            Int("keepalive", "0"),
            Int("partition", "0"),
        ],
        [
            new("ruid_idx", true, ["ruid"]),
            new("account_contact_idx", false, ["username", "domain", "contact"]),
            new("expires_idx", false, ["expires"]),
            .. extraIndexes,
        ]);

    private static ColumnDefinition Id() => new("id", ColumnType.AutoId, 0, false, null);

    private static ColumnDefinition Int(string name, string defaultValue) => new(name, ColumnType.Int, 0, false, defaultValue);

    private static ColumnDefinition Varchar(string name, int length) => Varchar(name, length, nullable: false, "''");

    private static ColumnDefinition Varchar(string name, int length, bool nullable, string? defaultValue) =>
        new(name, ColumnType.Varchar, length, nullable, defaultValue);
}

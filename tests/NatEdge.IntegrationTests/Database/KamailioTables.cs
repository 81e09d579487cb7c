namespace NatEdge.IntegrationTests.Database;

/// <summary>
/// The tables, columns and versions of Kamailio 5.6's MySQL create scripts
/// (/usr/share/kamailio/mysql/{standard,auth_db,usrloc,registrar,domain,uri_db}-create.sql of
/// the kamailio 5.6.3 packages), written down here by hand as the reference for the schema tests.
/// </summary>
public static class KamailioTables
{
    private static readonly (string Column, string MySqlType)[] ContactColumns =
    [
        ("id", "int(10) unsigned"), ("ruid", "varchar(64)"), ("username", "varchar(64)"), ("domain", "varchar(64)"),
        ("contact", "varchar(512)"), ("received", "varchar(128)"), ("path", "varchar(512)"), ("expires", "datetime"),
        ("q", "float(10,2)"), ("callid", "varchar(255)"), ("cseq", "int(11)"), ("last_modified", "datetime"),
        ("flags", "int(11)"), ("cflags", "int(11)"), ("user_agent", "varchar(255)"), ("socket", "varchar(64)"),
        ("methods", "int(11)"), ("instance", "varchar(255)"), ("reg_id", "int(11)"), ("server_id", "int(11)"),
        ("connection_id", "int(11)"), ("keepalive", "int(11)"), ("partition", "int(11)"),
    ];

    public static IReadOnlyDictionary<string, (string Column, string MySqlType)[]> Columns { get; } =
        new Dictionary<string, (string, string)[]>
        {
            ["version"] = [("id", "int(10) unsigned"), ("table_name", "varchar(32)"), ("table_version", "int(10) unsigned")],
            ["subscriber"] =
            [
                ("id", "int(10) unsigned"), ("username", "varchar(64)"), ("domain", "varchar(64)"), ("password", "varchar(64)"),
                ("ha1", "varchar(128)"), ("ha1b", "varchar(128)"),
            ],
            ["location"] = ContactColumns,
            // aliases differs from location only in the widths of contact and received.
            ["aliases"] = ContactColumns
                .Select(column => column.Column switch
                {
                    "contact" => ("contact", "varchar(255)"),
                    "received" => ("received", "varchar(255)"),
                    _ => column,
                })
                .ToArray(),
            ["domain"] = [("id", "int(10) unsigned"), ("domain", "varchar(64)"), ("did", "varchar(64)"), ("last_modified", "datetime")],
            ["uri"] =
            [
                ("id", "int(10) unsigned"), ("username", "varchar(64)"), ("domain", "varchar(64)"), ("uri_user", "varchar(64)"),
                ("last_modified", "datetime"),
            ],
        };

    public static IReadOnlyDictionary<string, int> Versions { get; } = new Dictionary<string, int>
    {
        ["version"] = 1,
        ["subscriber"] = 7,
        ["location"] = 9,
        ["aliases"] = 8,
        ["domain"] = 2,
        ["uri"] = 1,
    };
}

using System.Globalization;
using System.Text;

namespace NatEdge.Proxy.Storage.Schema;

/// <summary>
/// Renders a <see cref="TableDefinition"/> as DDL. MySQL/MariaDB get Kamailio's types verbatim;
/// SQLite gets the same names with its own type affinities. Backticks quote identifiers in both
/// (SQLite accepts them), which matters for <c>partition</c>, a reserved word in MySQL.
/// </summary>
public static class SchemaScript
{
    public static IReadOnlyList<string> CreateTable(TableDefinition table, DbBackend backend)
    {
        var sql = new StringBuilder();
        sql.Append("CREATE TABLE `").Append(table.Name).Append("` (\n");
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            sql.Append("    `").Append(column.Name).Append("` ").Append(ColumnSql(column, backend));
            var last = i == table.Columns.Count - 1 && !table.Indexes.Any(index => index.Unique);
            sql.Append(last ? "\n" : ",\n");
        }

        var uniques = table.Indexes.Where(index => index.Unique).ToList();
        for (var i = 0; i < uniques.Count; i++)
        {
            var unique = uniques[i];
            // SQLite constraint names are global like index names, so they carry the table name.
            var name = backend == DbBackend.Sqlite ? $"{table.Name}_{unique.Name}" : unique.Name;
            sql.Append("    CONSTRAINT ").Append(name).Append(" UNIQUE (").Append(ColumnList(unique.Columns)).Append(')');
            sql.Append(i == uniques.Count - 1 ? "\n" : ",\n");
        }

        sql.Append(')');
        if (backend == DbBackend.MySql)
        {
            sql.Append(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        }

        var statements = new List<string> { sql.ToString() };
        foreach (var index in table.Indexes.Where(index => !index.Unique))
        {
            var name = backend == DbBackend.Sqlite ? $"{table.Name}_{index.Name}" : index.Name;
            statements.Add($"CREATE INDEX {name} ON `{table.Name}` ({ColumnList(index.Columns)})");
        }

        return statements;
    }

    private static string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(column => $"`{column}`"));

    private static string ColumnSql(ColumnDefinition column, DbBackend backend)
    {
        if (column.Type == ColumnType.AutoId)
        {
            return backend == DbBackend.MySql
                ? "INT(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL"
                : "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL";
        }

        var type = (column.Type, backend) switch
        {
            (ColumnType.Int, DbBackend.MySql) => "INT(11)",
            (ColumnType.Int, _) => "INTEGER",
            (ColumnType.UnsignedInt, DbBackend.MySql) => "INT UNSIGNED",
            (ColumnType.UnsignedInt, _) => "INTEGER",
            (ColumnType.Varchar, _) => string.Create(CultureInfo.InvariantCulture, $"VARCHAR({column.Length})"),
            (ColumnType.DateTime, DbBackend.MySql) => "DATETIME",
            (ColumnType.DateTime, _) => "TIMESTAMP",
            (ColumnType.Float, DbBackend.MySql) => "FLOAT(10,2)",
            (ColumnType.Float, _) => "REAL",
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "unknown column type"),
        };

        var defaultSql = column.Default is null ? "" : " DEFAULT " + column.Default;
        var nullSql = column.Nullable ? "" : " NOT NULL";
        return type + defaultSql + nullSql;
    }
}

namespace NatEdge.Proxy.Storage.Schema;

/// <param name="Name">Column name as Kamailio spells it.</param>
/// <param name="Length">VARCHAR length; 0 for other types.</param>
/// <param name="Default">SQL literal of the default, or null for none.</param>
public sealed record ColumnDefinition(string Name, ColumnType Type, int Length, bool Nullable, string? Default);

/// <param name="Unique">UNIQUE constraint rather than a plain index.</param>
public sealed record IndexDefinition(string Name, bool Unique, IReadOnlyList<string> Columns);

/// <summary>One table of the schema, written once and rendered for each SQL dialect.</summary>
public sealed record TableDefinition(
    string Name,
    int Version,
    IReadOnlyList<ColumnDefinition> Columns,
    IReadOnlyList<IndexDefinition> Indexes);

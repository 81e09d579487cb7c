namespace NatEdge.Proxy.Storage.Schema;

/// <summary>The column kinds Kamailio's create scripts use for the tables NatEdge reads and writes.</summary>
public enum ColumnType
{
    /// <summary><c>INT(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY</c>.</summary>
    AutoId,
    Int,
    UnsignedInt,
    Varchar,
    DateTime,
    /// <summary><c>FLOAT(10,2)</c>, the q value.</summary>
    Float,
}

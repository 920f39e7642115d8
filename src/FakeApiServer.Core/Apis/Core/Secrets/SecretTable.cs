using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.Secrets;

/// <summary>Secrets as kube-apiserver's printSecret: NAME TYPE DATA AGE.</summary>
internal sealed class SecretTable : ITablePrinter
{
    private static readonly TableColumn[] SecretColumns =
    [
        TableCells.NameColumn,
        new("Type", "string", "", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
        new("Data", "string", "", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
        TableCells.AgeColumn,
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => SecretColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        TableCells.Name(obj),

        // The API server defaults an absent type to Opaque.
        TableCells.GetString(obj, "type") ?? "Opaque",
        (long)TableCells.Count(obj, "data"),
        TableCells.Age(obj, now),
    ];
}

using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Rbac;

/// <summary>Roles and ClusterRoles as kube-apiserver's printRole/printClusterRole: NAME, CREATED AT (RFC 3339, UTC).</summary>
internal sealed class PolicyTable : ITablePrinter
{
    private static readonly TableColumn[] PolicyColumns =
    [
        TableCells.NameColumn,
        new("Created At", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => PolicyColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [TableCells.Name(obj), TableCells.Timestamp(TableCells.Get(obj, "metadata", "creationTimestamp"))?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "0001-01-01T00:00:00Z"];
}

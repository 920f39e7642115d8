using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Apis.Rbac;

/// <summary>
/// RoleBindings and ClusterRoleBindings as kube-apiserver's printRoleBinding/printClusterRoleBinding: NAME, ROLE
/// (kind/name), AGE; -o wide adds USERS, GROUPS and SERVICEACCOUNTS (namespace/name), each comma-separated.
/// </summary>
internal sealed class BindingTable : ITablePrinter
{
    private static readonly TableColumn[] BindingColumns =
    [
        TableCells.NameColumn,
        new("Role", "string", "", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."),
        TableCells.AgeColumn,
        new("Users", "string", "", "Users in the roleBinding", 1),
        new("Groups", "string", "", "Groups in the roleBinding", 1),
        new("ServiceAccounts", "string", "", "ServiceAccounts in the roleBinding", 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => BindingColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var subjects = TableCells.Objects(obj, "subjects");
        string Of(string kind, Func<JsonObject, string> show) =>
            string.Join(", ", subjects.Where(s => TableCells.GetString(s, "kind") == kind).Select(show));
        return
        [
            TableCells.Name(obj),
            (TableCells.GetString(obj, "roleRef", "kind") ?? "") + "/" + (TableCells.GetString(obj, "roleRef", "name") ?? ""),
            TableCells.Age(obj, now),
            Of(RbacSubject.User, s => TableCells.GetString(s, "name") ?? ""),
            Of(RbacSubject.Group, s => TableCells.GetString(s, "name") ?? ""),
            Of(RbacSubject.ServiceAccount, s => (TableCells.GetString(s, "namespace") ?? "") + "/" + (TableCells.GetString(s, "name") ?? "")),
        ];
    }
}

using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.AdmissionRegistration.ValidatingAdmissionPolicyBindings;

/// <summary>
/// ValidatingAdmissionPolicyBindings as kube-apiserver's printer: NAME POLICYNAME PARAMREF (namespace/name, "*/name" without
/// a namespace, the selector, or "&lt;unset&gt;") AGE.
/// </summary>
internal static class ValidatingAdmissionPolicyBindingTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("PolicyName", "string", typeof(V1ValidatingAdmissionPolicyBindingSpec), "PolicyName"), (o, _) => TableCells.GetString(o, "spec", "policyName") ?? ""),
        new(ColumnTable.Column("ParamRef", "string", typeof(V1ValidatingAdmissionPolicyBindingSpec), "ParamRef"), (o, _) => ParamRef(o)),
        ColumnTable.Age);

    private static string ParamRef(JsonObject o)
    {
        if (TableCells.Get(o, "spec", "paramRef") is not JsonObject paramRef)
        {
            return "<unset>";
        }

        if (TableCells.GetString(paramRef, "name") is { Length: > 0 } name)
        {
            return (TableCells.GetString(paramRef, "namespace") is { Length: > 0 } ns ? ns : "*") + "/" + name;
        }

        return TableCells.Get(paramRef, "selector") is { } selector ? TableCells.LabelSelectorString(selector) ?? "" : "<unset>";
    }
}

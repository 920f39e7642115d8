using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.AdmissionRegistration.ValidatingAdmissionPolicies;

/// <summary>ValidatingAdmissionPolicies as kube-apiserver's printer: NAME VALIDATIONS (how many) PARAMKIND (apiVersion/kind or "&lt;unset&gt;") AGE.</summary>
internal static class ValidatingAdmissionPolicyTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Validations", "integer", typeof(V1ValidatingAdmissionPolicySpec), "Validations"), (o, _) => (long)TableCells.Count(o, "spec", "validations")),
        new(ColumnTable.Column("ParamKind", "string", typeof(V1ValidatingAdmissionPolicySpec), "ParamKind"),
            (o, _) => TableCells.Get(o, "spec", "paramKind") is JsonObject kind ? TableCells.GetString(kind, "apiVersion") + "/" + TableCells.GetString(kind, "kind") : "<unset>"),
        ColumnTable.Age);
}

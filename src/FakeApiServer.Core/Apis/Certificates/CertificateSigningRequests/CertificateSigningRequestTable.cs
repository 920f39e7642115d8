using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Certificates.CertificateSigningRequests;

/// <summary>
/// CertificateSigningRequests as kube-apiserver's printCertificateSigningRequest: NAME AGE SIGNERNAME REQUESTOR
/// REQUESTEDDURATION CONDITION (Denied, Approved or Pending, then ",Failed" and ",Issued").
/// </summary>
internal static class CertificateSigningRequestTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        ColumnTable.Age,
        new(ColumnTable.Column("SignerName", "string", typeof(V1CertificateSigningRequestSpec), "SignerName"), (o, _) => TableCells.OrNone(TableCells.GetString(o, "spec", "signerName"))),
        new(new TableColumn("Requestor", "string", "", "Name of the user that requested the certificate"), (o, _) => TableCells.GetString(o, "spec", "username") ?? ""),
        new(new TableColumn("RequestedDuration", "string", "", "Requested duration of the issued certificate"),
            (o, _) => TableCells.GetInt64(o, "spec", "expirationSeconds") is { } s ? TableCells.HumanDuration(TimeSpan.FromSeconds(s)) : TableCells.None),
        new(new TableColumn("Condition", "string", "", "State of the certificate signing request"), (o, _) => Condition(o)));

    private static string Condition(JsonObject o)
    {
        var types = TableCells.Objects(o, "status", "conditions").Select(c => TableCells.GetString(c, "type")).ToHashSet();
        var text = types.Contains("Denied") ? "Denied" : types.Contains("Approved") ? "Approved" : "Pending";
        if (types.Contains("Failed"))
        {
            text += ",Failed";
        }

        if (!string.IsNullOrEmpty(TableCells.GetString(o, "status", "certificate")))
        {
            text += ",Issued";
        }

        return text;
    }
}

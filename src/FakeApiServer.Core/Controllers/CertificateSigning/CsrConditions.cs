using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Controllers.CertificateSigning;

/// <summary>The conditions the certificate controllers add to a CSR's status (Approved by csrapproving, Failed by csrsigning).</summary>
internal static class CsrConditions
{
    /// <summary>Appends a condition with status True to status.conditions, stamped <paramref name="now"/>.</summary>
    public static void Add(JsonObject csr, string type, string reason, string message, DateTimeOffset now)
    {
        if (csr["status"] is not JsonObject status)
        {
            status = [];
            csr["status"] = status;
        }

        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var at = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        conditions.Add(new JsonObject
        {
            ["type"] = type,
            ["status"] = "True",
            ["reason"] = reason,
            ["message"] = message,
            ["lastUpdateTime"] = at,
            ["lastTransitionTime"] = at,
        });
    }
}

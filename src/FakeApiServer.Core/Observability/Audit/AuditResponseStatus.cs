using System.Text.Json.Nodes;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// The answer's status in an event (the metav1.Status upstream keeps): for a Status answer its status, message,
/// reason and details; otherwise only the code.
/// </summary>
internal sealed record AuditResponseStatus
{
    public string Status { get; init; } = "";

    public string Message { get; init; } = "";

    public string Reason { get; init; } = "";

    /// <summary>The Status' details as sent, or null.</summary>
    public JsonObject? Details { get; init; }

    public int Code { get; init; }

    /// <summary>The bounded fields of a Status object (upstream's LogResponseObject copies these and no more).</summary>
    public static AuditResponseStatus From(JsonObject status) => new()
    {
        Status = status["status"]?.GetValue<string>() ?? "",
        Message = status["message"]?.GetValue<string>() ?? "",
        Reason = status["reason"]?.GetValue<string>() ?? "",
        Details = status["details"]?.DeepClone() as JsonObject,
        Code = status["code"]?.GetValue<int>() ?? 0,
    };
}

using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Streaming.RemoteCommand;

/// <summary>
/// How an exec or attach ended, as written on the error stream: v4 and v5 send a JSON metav1.Status (Success; Failure with
/// reason NonZeroExitCode and an ExitCode cause carrying the code; or an InternalError), the older protocols only a failure's
/// message as text. Messages as upstream words them: the kubelet's "command terminated with non-zero exit code: " around
/// the runtime's "error executing command [..], exit code n" (containerd), which v5 clients get through the apiserver's
/// stream translator as "command terminated with exit code n".
/// </summary>
internal sealed record RemoteCommandStatus(bool Success, string Message, string Reason, int? ExitCode, int Code)
{
    public static RemoteCommandStatus Succeeded { get; } = new(true, "", "", null, 0);

    public static RemoteCommandStatus NonZeroExit(int exitCode, IReadOnlyList<string> command, bool translated) => new(
        false,
        "command terminated with non-zero exit code: " + (translated
            ? $"command terminated with exit code {exitCode}"
            : $"error executing command [{string.Join(' ', command)}], exit code {exitCode}"),
        "NonZeroExitCode",
        exitCode,
        0);

    public static RemoteCommandStatus InternalError(string error) => new(false, "Internal error occurred: " + error, "InternalError", null, 500) { Cause = error };

    private string? Cause { get; init; }

    /// <summary>The JSON Status of the v4 and v5 protocols, in the field order Go's encoder writes.</summary>
    public byte[] ToJson()
    {
        var status = new JsonObject { ["metadata"] = new JsonObject(), ["status"] = Success ? "Success" : "Failure" };
        if (!Success)
        {
            status["message"] = Message;
            status["reason"] = Reason;
            var cause = ExitCode is { } code
                ? new JsonObject { ["reason"] = "ExitCode", ["message"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : new JsonObject { ["message"] = Cause };
            status["details"] = new JsonObject { ["causes"] = new JsonArray(cause) };
            if (Code != 0)
            {
                status["code"] = Code;
            }
        }

        return Encoding.UTF8.GetBytes(status.ToJsonString());
    }

    /// <summary>What the older protocols (channel.k8s.io, v2, v3) write: a failure's message; nothing on success.</summary>
    public byte[] ToText() => Success ? [] : Encoding.UTF8.GetBytes(Message);
}

using System.Text.Json.Nodes;

namespace FakeApiServer.Api;

/// <summary>What /version reports: the Kubernetes version whose API this server imitates.</summary>
internal sealed record ServerVersion(string Major, string Minor, string GitVersion)
{
    public static readonly ServerVersion Default = new("1", "33", "v1.33.0-fakeapiserver");

    public JsonObject ToJson() => new()
    {
        ["major"] = Major,
        ["minor"] = Minor,
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.24",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };
}

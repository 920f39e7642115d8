namespace FakeApiServer.Api.Protobuf;

/// <summary>A protobuf envelope naming a kind that has no protobuf form (custom resources, Table): answered 415.</summary>
internal sealed class ProtobufUnsupportedKindException : Exception
{
    public ProtobufUnsupportedKindException(string apiVersion, string kind)
        : base($"no protobuf form for kind {kind} in apiVersion \"{apiVersion}\"")
    {
        ApiVersion = apiVersion;
        Kind = kind;
    }

    public string ApiVersion { get; }

    public string Kind { get; }
}

namespace FakeApiServer.Api.Protobuf;

/// <summary>The proto type of a field (or of a map's value): one of the six scalars Kubernetes uses, or a message.</summary>
internal enum ProtobufFieldType
{
    String,
    Int32,
    Int64,
    Bool,
    Bytes,
    Double,
    Message,
}

/// <summary>How a field repeats: once (proto2 <c>optional</c>), a list, or a map (a repeated entry {key = 1, value = 2}).</summary>
internal enum ProtobufLabel
{
    Optional,
    Repeated,
    Map,
}

namespace FakeApiServer.Api.Protobuf;

/// <summary>A malformed protobuf body; the message names what is wrong and is fit for a 400 Status.</summary>
internal sealed class ProtobufFormatException : Exception
{
    public ProtobufFormatException(string message)
        : base(message)
    {
    }

    public ProtobufFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>True once the message names the message and field where decoding failed.</summary>
    internal bool Located { get; init; }
}

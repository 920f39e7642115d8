namespace FakeApiServer.Api.Protobuf;

/// <summary>One row of fields.tsv, with its message types resolved once the whole table is read.</summary>
internal sealed class ProtobufField
{
    public required string ProtoName { get; init; }

    public required int Number { get; init; }

    public required ProtobufLabel Label { get; init; }

    /// <summary>The field's type; for a map, the value's type.</summary>
    public required ProtobufFieldType Type { get; init; }

    /// <summary>The fully-qualified message name (no leading dot) of <see cref="Type"/> when it is a message.</summary>
    public string? TypeName { get; init; }

    /// <summary>The member name in JSON; null for an inline embedding, whose message's members sit in the parent object.</summary>
    public string? JsonName { get; init; }

    /// <summary>A Go pointer: written only when set, so presence on the wire is meaningful.</summary>
    public required bool Pointer { get; init; }

    /// <summary>
    /// A field the KEP-3698 fork adds to an upstream message (PodIP.podNetwork, interfaceName): written only when the
    /// JSON sets it, so an object without multi-network data encodes exactly as upstream 1.33 does.
    /// </summary>
    public bool ForkAddition { get; init; }

    /// <summary>The message of <see cref="TypeName"/>, set when the table is resolved.</summary>
    public ProtobufMessage? Message { get; internal set; }

    public bool Inline => JsonName is null;

    /// <summary>The wire type of one value (one element of a list, one entry of a map).</summary>
    public int WireType => Label == ProtobufLabel.Map ? 2 : Type switch
    {
        ProtobufFieldType.Int32 or ProtobufFieldType.Int64 or ProtobufFieldType.Bool => 0,
        ProtobufFieldType.Double => 1,
        _ => 2,
    };

    /// <summary>The tag (number and wire type) of one value, as written before it.</summary>
    public uint Tag => ((uint)Number << 3) | (uint)WireType;

    /// <summary>
    /// Whether Go writes the field only when it is set: pointers, <c>[]byte</c> and the <c>[]string</c> wrapper
    /// messages (Verbs, ExtraValue) are nil-able; non-pointer scalars and structs are always written.
    /// </summary>
    public bool WrittenOnlyWhenSet =>
        Pointer || ForkAddition || Type == ProtobufFieldType.Bytes || Message?.Special == SpecialMessage.StringList;

    public override string ToString() => $"{JsonName ?? ProtoName} ({Number})";
}

using System.Buffers.Text;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// Finds the few fields a protobuf watch event's reader needs without decoding it (the protobuf counterpart of
/// <see cref="JsonScan"/>): WatchEvent{type=1, object=2 RawExtension{raw=1: "k8s\0" + Unknown{raw=2: object{metadata=1}}}},
/// ObjectMeta.resourceVersion=6 and the writer's sent annotation (ObjectMeta.annotations=12, entries {key=1, value=2}).
/// </summary>
internal static class ProtobufScan
{
    /// <summary>The Kubernetes protobuf media type.</summary>
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] SentKey = [.. ObjectBodies.SentAnnotation.Select(c => (byte)c)];

    /// <summary>Whether the event's type is ERROR.</summary>
    public static bool IsError(ReadOnlySpan<byte> watchEvent) => Field(watchEvent, 1).SequenceEqual("ERROR"u8);

    /// <summary>The ObjectMeta bytes of the event's object (empty when absent).</summary>
    public static ReadOnlySpan<byte> ObjectMetadata(ReadOnlySpan<byte> watchEvent)
    {
        var raw = Field(Field(watchEvent, 2), 1);
        return raw.Length < 4 ? default : Field(Field(raw[4..], 2), 1);
    }

    /// <summary>metadata.resourceVersion as a number, or -1.</summary>
    public static long ResourceVersion(ReadOnlySpan<byte> metadata) =>
        Utf8Parser.TryParse(Field(metadata, 6), out long value, out var used) && used > 0 ? value : -1;

    /// <summary>The sent annotation's value as a number, or -1: the entry's key, then its value field (tag 0x12, length, digits).</summary>
    public static long Sent(ReadOnlySpan<byte> metadata)
    {
        var at = metadata.IndexOf(SentKey);
        if (at < 0)
        {
            return -1;
        }

        var rest = metadata[(at + SentKey.Length)..];
        return rest.Length > 2 && rest[0] == 0x12 && Utf8Parser.TryParse(rest[2..], out long value, out _) ? value : -1;
    }

    /// <summary>The first length-delimited field <paramref name="number"/> of a message, or empty.</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, int number)
    {
        var at = 0;
        while (at < message.Length)
        {
            var tag = Varint(message, ref at);
            switch (tag & 7)
            {
                case 0:
                    Varint(message, ref at);
                    break;
                case 1:
                    at += 8;
                    break;
                case 5:
                    at += 4;
                    break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    if (at + length > message.Length)
                    {
                        return default;
                    }

                    if ((int)(tag >> 3) == number)
                    {
                        return message.Slice(at, length);
                    }

                    at += length;
                    break;
                default:
                    return default;
            }
        }

        return default;
    }

    private static ulong Varint(ReadOnlySpan<byte> message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; at < message.Length && shift < 64; shift += 7)
        {
            var b = message[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        return value;
    }
}

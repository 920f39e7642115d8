using System.Text.Json.Nodes;
using FakeApiServer.Api.Protobuf;

namespace FakeApiServer.Api;

/// <summary>
/// The object an endpoint reads from a request body: its apiVersion and kind fill an envelope that leaves them empty,
/// and say whether the endpoint takes protobuf at all (built-in kinds do; custom resources do not).
/// </summary>
internal sealed record ExpectedBody(ProtobufCodec Codec, string ApiVersion, string Kind)
{
    /// <summary>Whether a protobuf body is decoded for this endpoint.</summary>
    public bool ProtobufServed => Codec.Supports(ApiVersion, Kind);

    /// <summary>A delete's or deletecollection's options body: DeleteOptions, registered in every group version.</summary>
    public static ExpectedBody DeleteOptions(ProtobufCodec codec) => new(codec, "meta.k8s.io/v1", "DeleteOptions");
}

/// <summary>
/// Decodes application/vnd.kubernetes.protobuf request bodies through the <see cref="ProtobufCodec"/> and words their
/// errors as kube-apiserver's handlers do (create.go's transformDecodeError around the protobuf serializer's errors).
/// </summary>
internal static class ProtobufBodies
{
    /// <summary>What a body may be, in upstream's 415 message (the serializers of every built-in and custom resource endpoint).</summary>
    public const string AcceptedTypes = "application/json, application/yaml, application/vnd.kubernetes.protobuf";

    /// <summary>What a custom resource's object may be: its standard serializers, protobuf left out.</summary>
    public const string AcceptedTypesWithoutProtobuf = "application/json, application/yaml";

    /// <summary>The object a protobuf body holds, in the server's JSON form; 400 when malformed, 415 when the endpoint has no protobuf form.</summary>
    public static JsonObject DecodeObject(byte[] body, ExpectedBody expected)
    {
        if (!expected.ProtobufServed)
        {
            throw ApiException.UnsupportedMediaType(MediaTypes.Protobuf, AcceptedTypesWithoutProtobuf);
        }

        try
        {
            return expected.Codec.Decode(body, expected.ApiVersion, expected.Kind);
        }
        catch (ProtobufFormatException e) when (!HasEnvelope(body))
        {
            // The serializer's own checks (no magic, nothing after it) fail before any type is known: "unrecognized".
            throw ApiException.BadRequest($"the object provided is unrecognized (must be of type {expected.Kind}): {e.Message} ({Summary(body)})");
        }
        catch (ProtobufFormatException e)
        {
            throw ApiException.BadRequest($"{expected.Kind} in version \"{VersionOf(expected.ApiVersion)}\" cannot be handled as a {expected.Kind}: {e.Message}");
        }
        catch (ProtobufUnsupportedKindException e)
        {
            throw ApiException.BadRequest(
                $"{e.Kind} in version \"{VersionOf(e.ApiVersion)}\" cannot be handled as a {expected.Kind}: no kind \"{e.Kind}\" is registered for version \"{e.ApiVersion}\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"");
        }
    }

    private static bool HasEnvelope(byte[] body) => body.Length > ProtobufCodec.Magic.Length && body.AsSpan().StartsWith(ProtobufCodec.Magic);

    private static string VersionOf(string apiVersion) => apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>upstream's summarizeData: at most 30 bytes, as text when it looks like JSON and as hex otherwise, "&lt;empty&gt;" for nothing.</summary>
    private static string Summary(byte[] body)
    {
        if (body.Length == 0)
        {
            return "<empty>";
        }

        var head = body.AsSpan(0, Math.Min(body.Length, 30));
        var text = body[0] == (byte)'{' ? System.Text.Encoding.UTF8.GetString(head) : Convert.ToHexStringLower(head);
        return body.Length > 30 ? text + " ..." : text;
    }
}

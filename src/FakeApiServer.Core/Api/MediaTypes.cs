using Microsoft.Net.Http.Headers;

namespace FakeApiServer.Api;

/// <summary>Content negotiation as kube-apiserver does it: the Accept list is read in order; the first acceptable entry wins.</summary>
internal static class MediaTypes
{
    public const string Json = "application/json";
    public const string Yaml = "application/yaml";
    public const string Protobuf = "application/vnd.kubernetes.protobuf";

    /// <summary>A protobuf watch response: length-prefixed WatchEvent frames (upstream appends ";stream=watch" to any non-JSON watch type).</summary>
    public const string ProtobufWatch = Protobuf + ";stream=watch";
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";
    public const string TableV1 = "application/json;as=Table;v=v1;g=meta.k8s.io";
    public const string TableV1Beta1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io";

    /// <summary>The response forms a resource request can take.</summary>
    public enum ResourceForm
    {
        Json,
        TableV1,
        TableV1Beta1,
        Protobuf,
    }

    /// <summary>
    /// Picks the response form for a resource request, or throws 406 when nothing listed is acceptable.
    /// <paramref name="protobuf"/> says whether the kind has a protobuf form (built-in kinds); without one (custom
    /// resources) a protobuf entry is passed over for the next one, as the CRD handler's standard serializers do.
    /// </summary>
    public static ResourceForm NegotiateResource(string? accept, Func<bool>? protobuf = null) =>
        TryNegotiateResource(accept, protobuf)
            ?? throw ApiException.NotAcceptable("application/json, application/yaml, application/vnd.kubernetes.protobuf");

    /// <summary>
    /// Whether a kind that always has a protobuf form is answered in protobuf: a Status (an error, a delete's Success;
    /// even under a custom resource's path) or a legacy discovery document. The first acceptable plain entry decides.
    /// </summary>
    public static bool PrefersProtobuf(string? accept) => TryNegotiateResource(accept, static () => true) == ResourceForm.Protobuf;

    private static ResourceForm? TryNegotiateResource(string? accept, Func<bool>? protobuf)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return ResourceForm.Json;
        }

        foreach (var type in Parse(accept))
        {
            var media = type.MediaType.Value ?? "";
            if (media is Protobuf)
            {
                // Tables and other as= conversions have no protobuf form: try the next entry.
                if (Param(type, "as") is null && protobuf?.Invoke() == true)
                {
                    return ResourceForm.Protobuf;
                }

                continue;
            }

            if (media is "application/json")
            {
                var @as = Param(type, "as");
                if (@as is null)
                {
                    return ResourceForm.Json;
                }

                if (@as == "Table" && Param(type, "g") == "meta.k8s.io")
                {
                    var v = Param(type, "v");
                    if (v == "v1")
                    {
                        return ResourceForm.TableV1;
                    }

                    if (v == "v1beta1")
                    {
                        return ResourceForm.TableV1Beta1;
                    }
                }

                continue;
            }

            if (media is "*/*" or "application/*")
            {
                return ResourceForm.Json;
            }
        }

        return null;
    }

    /// <summary>The aggregated discovery version the Accept list asks for first ("v2", "v2beta1"), or null for legacy discovery.</summary>
    public static string? NegotiateDiscovery(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return null;
        }

        foreach (var type in Parse(accept))
        {
            var media = type.MediaType.Value ?? "";
            if (media == "application/json" && Param(type, "as") == "APIGroupDiscoveryList" && Param(type, "g") == "apidiscovery.k8s.io")
            {
                var v = Param(type, "v");
                if (v is "v2" or "v2beta1")
                {
                    return v;
                }

                continue;
            }

            if (media is "application/json" or "*/*" or "application/*")
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The /openapi/v2 form the Accept header asks for, as kube-openapi's goautoneg reading: clauses by quality (then
    /// specificity), the first matching application/json (false), a protobuf spelling (true) or a wildcard (JSON);
    /// null when none matches. No header means */*.
    /// </summary>
    public static bool? NegotiateOpenApiV2(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return false;
        }

        // Parsed by hand: '@' in the protobuf spelling is not an HTTP token character, so the header parsers refuse it.
        var clauses = accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((clause, index) =>
            {
                var parts = clause.Split(';', StringSplitOptions.TrimEntries);
                var quality = parts.Skip(1).Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "q") is { } q
                    && double.TryParse(q[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 1.0;
                var media = parts[0].Split('/', 2);
                var type = media[0];
                var subType = media.Length > 1 ? media[1] : "";
                var specificity = type == "*" ? 0 : subType == "*" ? 1 : 2;
                return (Type: type, SubType: subType, Quality: quality, Specificity: specificity, Index: index);
            })
            .Where(c => c.Quality > 0)
            .OrderByDescending(c => c.Quality).ThenByDescending(c => c.Specificity).ThenBy(c => c.Index);
        foreach (var clause in clauses)
        {
            if (clause.Type is not ("application" or "*"))
            {
                continue;
            }

            if (clause.SubType is "json" or "*")
            {
                return false;
            }

            if (clause.SubType is "com.github.proto-openapi.spec.v2@v1.0+protobuf" or "com.github.proto-openapi.spec.v2.v1.0+protobuf")
            {
                return true;
            }
        }

        return null;
    }

    /// <summary>The media type of a request body without parameters, lower-cased ("application/json").</summary>
    public static string? ContentType(string? header) =>
        header is null ? null : MediaTypeHeaderValue.TryParse(header, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : header.ToLowerInvariant();

    private static IEnumerable<MediaTypeHeaderValue> Parse(string accept) =>
        MediaTypeHeaderValue.TryParseList(accept.Split(','), out var list) ? list : [];

    private static string? Param(MediaTypeHeaderValue type, string name) =>
        type.Parameters.FirstOrDefault(p => string.Equals(p.Name.Value, name, StringComparison.OrdinalIgnoreCase))?.Value.Value;
}

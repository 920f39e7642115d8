using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>Query parameters of resource requests (metav1 ListOptions, CreateOptions, DeleteOptions...), validated as upstream.</summary>
internal static class QueryOptions
{
    public static ListOptions List(IQueryCollection query)
    {
        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(query["labelSelector"]);
        }
        catch (SelectorParseException e)
        {
            throw ApiException.BadRequest(e.Message);
        }

        try
        {
            fields = FieldSelector.Parse(query["fieldSelector"]);
        }
        catch (SelectorParseException e)
        {
            throw ApiException.BadRequest(e.Message);
        }

        return new ListOptions
        {
            Labels = labels,
            Fields = fields,
            Limit = Int64(query, "limit"),
            Continue = NonEmpty(query["continue"]),
            ResourceVersion = NonEmpty(query["resourceVersion"]),
            ResourceVersionMatch = NonEmpty(query["resourceVersionMatch"]),
            Watch = Bool(query, "watch"),
            AllowWatchBookmarks = Bool(query, "allowWatchBookmarks"),
            SendInitialEvents = query.ContainsKey("sendInitialEvents") ? Bool(query, "sendInitialEvents") : null,
            TimeoutSeconds = Int64(query, "timeoutSeconds"),
        };
    }

    public static WriteOptions Write(IQueryCollection query) => Write(query, "CreateOptions");

    /// <summary>
    /// Create or update options, with the field manager resolved as upstream's managerOrUserAgent does: the
    /// fieldManager parameter, else the User-Agent up to its first '/' ("kubectl-client-side-apply" is sent as a
    /// parameter; a bare client's "kubectl/v1.33.1 ..." becomes "kubectl"). <paramref name="optionsKind"/> names the
    /// options in a 422 (CreateOptions, UpdateOptions).
    /// </summary>
    public static WriteOptions Write(HttpRequest request, string subresource, string optionsKind)
    {
        var options = Write(request.Query, optionsKind);
        return options with
        {
            FieldManager = options.FieldManager ?? ManagerFromUserAgent(request.Headers.UserAgent.ToString()),
            Subresource = subresource,
            Warnings = new ResponseWarnings(request.HttpContext),
            User = request.HttpContext.GetUser(),
        };
    }

    /// <summary>
    /// PatchOptions (upstream's ValidatePatchOptions): an apply patch needs fieldManager and may carry force (a bool);
    /// other patches must not carry force.
    /// </summary>
    public static WriteOptions Patch(HttpRequest request, string subresource, bool apply)
    {
        var query = request.Query;
        var options = Write(query, "PatchOptions");
        var errors = new List<FieldError>();
        var forced = query.ContainsKey("force");
        if (apply && options.FieldManager is null)
        {
            errors.Add(FieldError.Required("fieldManager", "is required for apply patch"));
        }
        else if (!apply && forced)
        {
            errors.Add(FieldError.Forbidden("force", "may not be specified for non-apply patch"));
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(new GroupKind("meta.k8s.io", "PatchOptions"), "", errors);
        }

        return options with
        {
            FieldManager = options.FieldManager ?? ManagerFromUserAgent(request.Headers.UserAgent.ToString()),
            Subresource = subresource,
            Force = forced && Bool(query, "force"),
            Warnings = new ResponseWarnings(request.HttpContext),
            User = request.HttpContext.GetUser(),
        };
    }

    /// <summary>
    /// Upstream's prefixFromUserAgent: the User-Agent before its first '/', without unprintable characters, cut
    /// at 128 bytes. It may be empty: upstream then records an entry with no manager name.
    /// </summary>
    public static string ManagerFromUserAgent(string userAgent)
    {
        // Every write without a fieldManager comes here: a prefix of printable ASCII within the limit (what clients send)
        // is the answer as it is, without building it rune by rune.
        var end = userAgent.IndexOf('/');
        var head = end < 0 ? userAgent.AsSpan() : userAgent.AsSpan(0, end);
        if (head.Length <= 128 && !head.ContainsAnyExceptInRange(' ', '~'))
        {
            return end < 0 ? userAgent : userAgent[..end];
        }

        var prefix = head.ToString();
        var builder = new StringBuilder();
        foreach (var rune in prefix.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                continue;
            }

            if (Encoding.UTF8.GetByteCount(builder.ToString()) + rune.Utf8SequenceLength > 128)
            {
                break;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    private static WriteOptions Write(IQueryCollection query, string optionsKind)
    {
        var manager = NonEmpty(query["fieldManager"]);
        if (manager is { Length: > 128 })
        {
            throw ApiException.Invalid(new GroupKind("meta.k8s.io", optionsKind), "",
                [FieldError.TooLong("fieldManager", manager, 128)]);
        }

        var validation = NonEmpty(query["fieldValidation"]);
        if (validation is not (null or "Strict" or "Warn" or "Ignore"))
        {
            throw ApiException.BadRequest($"Invalid fieldValidation value \"{validation}\": valid values are \"Strict\", \"Warn\", \"Ignore\"");
        }

        return new WriteOptions(DryRun(query["dryRun"]), manager);
    }

    /// <summary>DeleteOptions from the body (kind and apiVersion optional) and the query; the query wins where both are set.</summary>
    public static DeleteOptions Delete(IQueryCollection query, JsonObject? body)
    {
        if (body is not null)
        {
            CheckDeleteOptionTypes(body);
        }

        var options = new DeleteOptions
        {
            GracePeriodSeconds = body?.GetInt64("gracePeriodSeconds"),
            PropagationPolicy = body?.GetString("propagationPolicy"),
            PreconditionUid = body?["preconditions"]?["uid"]?.GetValue<string>(),
            PreconditionResourceVersion = body?["preconditions"]?["resourceVersion"]?.GetValue<string>(),
            DryRun = body?["dryRun"] is JsonArray dry && DryRun(dry.Select(d => d?.GetValue<string>()).ToArray()),
        };
        if (body?["orphanDependents"] is JsonValue orphan && orphan.TryGetValue(out bool orphanDependents) && options.PropagationPolicy is null)
        {
            options = options with { PropagationPolicy = orphanDependents ? "Orphan" : "Background" };
        }

        if (Int64(query, "gracePeriodSeconds") is { } grace)
        {
            options = options with { GracePeriodSeconds = grace };
        }

        if (NonEmpty(query["propagationPolicy"]) is { } policy)
        {
            options = options with { PropagationPolicy = policy };
        }

        if (query.ContainsKey("dryRun"))
        {
            options = options with { DryRun = DryRun(query["dryRun"]) };
        }

        if (options.PropagationPolicy is not (null or "Orphan" or "Background" or "Foreground"))
        {
            throw ApiException.Invalid(new GroupKind("meta.k8s.io", "DeleteOptions"), "",
                [FieldError.NotSupported("propagationPolicy", options.PropagationPolicy, ["Foreground", "Background", "Orphan", "nil"])]);
        }

        return options;
    }

    /// <summary>
    /// The DeleteOptions body must decode into metav1.DeleteOptions: a value of the wrong type is refused with
    /// encoding/json's message (upstream answers it as a 500 it does not convert; a 400 here, as it is the client's).
    /// </summary>
    private static void CheckDeleteOptionTypes(JsonObject body)
    {
        foreach (var (field, kinds, goType) in DeleteOptionTypes)
        {
            var value = field.StartsWith("preconditions.", StringComparison.Ordinal)
                ? (body["preconditions"] as JsonObject)?[field["preconditions.".Length..]]
                : body[field];
            if (value is not null && !kinds.Contains(value.GetValueKind()))
            {
                var owner = field.StartsWith("preconditions.", StringComparison.Ordinal) ? "Preconditions" : "DeleteOptions";
                var message = $"json: cannot unmarshal {Patching.JsonPatch.GoJsonType(value)} into Go struct field {owner}.{field} of type {goType}";
                throw ApiException.BadRequest(field is "apiVersion" or "kind" ? "couldn't get version/kind; json parse error: " + message.Replace("DeleteOptions.", ".", StringComparison.Ordinal) : message);
            }

            if (field == "dryRun" && value is JsonArray list && list.FirstOrDefault(v => v is not null && v.GetValueKind() != JsonValueKind.String) is { } item)
            {
                throw ApiException.BadRequest($"json: cannot unmarshal {Patching.JsonPatch.GoJsonType(item)} into Go struct field DeleteOptions.dryRun of type string");
            }

            if (field == "gracePeriodSeconds" && value is not null && !long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                throw ApiException.BadRequest($"json: cannot unmarshal number {value.ToJsonString()} into Go struct field DeleteOptions.gracePeriodSeconds of type int64");
            }
        }
    }

    /// <summary>metav1.DeleteOptions' fields: the JSON kinds each accepts and its Go type.</summary>
    private static readonly (string Field, JsonValueKind[] Kinds, string GoType)[] DeleteOptionTypes =
    [
        ("apiVersion", [JsonValueKind.String], "string"),
        ("kind", [JsonValueKind.String], "string"),
        ("gracePeriodSeconds", [JsonValueKind.Number], "int64"),
        ("preconditions", [JsonValueKind.Object], "v1.Preconditions"),
        ("preconditions.uid", [JsonValueKind.String], "types.UID"),
        ("preconditions.resourceVersion", [JsonValueKind.String], "string"),
        ("orphanDependents", [JsonValueKind.True, JsonValueKind.False], "bool"),
        ("propagationPolicy", [JsonValueKind.String], "v1.DeletionPropagation"),
        ("dryRun", [JsonValueKind.Array], "[]string"),
    ];

    private static bool DryRun(string?[] values)
    {
        var all = false;
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (value != "All")
            {
                throw ApiException.BadRequest($"Invalid dry run value \"{value}\": valid dry run values are \"All\"");
            }

            all = true;
        }

        return all;
    }

    private static bool DryRun(Microsoft.Extensions.Primitives.StringValues values) => DryRun(values.ToArray());

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues value) => string.IsNullOrEmpty(value) ? null : value.ToString();

    /// <summary>A Go boolean query parameter (false when absent); a malformed one is upstream's 400.</summary>
    internal static bool Bool(IQueryCollection query, string name)
    {
        var value = query[name].ToString();
        return value switch
        {
            "" => false,
            "true" or "1" or "True" or "TRUE" or "t" or "T" => true,
            "false" or "0" or "False" or "FALSE" or "f" or "F" => false,
            _ => throw ApiException.BadRequest($"{name}: Invalid value: \"{value}\": strconv.ParseBool: parsing \"{value}\": invalid syntax"),
        };
    }

    /// <summary>An integer query parameter (null when absent); a malformed one is upstream's 400.</summary>
    internal static long? Int64(IQueryCollection query, string name)
    {
        var value = query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw ApiException.BadRequest($"{name}: Invalid value: \"{value}\": strconv.ParseInt: parsing \"{value}\": invalid syntax");
    }
}

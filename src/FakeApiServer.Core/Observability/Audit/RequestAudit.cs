using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// The audit of one request while it is served (upstream's AuditContext), kept on the request's features by the audit
/// filter when the policy audits it: the handlers tell it the request's and the response's objects, authorization and
/// admission add annotations, and the filter writes the event at each stage. Absent (null from <see cref="Of"/>) when
/// the request is not audited, so a hook costs one feature lookup.
/// </summary>
internal sealed class RequestAudit
{
    private readonly Lock _lock = new();
    private readonly AuditEvent _event;

    public RequestAudit(AuditRequestConfig config, AuditEvent auditEvent)
    {
        Config = config;
        _event = auditEvent;
    }

    public AuditRequestConfig Config { get; }

    public AuditLevel Level => _event.Level;

    /// <summary>The audit of the request, or null when it is not audited.</summary>
    public static RequestAudit? Of(HttpContext context) => context.Features[typeof(RequestAudit)] as RequestAudit;

    /// <summary>
    /// The object the request carries, as decoded (upstream's LogRequestObject): completes the object reference from its
    /// metadata, and at Request level and above keeps it as the event's requestObject.
    /// </summary>
    public void LogRequestObject(JsonObject obj)
    {
        lock (_lock)
        {
            var reference = _event.ObjectRef ??= new AuditObjectReference();
            if (obj["metadata"] is JsonObject metadata)
            {
                reference.Namespace = OrElse(reference.Namespace, metadata, "namespace");
                reference.Name = OrElse(reference.Name, metadata, "name");
                reference.Uid = OrElse(reference.Uid, metadata, "uid");
                reference.ResourceVersion = OrElse(reference.ResourceVersion, metadata, "resourceVersion");
            }

            if (reference.ApiVersion.Length == 0 && obj["apiVersion"]?.GetValue<string>() is { } apiVersion)
            {
                var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
                reference.ApiGroup = slash < 0 ? "" : apiVersion[..slash];
                reference.ApiVersion = apiVersion[(slash + 1)..];
            }

            if (Level >= AuditLevel.Request)
            {
                _event.RequestObject = Compact(obj, Config.OmitManagedFields);
            }
        }
    }

    /// <summary>A patch request's body (upstream's LogRequestPatch): the event's requestObject at Request level and above.</summary>
    public void LogRequestPatch(JsonNode? patch)
    {
        if (Level < AuditLevel.Request || patch is null)
        {
            return;
        }

        lock (_lock)
        {
            _event.RequestObject = Compact(patch, omitManagedFields: false);
        }
    }

    /// <summary>
    /// The object the response carries (upstream's LogResponseObject): a Status gives the event's responseStatus; at
    /// RequestResponse level the object is the event's responseObject.
    /// </summary>
    public void LogResponseObject(ReadOnlySpan<byte> json)
    {
        var isStatus = json.IndexOf("\"kind\":\"Status\""u8) >= 0;
        if (!isStatus && Level < AuditLevel.RequestResponse)
        {
            return;
        }

        var node = JsonNode.Parse(json);
        lock (_lock)
        {
            if (isStatus && node is JsonObject { } status && status["kind"]?.GetValue<string>() == "Status")
            {
                _event.ResponseStatus = AuditResponseStatus.From(status);
            }

            if (Level >= AuditLevel.RequestResponse && node is not null)
            {
                _event.ResponseObject = Compact(node, Config.OmitManagedFields);
            }
        }
    }

    /// <summary>A stored object the response carries, as served in the request's version (only read at RequestResponse level).</summary>
    public void LogResponseObject(Registry.ResourceDefinition definition, byte[] stored)
    {
        if (Level >= AuditLevel.RequestResponse)
        {
            LogResponseObject(definition.ServedBytes(stored));
        }
    }

    /// <summary>An annotation (authorization's decision, an admission plugin's finding); a key already set keeps its first value, as upstream.</summary>
    public void AddAnnotation(string key, string value)
    {
        lock (_lock)
        {
            _event.Annotations.TryAdd(key, value);
        }
    }

    /// <summary>The user impersonation switched the request to.</summary>
    public void LogImpersonatedUser(Security.UserInfo user)
    {
        lock (_lock)
        {
            _event.ImpersonatedUser = user;
        }
    }

    /// <summary>The answer's HTTP code, once its headers go (upstream's processCode: the first code wins).</summary>
    public void LogResponseCode(int code)
    {
        lock (_lock)
        {
            if (_event.ResponseStatus is null)
            {
                _event.ResponseStatus = new AuditResponseStatus { Code = code };
            }
            else if (_event.ResponseStatus.Code == 0)
            {
                _event.ResponseStatus = _event.ResponseStatus with { Code = code };
            }
        }
    }

    /// <summary>Whether the answer's status is known yet.</summary>
    public bool HasResponseStatus
    {
        get
        {
            lock (_lock)
            {
                return _event.ResponseStatus is not null;
            }
        }
    }

    /// <summary>Sets the answer's status outright (a panic, or a connection closed before any answer).</summary>
    public void SetResponseStatus(AuditResponseStatus status)
    {
        lock (_lock)
        {
            _event.ResponseStatus = status;
        }
    }

    /// <summary>The event at <paramref name="stage"/> as JSON, or null when the policy omits that stage.</summary>
    public byte[]? EncodeStage(string stage, DateTimeOffset now)
    {
        if (Config.OmitStages.Contains(stage))
        {
            return null;
        }

        lock (_lock)
        {
            _event.Stage = stage;
            _event.StageTimestamp = stage == AuditStage.RequestReceived ? _event.RequestReceivedTimestamp : now;
            return _event.Encode();
        }
    }

    private static string OrElse(string current, JsonObject metadata, string field) =>
        current.Length > 0 ? current : metadata[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static byte[] Compact(JsonNode node, bool omitManagedFields)
    {
        if (omitManagedFields && node is JsonObject obj)
        {
            node = WithoutManagedFields(obj);
        }

        return Registry.ObjectJson.Serialize(node);
    }

    /// <summary>A copy without metadata.managedFields, also in each item of a list (upstream's copyWithoutManagedFields).</summary>
    private static JsonObject WithoutManagedFields(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        if (copy["items"] is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                (item["metadata"] as JsonObject)?.Remove("managedFields");
            }
        }

        return copy;
    }
}

using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission;

/// <summary>
/// One admission request (admission.Attributes): what is done (operation), to which resource and subresource, the
/// new object (null for delete) and the stored one (null for create), dry-run and who asks. Mutating plugins change
/// <see cref="Object"/> in place or replace it; the registry goes on with whatever it holds after the chain.
/// </summary>
internal sealed class AdmissionRequest
{
    public required AdmissionOperation Operation { get; init; }

    /// <summary>The resource's registration: group, version, kind, plural and scope.</summary>
    public required ResourceDefinition Definition { get; init; }

    /// <summary>The subresource ("status", "binding", "scale"...), "" for the resource itself.</summary>
    public string Subresource { get; init; } = "";

    /// <summary>The namespace ("" for cluster-scoped resources).</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The object's name; "" on a create whose name is still to be generated.</summary>
    public string Name { get; init; } = "";

    /// <summary>The new object; null for a delete.</summary>
    public JsonObject? Object { get; set; }

    /// <summary>The stored object for update and delete; null for a create.</summary>
    public JsonObject? OldObject { get; init; }

    /// <summary>dryRun=All: plugins with side effects must not make them.</summary>
    public bool DryRun { get; init; }

    /// <summary>The field manager of the write, for the options in an AdmissionReview; null for the server's own writes.</summary>
    public string? FieldManager { get; init; }

    public AdmissionUser User { get; init; } = AdmissionUser.Admin;

    /// <summary>Where warnings for the client go (Warning headers).</summary>
    public IWarningSink Warnings { get; init; } = NoWarnings.Instance;

    /// <summary>Annotations for the request's audit event (none for the server's own writes).</summary>
    public void AddAuditAnnotation(string key, string value) => (Warnings as IAuditAnnotationSink)?.AddAnnotation(key, value);

    /// <summary>The state of the mutating phase's second pass (reinvocationPolicy IfNeeded).</summary>
    public AdmissionReinvocation Reinvocation { get; } = new();

    public GroupResource Resource => Definition.GroupResource;

    /// <summary>Whether this is the given core/v1 or named-group resource, with no subresource.</summary>
    public bool IsResource(string group, string plural) =>
        Subresource.Length == 0 && Definition.Group == group && Definition.Plural == plural;

    /// <summary>
    /// The name a refusal names, as upstream's admission.NewForbidden: the request's name, else the object's name,
    /// else its generateName (names are generated after admission), else "Unknown".
    /// </summary>
    public string NameForErrors
    {
        get
        {
            if (Name.Length > 0)
            {
                return Name;
            }

            var meta = (Object ?? OldObject)?["metadata"] as JsonObject;
            return meta?.GetString("name") is { Length: > 0 } name ? name
                : meta?.GetString("generateName") is { Length: > 0 } generateName ? generateName
                : "Unknown";
        }
    }

    /// <summary>A 403 Forbidden Status for this request: <c>&lt;resource&gt; "&lt;name&gt;" is forbidden: &lt;why&gt;</c>.</summary>
    public ApiException Forbidden(string why) => ApiException.Forbidden(Resource, NameForErrors, why);
}

using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Webhooks;

/// <summary>admission.k8s.io/v1 AdmissionReview: the request sent to a webhook and the checks of its response.</summary>
internal static class AdmissionReview
{
    public const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>The review of <paramref name="request"/>, with a fresh uid, both objects, userInfo and the write's options.</summary>
    public static JsonObject Request(AdmissionRequest request, string uid, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definition = request.Definition;
        var kind = new JsonObject { ["group"] = definition.Group, ["version"] = definition.Version, ["kind"] = definition.Kind };
        var resource = new JsonObject { ["group"] = definition.Group, ["version"] = definition.Version, ["resource"] = definition.Plural };
        var body = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = kind,
            ["resource"] = resource,
            ["requestKind"] = kind.DeepClone(),
            ["requestResource"] = resource.DeepClone(),
        };
        if (request.Subresource.Length > 0)
        {
            body["subResource"] = request.Subresource;
            body["requestSubResource"] = request.Subresource;
        }

        var name = request.Name.Length > 0 ? request.Name : request.Object?.Name() ?? "";
        if (name.Length > 0)
        {
            body["name"] = name;
        }

        if (request.Namespace.Length > 0)
        {
            body["namespace"] = request.Namespace;
        }

        body["operation"] = request.Operation.WireName();
        var user = new JsonObject { ["username"] = request.User.Username };
        if (request.User.Uid.Length > 0)
        {
            user["uid"] = request.User.Uid;
        }

        user["groups"] = new JsonArray([.. request.User.Groups.Select(g => (JsonNode?)JsonValue.Create(g))]);
        body["userInfo"] = user;
        body["object"] = request.Object?.DeepClone();
        body["oldObject"] = request.OldObject?.DeepClone();
        body["dryRun"] = dryRun;
        body["options"] = Options(request);
        return new JsonObject { ["kind"] = "AdmissionReview", ["apiVersion"] = ApiVersion, ["request"] = body };
    }

    /// <summary>The response of a review, after upstream's checks (kind, apiVersion, presence, uid); else a call failure.</summary>
    public static JsonObject Response(JsonObject review, string uid)
    {
        ArgumentNullException.ThrowIfNull(review);
        var apiVersion = review.GetString("apiVersion") ?? "";
        var kind = review.GetString("kind") ?? "";
        if (apiVersion != ApiVersion || kind != "AdmissionReview")
        {
            throw new WebhookCallException(
                $"received invalid webhook response: expected webhook response of {ApiVersion}, Kind=AdmissionReview, got {(apiVersion.Length > 0 ? apiVersion : "/")}, Kind={kind}");
        }

        var response = review["response"] as JsonObject ?? throw new WebhookCallException("received invalid webhook response: webhook response was absent");
        var got = response.GetString("uid") ?? "";
        if (got != uid)
        {
            throw new WebhookCallException($"received invalid webhook response: expected response.uid=\"{uid}\", got \"{got}\"");
        }

        return response;
    }

    private static JsonObject? Options(AdmissionRequest request)
    {
        var kind = request.Operation switch
        {
            AdmissionOperation.Create => "CreateOptions",
            AdmissionOperation.Update => "UpdateOptions",
            AdmissionOperation.Delete => "DeleteOptions",
            _ => null,
        };
        if (kind is null)
        {
            return null;
        }

        var options = new JsonObject { ["kind"] = kind, ["apiVersion"] = "meta.k8s.io/v1" };
        if (request.DryRun)
        {
            options["dryRun"] = new JsonArray("All");
        }

        if (request.FieldManager is { Length: > 0 } manager && request.Operation != AdmissionOperation.Delete)
        {
            options["fieldManager"] = manager;
        }

        return options;
    }
}

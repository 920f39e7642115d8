using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Apis.Authorization;

/// <summary>
/// The spec the access reviews share (SubjectAccessReviewSpec): resourceAttributes or nonResourceAttributes, and for
/// SubjectAccessReview the user, groups, uid and extra. Validation and the attributes as upstream's
/// ValidateSubjectAccessReviewSpec and authorizationutil.AuthorizationAttributesFrom; the answer as the REST storages write it.
/// </summary>
internal static class AccessReviewSpec
{
    public const string Group = "authorization.k8s.io";

    /// <summary>Exactly one of resourceAttributes and nonResourceAttributes.</summary>
    public static List<FieldError> ValidateAttributes(JsonObject spec)
    {
        var errors = new List<FieldError>();
        var resource = spec["resourceAttributes"];
        var nonResource = spec["nonResourceAttributes"];
        if (resource is not null && nonResource is not null)
        {
            errors.Add(FieldError.Invalid("spec.nonResourceAttributes", nonResource, "cannot be specified in combination with resourceAttributes"));
        }

        if (resource is null && nonResource is null)
        {
            errors.Add(FieldError.Invalid("spec.resourceAttributes", null, "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }

        return errors;
    }

    /// <summary>A SubjectAccessReview's spec: the attributes, and at least one of user and groups.</summary>
    public static List<FieldError> ValidateWithSubject(JsonObject spec, UserInfo subject)
    {
        var errors = ValidateAttributes(spec);
        if (subject.Name.Length == 0 && subject.Groups.Count == 0)
        {
            errors.Add(FieldError.Invalid("spec.user", subject.Name, "at least one of user or group must be specified"));
        }

        return errors;
    }

    /// <summary>The user a SubjectAccessReview asks about: spec.user, groups, uid and extra.</summary>
    public static UserInfo UserFrom(JsonObject spec)
    {
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (spec["extra"] is JsonObject extras)
        {
            foreach (var (key, values) in extras)
            {
                extra[key] = Strings(values);
            }
        }

        return new UserInfo(spec.GetString("user") ?? "", spec.GetString("uid") ?? "", Strings(spec["groups"]), extra);
    }

    /// <summary>What the review asks, for <paramref name="user"/>.</summary>
    public static AuthorizationAttributes AttributesFrom(UserInfo user, JsonObject spec)
    {
        if (spec["resourceAttributes"] is JsonObject r)
        {
            return AuthorizationAttributes.ForResource(
                    user, r.GetString("verb") ?? "", r.GetString("group") ?? "", r.GetString("resource") ?? "",
                    r.GetString("namespace") ?? "", r.GetString("name") ?? "", r.GetString("subresource") ?? "")
                with { ApiVersion = r.GetString("version") is { Length: > 0 } v ? v : "*" };
        }

        var n = spec["nonResourceAttributes"] as JsonObject ?? [];
        return AuthorizationAttributes.ForPath(user, n.GetString("verb") ?? "", n.GetString("path") ?? "");
    }

    /// <summary>Decides the review and writes status.allowed, denied, reason into <paramref name="review"/>, which it returns.</summary>
    public static JsonObject Answer(IAuthorizer authorizer, JsonObject review, AuthorizationAttributes attributes)
    {
        var decision = authorizer.Authorize(attributes);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Verdict == AuthorizationVerdict.Deny)
        {
            status["denied"] = true;
        }

        if (decision.Reason.Length > 0)
        {
            status["reason"] = decision.Reason;
        }

        review["status"] = status;
        review.Metadata();
        return review;
    }

    /// <summary>The review's spec object (a missing spec reads as empty).</summary>
    public static JsonObject Spec(JsonObject review) => review["spec"] as JsonObject ?? (JsonObject)(review["spec"] = new JsonObject());

    public static ApiException Invalid(string kind, List<FieldError> errors) => ApiException.Invalid(new GroupKind(Group, kind), "", errors);

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : null).OfType<string>().ToArray() : [];
}

using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Apis.Authorization.LocalSubjectAccessReviews;

/// <summary>
/// authorization.k8s.io/v1 LocalSubjectAccessReview: a SubjectAccessReview within one namespace, whose
/// resourceAttributes.namespace must be the request's; non-resource attributes are not allowed.
/// </summary>
internal sealed class LocalSubjectAccessReviewHandler : ICreateOnlyResource
{
    private readonly IAuthorizer _authorizer;

    public LocalSubjectAccessReviewHandler(IAuthorizer authorizer) => _authorizer = authorizer;

    public JsonObject Create(UserInfo user, string ns, JsonObject obj)
    {
        var meta = obj.Metadata();
        if (string.IsNullOrEmpty(meta.GetString("namespace")))
        {
            meta["namespace"] = ns;
        }
        else if (meta.GetString("namespace") != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        var spec = AccessReviewSpec.Spec(obj);
        var subject = AccessReviewSpec.UserFrom(spec);
        var errors = AccessReviewSpec.ValidateWithSubject(spec, subject);

        if (spec["resourceAttributes"] is JsonObject resource && (resource.GetString("namespace") ?? "") != ns)
        {
            errors.Add(FieldError.Invalid("spec.resourceAttributes.namespace", resource.GetString("namespace") ?? "", "must match metadata.namespace"));
        }

        if (spec["nonResourceAttributes"] is { } nonResource)
        {
            errors.Add(FieldError.Invalid("spec.nonResourceAttributes", nonResource, "disallowed on this kind of request"));
        }

        if (errors.Count > 0)
        {
            throw AccessReviewSpec.Invalid("LocalSubjectAccessReview", errors);
        }

        return AccessReviewSpec.Answer(_authorizer, obj, AccessReviewSpec.AttributesFrom(subject, spec));
    }
}

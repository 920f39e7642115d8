using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Apis.Rbac;

/// <summary>
/// Upstream's defaults (SetDefaults_RoleBinding, SetDefaults_Subject) and validation (ValidateRoleBinding,
/// ValidateClusterRoleBinding, ValidateRoleBindingSubject) of the roleRef and subjects both binding kinds share.
/// </summary>
internal static class BindingValidation
{
    /// <summary>roleRef.apiGroup defaults to rbac.authorization.k8s.io; a User's or Group's apiGroup too, a ServiceAccount's to "".</summary>
    public static void SetDefaults(JsonObject binding)
    {
        if (binding["roleRef"] is JsonObject roleRef && string.IsNullOrEmpty(roleRef.GetString("apiGroup")))
        {
            roleRef["apiGroup"] = RbacPolicy.Group;
        }

        foreach (var subject in (binding["subjects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (string.IsNullOrEmpty(subject.GetString("apiGroup")) && subject.GetString("kind") is RbacSubject.User or RbacSubject.Group)
            {
                subject["apiGroup"] = RbacPolicy.Group;
            }
        }
    }

    /// <summary>The errors of roleRef and subjects; a RoleBinding may refer to a Role or ClusterRole, a ClusterRoleBinding to a ClusterRole.</summary>
    public static List<FieldError> Validate(JsonObject binding, bool namespaced)
    {
        var errors = new List<FieldError>();
        var roleRef = binding["roleRef"] as JsonObject ?? [];
        var apiGroup = roleRef.GetString("apiGroup") ?? "";
        if (apiGroup != RbacPolicy.Group)
        {
            errors.Add(FieldError.NotSupported("roleRef.apiGroup", apiGroup, [RbacPolicy.Group]));
        }

        var kind = roleRef.GetString("kind") ?? "";
        string[] kinds = namespaced ? [RbacRoleRef.Role, RbacRoleRef.ClusterRole] : [RbacRoleRef.ClusterRole];
        if (!kinds.Contains(kind))
        {
            errors.Add(FieldError.NotSupported("roleRef.kind", kind, kinds));
        }

        var name = roleRef.GetString("name") ?? "";
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required("roleRef.name"));
        }
        else
        {
            errors.AddRange(NameValidation.IsValidPathSegmentName(name).Select(m => FieldError.Invalid("roleRef.name", name, m)));
        }

        var subjects = binding["subjects"] as JsonArray ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            errors.AddRange(ValidateSubject(subjects[i] as JsonObject ?? [], namespaced, $"subjects[{i}]"));
        }

        return errors;
    }

    /// <summary>roleRef cannot change: a new role means a new binding.</summary>
    public static IEnumerable<FieldError> ValidateRoleRefUnchanged(JsonObject newObj, JsonObject oldObj)
    {
        var newRef = newObj["roleRef"] as JsonObject ?? [];
        var oldRef = oldObj["roleRef"] as JsonObject ?? [];
        if (newRef.GetString("apiGroup") != oldRef.GetString("apiGroup") || newRef.GetString("kind") != oldRef.GetString("kind")
            || newRef.GetString("name") != oldRef.GetString("name"))
        {
            yield return FieldError.Invalid("roleRef", new GoRoleRef(newRef.GetString("apiGroup") ?? "", newRef.GetString("kind") ?? "", newRef.GetString("name") ?? ""),
                "cannot change roleRef");
        }
    }

    private static IEnumerable<FieldError> ValidateSubject(JsonObject subject, bool namespaced, string path)
    {
        var name = subject.GetString("name") ?? "";
        var apiGroup = subject.GetString("apiGroup") ?? "";
        if (name.Length == 0)
        {
            yield return FieldError.Required(path + ".name");
        }

        switch (subject.GetString("kind") ?? "")
        {
            case RbacSubject.ServiceAccount:
                if (name.Length > 0)
                {
                    foreach (var message in NameValidation.IsDns1123Subdomain(name))
                    {
                        yield return FieldError.Invalid(path + ".name", name, message);
                    }
                }

                if (apiGroup.Length > 0)
                {
                    yield return FieldError.NotSupported(path + ".apiGroup", apiGroup, [""]);
                }

                if (!namespaced && string.IsNullOrEmpty(subject.GetString("namespace")))
                {
                    yield return FieldError.Required(path + ".namespace");
                }

                break;
            case RbacSubject.User or RbacSubject.Group:
                if (apiGroup != RbacPolicy.Group)
                {
                    yield return FieldError.NotSupported(path + ".apiGroup", apiGroup, [RbacPolicy.Group]);
                }

                break;
            case var kind:
                yield return FieldError.NotSupported(path + ".kind", kind, [RbacSubject.ServiceAccount, RbacSubject.User, RbacSubject.Group]);
                break;
        }
    }

    /// <summary>A roleRef in a field error, as Go's %#v prints rbac.RoleRef.</summary>
    private sealed record GoRoleRef(string ApiGroup, string Kind, string Name)
    {
        public override string ToString() =>
            $"rbac.RoleRef{{APIGroup:{PolicyRule.GoQuote(ApiGroup)}, Kind:{PolicyRule.GoQuote(Kind)}, Name:{PolicyRule.GoQuote(Name)}}}";
    }
}

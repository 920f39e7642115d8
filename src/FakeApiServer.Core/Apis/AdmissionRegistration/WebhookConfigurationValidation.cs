using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.AdmissionRegistration;

/// <summary>
/// The rules of admissionregistration/v1 webhook configurations, with upstream's messages
/// (pkg/apis/admissionregistration/validation): fully qualified unique names, rules, policies, timeouts, selectors,
/// exactly one of clientConfig.url (https) or clientConfig.service, sideEffects and admissionReviewVersions.
/// </summary>
internal static class WebhookConfigurationValidation
{
    private static readonly string[] FailurePolicies = ["Fail", "Ignore"];
    private static readonly string[] MatchPolicies = ["Equivalent", "Exact"];
    private static readonly string[] NoSideEffectClasses = ["None", "NoneOnDryRun"];
    private static readonly string[] ReinvocationPolicies = ["IfNeeded", "Never"];
    private static readonly string[] Operations = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
    private static readonly string[] Scopes = ["*", "Cluster", "Namespaced"];
    private static readonly string[] AcceptedReviewVersions = ["v1", "v1beta1"];

    public static IReadOnlyList<FieldError> Validate(JsonObject configuration, bool mutating)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<FieldError>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var webhooks = configuration["webhooks"] as JsonArray ?? [];
        for (var i = 0; i < webhooks.Count; i++)
        {
            var path = Index("webhooks", i);
            if (webhooks[i] is not JsonObject webhook)
            {
                errors.Add(FieldError.Required(path));
                continue;
            }

            var name = webhook.GetString("name") ?? "";
            if (!names.Add(name))
            {
                errors.Add(FieldError.Duplicate(path + ".name", name));
            }

            ValidateWebhook(webhook, path, mutating, errors);
        }

        return errors;
    }

    private static void ValidateWebhook(JsonObject webhook, string path, bool mutating, List<FieldError> errors)
    {
        var name = webhook.GetString("name") ?? "";
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".name"));
        }
        else if (NameValidation.IsDns1123Subdomain(name) is { Count: > 0 } nameErrors)
        {
            errors.AddRange(nameErrors.Select(e => FieldError.Invalid(path + ".name", name, e)));
        }
        else if (name.Split('.').Length < 3)
        {
            errors.Add(FieldError.Invalid(path + ".name", name, "should be a domain with at least three segments separated by dots"));
        }

        var rules = webhook["rules"] as JsonArray ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            ValidateRule(rules[i] as JsonObject ?? [], Index(path + ".rules", i), errors);
        }

        Supported(webhook, "failurePolicy", path, FailurePolicies, errors);
        Supported(webhook, "matchPolicy", path, MatchPolicies, errors);
        if (mutating)
        {
            Supported(webhook, "reinvocationPolicy", path, ReinvocationPolicies, errors);
        }

        if (webhook.GetString("sideEffects") is not { } sideEffects)
        {
            errors.Add(FieldError.Required(path + ".sideEffects", "must specify one of " + string.Join(", ", NoSideEffectClasses)));
        }
        else if (!NoSideEffectClasses.Contains(sideEffects))
        {
            errors.Add(FieldError.NotSupported(path + ".sideEffects", sideEffects, NoSideEffectClasses));
        }

        if (webhook.GetInt64("timeoutSeconds") is { } timeout && timeout is < 1 or > 30)
        {
            errors.Add(FieldError.Invalid(path + ".timeoutSeconds", timeout, "the timeout value must be between 1 and 30 seconds"));
        }

        ValidateSelector(webhook["namespaceSelector"], path + ".namespaceSelector", errors);
        ValidateSelector(webhook["objectSelector"], path + ".objectSelector", errors);
        ValidateClientConfig(webhook["clientConfig"] as JsonObject ?? [], path + ".clientConfig", errors);
        ValidateReviewVersions(webhook["admissionReviewVersions"] as JsonArray ?? [], path + ".admissionReviewVersions", errors);
    }

    private static void ValidateRule(JsonObject rule, string path, List<FieldError> errors)
    {
        var operations = Strings(rule["operations"]);
        if (operations.Count == 0)
        {
            errors.Add(FieldError.Required(path + ".operations"));
        }

        if (operations.Count > 1 && operations.Contains("*"))
        {
            errors.Add(FieldError.Invalid(path + ".operations", rule["operations"]?.DeepClone(), "if '*' is present, must not specify other operations"));
        }

        for (var i = 0; i < operations.Count; i++)
        {
            if (!Operations.Contains(operations[i]))
            {
                errors.Add(FieldError.NotSupported(Index(path + ".operations", i), operations[i], Operations));
            }
        }

        var groups = Strings(rule["apiGroups"]);
        if (groups.Count == 0)
        {
            errors.Add(FieldError.Required(path + ".apiGroups"));
        }

        if (groups.Count > 1 && groups.Contains("*"))
        {
            errors.Add(FieldError.Invalid(path + ".apiGroups", rule["apiGroups"]?.DeepClone(), "if '*' is present, must not specify other API groups"));
        }

        var versions = Strings(rule["apiVersions"]);
        if (versions.Count == 0)
        {
            errors.Add(FieldError.Required(path + ".apiVersions"));
        }

        if (versions.Count > 1 && versions.Contains("*"))
        {
            errors.Add(FieldError.Invalid(path + ".apiVersions", rule["apiVersions"]?.DeepClone(), "if '*' is present, must not specify other API versions"));
        }

        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Length == 0)
            {
                errors.Add(FieldError.Required(Index(path + ".apiVersions", i)));
            }
        }

        ValidateResources(Strings(rule["resources"]), rule["resources"], path + ".resources", errors);
        if (rule.GetString("scope") is { } scope && !Scopes.Contains(scope))
        {
            errors.Add(FieldError.NotSupported(path + ".scope", scope, Scopes));
        }
    }

    private static void ValidateResources(List<string> resources, JsonNode? node, string path, List<FieldError> errors)
    {
        if (resources.Count == 0)
        {
            errors.Add(FieldError.Required(path));
        }

        var doubleWildcard = false;
        var singleWildcard = false;
        var withoutSubresource = false;
        for (var i = 0; i < resources.Count; i++)
        {
            var item = resources[i];
            if (item.Length == 0)
            {
                errors.Add(FieldError.Required(Index(path, i)));
                continue;
            }

            doubleWildcard |= item == "*/*";
            singleWildcard |= item == "*";
            if (!item.Contains('/', StringComparison.Ordinal))
            {
                withoutSubresource |= item != "*";
            }
        }

        if (doubleWildcard && resources.Count > 1)
        {
            errors.Add(FieldError.Invalid(path, node?.DeepClone(), "if '*/*' is present, must not specify other resources"));
        }

        if (singleWildcard && withoutSubresource)
        {
            errors.Add(FieldError.Invalid(path, node?.DeepClone(), "if '*' is present, must not specify other resources without subresources"));
        }
    }

    private static void ValidateSelector(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is not JsonObject selector)
        {
            return;
        }

        try
        {
            LabelSelector.FromLabelSelectorObject(selector);
        }
        catch (SelectorParseException e)
        {
            errors.Add(FieldError.Invalid(path, selector.DeepClone(), e.Message));
        }
    }

    private static void ValidateClientConfig(JsonObject clientConfig, string path, List<FieldError> errors)
    {
        const string Form = "; desired format: https://host[/path]";
        var url = clientConfig.GetString("url");
        var service = clientConfig["service"] as JsonObject;
        if ((url is null) == (service is null))
        {
            errors.Add(FieldError.Required(path, "exactly one of url or service is required"));
        }
        else if (url is not null)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                errors.Add(FieldError.Required(path + ".url", "url must be a valid URL" + Form));
                return;
            }

            if (uri.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add(FieldError.Invalid(path + ".url", uri.Scheme, "'https' is the only allowed URL scheme" + Form));
            }

            if (uri.Host.Length == 0)
            {
                errors.Add(FieldError.Invalid(path + ".url", uri.Host, "host must be specified" + Form));
            }

            if (uri.UserInfo.Length > 0)
            {
                errors.Add(FieldError.Invalid(path + ".url", uri.UserInfo, "user information is not permitted in the URL"));
            }

            if (uri.Fragment.Length > 0)
            {
                errors.Add(FieldError.Invalid(path + ".url", uri.Fragment.TrimStart('#'), "fragments are not permitted in the URL"));
            }

            if (uri.Query.Length > 0)
            {
                errors.Add(FieldError.Invalid(path + ".url", uri.Query.TrimStart('?'), "query parameters are not permitted in the URL"));
            }
        }
        else if (service is not null)
        {
            if (string.IsNullOrEmpty(service.GetString("name")))
            {
                errors.Add(FieldError.Required(path + ".service.name", "service name is required"));
            }

            if (string.IsNullOrEmpty(service.GetString("namespace")))
            {
                errors.Add(FieldError.Required(path + ".service.namespace", "service namespace is required"));
            }

            if (service.GetInt64("port") is { } port && port is < 1 or > 65535)
            {
                errors.Add(FieldError.Invalid(path + ".service.port", port, "port is not valid: must be between 1 and 65535, inclusive"));
            }

            if (service.GetString("path") is { Length: > 0 } servicePath && servicePath != "/" && !servicePath.StartsWith('/'))
            {
                errors.Add(FieldError.Invalid(path + ".service.path", servicePath, "must start with a '/'"));
            }
        }
    }

    private static void ValidateReviewVersions(JsonArray versions, string path, List<FieldError> errors)
    {
        var values = Strings(versions);
        if (values.Count == 0)
        {
            errors.Add(FieldError.Required(path, "must specify one of " + string.Join(", ", AcceptedReviewVersions)));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            if (!seen.Add(values[i]))
            {
                errors.Add(FieldError.Invalid(Index(path, i), values[i], "duplicate version"));
            }
        }

        if (!values.Any(AcceptedReviewVersions.Contains))
        {
            errors.Add(FieldError.Invalid(path, versions.DeepClone(), "must include at least one of " + string.Join(", ", AcceptedReviewVersions)));
        }
    }

    private static void Supported(JsonObject webhook, string field, string path, string[] supported, List<FieldError> errors)
    {
        if (webhook.GetString(field) is { } value && !supported.Contains(value))
        {
            errors.Add(FieldError.NotSupported(path + "." + field, value, supported));
        }
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : "")] : [];

    private static string Index(string path, int i) => path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
}

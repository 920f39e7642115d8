using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.ApiRegistration.APIServices;

/// <summary>
/// apiregistration.k8s.io/v1 APIService (kube-aggregator's ValidateAPIService): the name is "version.group"; a service
/// reference needs caBundle or insecureSkipTLSVerify, not both; groupPriorityMinimum and versionPriority are positive.
/// </summary>
internal sealed class APIServiceStrategy() : ResourceStrategy(hasStatus: true)
{
    /// <summary>ValidateAPIServiceName: "version.group", a DNS-1123 subdomain, except the legacy group's "v1.".</summary>
    public static IReadOnlyList<string> ValidateName(string name) =>
        name == "v1." ? []
        : !name.Contains('.', StringComparison.Ordinal) ? ["must be in the form: version.group"]
        : Registry.Validation.NameValidation.IsDns1123Subdomain(name);

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        var name = obj.Name();
        var version = spec.GetString("version") ?? "";
        var group = spec.GetString("group") ?? "";
        if (name != version + "." + group)
        {
            errors.Add(FieldError.Invalid("metadata.name", name, "must be `spec.version+\".\"+spec.group`: \"" + version + "." + group + "\""));
        }

        var groupPriority = spec.GetInt64("groupPriorityMinimum") ?? 0;
        if (groupPriority is <= 0 or > 20000)
        {
            errors.Add(FieldError.Invalid("spec.groupPriorityMinimum", groupPriority, "must be positive and less than 20000"));
        }

        var versionPriority = spec.GetInt64("versionPriority") ?? 0;
        if (versionPriority is <= 0 or > 1000)
        {
            errors.Add(FieldError.Invalid("spec.versionPriority", versionPriority, "must be positive and less than 1000"));
        }

        if (spec["service"] is not null)
        {
            var insecure = spec["insecureSkipTLSVerify"]?.GetValue<bool>() == true;
            var caBundle = !string.IsNullOrEmpty(spec.GetString("caBundle"));
            if (insecure && caBundle)
            {
                errors.Add(FieldError.Invalid("spec.insecureSkipTLSVerify", true, "may not be true if caBundle is present"));
            }
        }

        return errors;
    }
}

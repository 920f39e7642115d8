using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.Ingresses;

/// <summary>
/// networking.k8s.io/v1 Ingress (pkg/registry/networking/ingress/strategy.go, ValidateIngressSpec): a defaultBackend or
/// rules; every path has a pathType (no default) of Exact, Prefix or ImplementationSpecific, and an Exact or Prefix path is
/// absolute; each backend names a service (with a port name or number) or a resource, not both.
/// </summary>
internal sealed class IngressStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    private static readonly string[] PathTypes = ["Exact", "ImplementationSpecific", "Prefix"];

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        var rules = spec["rules"] as JsonArray ?? [];
        if (spec["defaultBackend"] is null && rules.Count == 0)
        {
            errors.Add(FieldError.Invalid("spec.rules", "[]networking.IngressRule(nil)", "either `defaultBackend` or `rules` must be specified"));
        }

        if (spec["defaultBackend"] is JsonObject defaultBackend)
        {
            ValidateBackend(defaultBackend, "spec.defaultBackend", errors);
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var paths = rules[i]?["http"]?["paths"] as JsonArray;
            if (rules[i]?["http"] is not null && paths is not { Count: > 0 })
            {
                errors.Add(FieldError.Required($"spec.rules[{i}].http.paths"));
            }

            for (var j = 0; j < (paths?.Count ?? 0); j++)
            {
                var prefix = $"spec.rules[{i}].http.paths[{j}]";
                var path = paths![j] as JsonObject ?? [];
                var pathType = path.GetString("pathType");
                var value = path.GetString("path") ?? "";
                if (string.IsNullOrEmpty(pathType))
                {
                    errors.Add(FieldError.Required(prefix + ".pathType", "pathType must be specified"));
                }
                else if (!PathTypes.Contains(pathType))
                {
                    errors.Add(FieldError.NotSupported(prefix + ".pathType", pathType, PathTypes));
                }
                else if (pathType is "Exact" or "Prefix" && !value.StartsWith('/'))
                {
                    errors.Add(FieldError.Invalid(prefix + ".path", value, "must be an absolute path"));
                }

                if (path["backend"] is JsonObject backend)
                {
                    ValidateBackend(backend, prefix + ".backend", errors);
                }
                else
                {
                    errors.Add(FieldError.Required(prefix + ".backend"));
                }
            }
        }

        return errors;
    }

    private static void ValidateBackend(JsonObject backend, string path, List<FieldError> errors)
    {
        var service = backend["service"] as JsonObject;
        var resource = backend["resource"];
        if (service is not null && resource is not null)
        {
            errors.Add(FieldError.Invalid(path, FieldValue(backend), "cannot set both resource and service backends"));
        }
        else if (service is null && resource is null)
        {
            errors.Add(FieldError.Invalid(path, FieldValue(backend), "resource or service backend is required"));
        }
        else if (service is not null)
        {
            if (string.IsNullOrEmpty(service.GetString("name")))
            {
                errors.Add(FieldError.Required(path + ".service.name"));
            }

            var port = service["port"];
            var hasName = !string.IsNullOrEmpty(port?["name"]?.GetValue<string>());
            var hasNumber = port?["number"] is not null;
            if (hasName && hasNumber)
            {
                errors.Add(FieldError.Invalid(path + ".service.port", FieldValue(port), "cannot set both port name & port number"));
            }
            else if (!hasName && !hasNumber)
            {
                errors.Add(FieldError.Invalid(path + ".service.port", FieldValue(port), "port name or number is required"));
            }
        }
    }

    private static string FieldValue(JsonNode? node) => node?.ToJsonString() ?? "null";
}

using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;
using FakeApiServer.Security;

namespace FakeApiServer.Apis.Certificates.CertificateSigningRequests;

/// <summary>
/// certificates.k8s.io/v1 CertificateSigningRequest (pkg/registry/certificates/certificates/strategy.go,
/// ValidateCertificateSigningRequestCreate): request and signerName required, usages of the known key usages,
/// expirationSeconds at least 600; the spec is immutable; status changes only through /status and /approval.
/// </summary>
internal sealed class CertificateSigningRequestStrategy() : ResourceStrategy(hasStatus: true), IRequesterStrategy
{
    private static readonly string[] Usages =
    [
        "signing", "digital signature", "content commitment", "key encipherment", "key agreement", "data encipherment",
        "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth", "client auth", "code signing",
        "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing",
        "microsoft sgc", "netscape sgc",
    ];

    /// <summary>spec.username, uid, groups and extra are the requester's, whatever the client sent (upstream's PrepareForCreate).</summary>
    public void PrepareRequester(JsonObject obj, UserInfo user)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        spec.Remove("username");
        spec.Remove("uid");
        spec.Remove("groups");
        spec.Remove("extra");
        spec["username"] = user.Name;
        if (user.Uid.Length > 0)
        {
            spec["uid"] = user.Uid;
        }

        if (user.Groups.Count > 0)
        {
            spec["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode?)g)]);
        }

        if (user.Extra.Count > 0)
        {
            spec["extra"] = new JsonObject(user.Extra.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)new JsonArray([.. e.Value.Select(v => (JsonNode?)v)]))));
        }
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        if (string.IsNullOrEmpty(spec.GetString("request")))
        {
            errors.Add(FieldError.Invalid("spec.request", "[]byte(nil)", "PEM block type must be CERTIFICATE REQUEST"));
        }

        FieldChecks.Required(obj, errors, "spec.signerName");
        var usages = spec["usages"] as JsonArray ?? [];
        for (var i = 0; i < usages.Count; i++)
        {
            var usage = usages[i]?.GetValue<string>() ?? "";
            if (!Usages.Contains(usage))
            {
                errors.Add(FieldError.NotSupported($"spec.usages[{i}]", usage, Usages));
            }
        }

        if (spec.GetInt64("expirationSeconds") is { } seconds && seconds < 600)
        {
            errors.Add(FieldError.Invalid("spec.expirationSeconds", seconds, "may not specify a duration less than 600 seconds (10 minutes)"));
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        FieldChecks.Immutable(newObj, oldObj, errors, "spec");
        return errors;
    }
}

/// <summary>
/// certificatesigningrequests/approval: only status.conditions change (Approved, Denied), as upstream's approval strategy;
/// an Approved and a Denied condition together are refused.
/// </summary>
internal sealed class CertificateSigningRequestApprovalStrategy(IResourceStrategy main) : StatusStrategy(main)
{
    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var conditions = newObj["status"]?["conditions"]?.DeepClone();
        base.PrepareForUpdate(newObj, oldObj);
        var status = oldObj["status"]?.DeepClone() as JsonObject ?? [];
        if (conditions is null)
        {
            status.Remove("conditions");
        }
        else
        {
            status["conditions"] = conditions;
        }

        newObj["status"] = status;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var types = (newObj["status"]?["conditions"] as JsonArray ?? []).Select(c => c?["type"]?.GetValue<string>()).ToList();
        return types.Contains("Approved") && types.Contains("Denied")
            ? [FieldError.Invalid("status.conditions", newObj["status"]?["conditions"]?.ToJsonString(), "Approved and Denied conditions are mutually exclusive")]
            : [];
    }
}

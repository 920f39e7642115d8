using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// The ServiceAccount plugin's kubernetes.io/enforce-mountable-secrets check: when the pod's account carries the
/// annotation with a true value (Go's ParseBool: 1, t, T, TRUE, true, True), a new pod may use only the secrets the
/// account lists in <c>secrets</c> (secret volumes, env secretKeyRef and envFrom secretRef of init and regular
/// containers) and only the pull secrets it lists in <c>imagePullSecrets</c>; an ephemeral container added later may
/// only reference listed secrets. The first offending reference is refused with upstream's message.
/// </summary>
internal static class MountableSecrets
{
    public const string EnforceAnnotation = "kubernetes.io/enforce-mountable-secrets";

    /// <summary>Whether the account asks for the check.</summary>
    public static bool Enforced(JsonObject account) =>
        account.Metadata()["annotations"]?[EnforceAnnotation] is JsonValue v && v.TryGetValue(out string? text)
        && text is "1" or "t" or "T" or "TRUE" or "true" or "True";

    /// <summary>Upstream's limitSecretReferences: null when the pod references only what the account lists, else the refusal.</summary>
    public static string? CheckPod(JsonObject account, JsonObject pod)
    {
        var mountable = Names(account["secrets"]);
        var accountName = account.Name();
        foreach (var volume in Items(pod["spec"]?["volumes"]))
        {
            if (volume["secret"] is JsonObject secret)
            {
                var name = secret.GetString("secretName") ?? "";
                if (!mountable.Contains(name))
                {
                    return $"volume with secret.secretName=\"{name}\" is not allowed because service account {accountName} does not reference that secret";
                }
            }
        }

        if (CheckContainers(Items(pod["spec"]?["initContainers"]), "init container", mountable, accountName) is { } initError)
        {
            return initError;
        }

        if (CheckContainers(Items(pod["spec"]?["containers"]), "container", mountable, accountName) is { } error)
        {
            return error;
        }

        var pullSecrets = Names(account["imagePullSecrets"]);
        var index = 0;
        foreach (var reference in Items(pod["spec"]?["imagePullSecrets"]))
        {
            var name = reference.GetString("name") ?? "";
            if (!pullSecrets.Contains(name))
            {
                return $"imagePullSecrets[{index}].name=\"{name}\" is not allowed because service account {accountName} does not reference that imagePullSecret";
            }

            index++;
        }

        return null;
    }

    /// <summary>Upstream's limitEphemeralContainerSecretReferences: env and envFrom of every ephemeral container.</summary>
    public static string? CheckEphemeralContainers(JsonObject account, JsonObject pod) =>
        CheckContainers(Items(pod["spec"]?["ephemeralContainers"]), "ephemeral container", Names(account["secrets"]), account.Name());

    private static string? CheckContainers(IEnumerable<JsonObject> containers, string what, HashSet<string> mountable, string accountName)
    {
        foreach (var container in containers)
        {
            var containerName = container.GetString("name") ?? "";
            foreach (var env in Items(container["env"]))
            {
                if (env["valueFrom"]?["secretKeyRef"] is JsonObject keyRef && keyRef.GetString("name") is var secret && !mountable.Contains(secret ?? ""))
                {
                    return $"{what} {containerName} with envVar {env.GetString("name")} referencing secret.secretName=\"{secret}\" is not allowed because service account {accountName} does not reference that secret";
                }
            }

            foreach (var envFrom in Items(container["envFrom"]))
            {
                if (envFrom["secretRef"] is JsonObject secretRef && secretRef.GetString("name") is var secret && !mountable.Contains(secret ?? ""))
                {
                    return $"{what} {containerName} with envFrom referencing secret.secretName=\"{secret}\" is not allowed because service account {accountName} does not reference that secret";
                }
            }
        }

        return null;
    }

    private static HashSet<string> Names(JsonNode? list) =>
        Items(list).Select(r => r.GetString("name") ?? "").ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<JsonObject> Items(JsonNode? list) => (list as JsonArray)?.OfType<JsonObject>() ?? [];
}

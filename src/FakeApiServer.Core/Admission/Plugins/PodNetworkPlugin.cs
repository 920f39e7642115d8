using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// KEP-3698's PodNetwork plugin (spec section 4), for pods only, never their subresources. Mutation, on create, for
/// pods not on the host network: when no entry names the default network, one is appended
/// (<c>{podNetworkName: kubernetes, interfaceName: eth0, isDefaultGW4: true, isDefaultGW6: true}</c>). Validation, on
/// create and update: a 403 with the first failing rule's message.
/// </summary>
internal sealed class PodNetworkPlugin : IMutatingAdmissionPlugin, IValidatingAdmissionPlugin
{
    public const string PluginName = "PodNetwork";

    /// <summary>The default PodNetwork's name.</summary>
    public const string DefaultNetwork = "kubernetes";

    /// <summary>The default network's interface inside the pod.</summary>
    public const string DefaultInterface = "eth0";

    public const string HostNetworkMessage = "networks cannot be set for a pod using the host network namespace";

    public const string DefaultGatewayMessage = "the default network kubernetes must be the default gateway (v4 and v6)";

    public const string OnlyDefaultGatewayMessage = "only kubernetes can be the default network";

    public const string MissingDefaultMessage = "the default network kubernetes must referred in the pod networks";

    public const string DefaultTwiceMessage = "the default network kubernetes can only be referred once in a pod";

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation is AdmissionOperation.Create or AdmissionOperation.Update && request.IsResource("", "pods");

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Operation != AdmissionOperation.Create || request.Object is not { } pod)
        {
            return ValueTask.CompletedTask;
        }

        if (pod["spec"] is not JsonObject spec)
        {
            spec = [];
            pod["spec"] = spec;
        }

        if (IsHostNetwork(spec))
        {
            return ValueTask.CompletedTask;
        }

        if (spec["networks"] is not JsonArray networks)
        {
            networks = [];
            spec["networks"] = networks;
        }

        if (!networks.OfType<JsonObject>().Any(IsDefaultEntry))
        {
            networks.Add(new JsonObject
            {
                ["podNetworkName"] = DefaultNetwork,
                ["interfaceName"] = DefaultInterface,
                ["isDefaultGW4"] = true,
                ["isDefaultGW6"] = true,
            });
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object?["spec"] is JsonObject spec && Refusal(spec) is { } why)
        {
            throw request.Forbidden(why);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The message of the first rule the pod spec breaks, or null when it breaks none.</summary>
    public static string? Refusal(JsonObject spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var networks = (spec["networks"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (IsHostNetwork(spec))
        {
            return networks.Count > 0 ? HostNetworkMessage : null;
        }

        var defaults = 0;
        foreach (var network in networks)
        {
            var gw4 = IsTrue(network["isDefaultGW4"]);
            var gw6 = IsTrue(network["isDefaultGW6"]);
            if (IsDefaultEntry(network))
            {
                defaults++;
                if (!gw4 || !gw6)
                {
                    return DefaultGatewayMessage;
                }
            }
            else if (gw4 || gw6)
            {
                return OnlyDefaultGatewayMessage;
            }
        }

        return defaults switch
        {
            0 => MissingDefaultMessage,
            1 => null,
            _ => DefaultTwiceMessage,
        };
    }

    private static bool IsDefaultEntry(JsonObject network) => network.GetString("podNetworkName") == DefaultNetwork;

    private static bool IsHostNetwork(JsonObject spec) => IsTrue(spec["hostNetwork"]);

    private static bool IsTrue(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;
}

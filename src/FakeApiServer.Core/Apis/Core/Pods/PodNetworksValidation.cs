using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// KEP-3698 pod checks that need no lookup: the static rules of spec.networks (which the fork lacked) and the rules of
/// status.podIPs, relaxed when the MultiNetwork gate is on (any number of IPs, labels must name a network of the pod)
/// and upstream's validatePodIPs when it is off. The default-network rules (403) are the PodNetwork admission plugin's.
/// </summary>
internal static class PodNetworksValidation
{
    /// <summary>Linux's IFNAMSIZ (16) less the terminating NUL.</summary>
    public const int InterfaceNameMaxLength = 15;

    public const string OneOfMessage = "must specify exactly one of podNetworkName or podNetworkAttachmentName";

    public const string InterfaceNameMessage = "must be a valid interface name: 1-15 characters, no '/' or whitespace, not '.' or '..'";

    /// <summary>The fork's message for an IP labelled with a network the pod does not use.</summary>
    public const string UnknownNetworkMessage = "PodNetworkName must be existing in Spec.networks";

    /// <summary>upstream's message for an invalid IP (validation.IsValidIP).</summary>
    public const string InvalidIpMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

    /// <summary>upstream's message when podIPs are not one per IP family.</summary>
    public const string OnePerFamilyMessage = "may specify no more than one IP for each IP family";

    /// <summary>Each entry names exactly one PodNetwork or attachment, at most once per pod, with a valid, unique interface name.</summary>
    public static void ValidateNetworks(JsonObject spec, List<FieldError> errors)
    {
        if (spec["networks"] is not { } node)
        {
            return;
        }

        if (node is not JsonArray networks)
        {
            errors.Add(FieldError.Invalid("spec.networks", node, "must be a list"));
            return;
        }

        var podNetworks = new HashSet<string>(StringComparer.Ordinal);
        var attachments = new HashSet<string>(StringComparer.Ordinal);
        var interfaces = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < networks.Count; i++)
        {
            var path = FormattableString.Invariant($"spec.networks[{i}]");
            if (networks[i] is not JsonObject network)
            {
                errors.Add(FieldError.Required(path, OneOfMessage));
                continue;
            }

            var podNetwork = network.GetString("podNetworkName");
            var attachment = network.GetString("podNetworkAttachmentName");
            if (string.IsNullOrEmpty(podNetwork) && string.IsNullOrEmpty(attachment))
            {
                errors.Add(FieldError.Required(path, OneOfMessage));
            }
            else if (!string.IsNullOrEmpty(podNetwork) && !string.IsNullOrEmpty(attachment))
            {
                errors.Add(FieldError.Forbidden(path + ".podNetworkAttachmentName", OneOfMessage));
            }

            // The default network named twice is the PodNetwork admission plugin's refusal (403, spec section 4), not a 422.
            CheckReference(podNetwork, path + ".podNetworkName", podNetwork == "kubernetes" ? [] : podNetworks, errors);
            CheckReference(attachment, path + ".podNetworkAttachmentName", attachments, errors);

            if (network.GetString("interfaceName") is { Length: > 0 } interfaceName)
            {
                if (!IsValidInterfaceName(interfaceName))
                {
                    errors.Add(FieldError.Invalid(path + ".interfaceName", interfaceName, InterfaceNameMessage));
                }
                else if (!interfaces.Add(interfaceName))
                {
                    errors.Add(FieldError.Duplicate(path + ".interfaceName", interfaceName));
                }
            }
        }
    }

    /// <summary>A Linux interface name: 1-15 bytes, no '/', no whitespace, not "." or "..".</summary>
    public static bool IsValidInterfaceName(string name) =>
        name.Length > 0 && Encoding.UTF8.GetByteCount(name) <= InterfaceNameMaxLength && name is not ("." or "..")
        && !name.Any(c => c == '/' || char.IsWhiteSpace(c));

    /// <summary>
    /// status.podIPs: every IP valid; with <paramref name="multiNetwork"/> any number of IPs, and an entry labelled with
    /// a podNetwork must name a network of the pod (by PodNetwork or attachment name; host-network pods are exempt);
    /// without it, upstream's rules: at most one IP per family and no duplicates.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidatePodIPs(JsonObject pod, bool multiNetwork)
    {
        var errors = new List<FieldError>();
        if (pod["status"]?["podIPs"] is not JsonArray podIps)
        {
            return errors;
        }

        var ips = new List<string>();
        for (var i = 0; i < podIps.Count; i++)
        {
            var ip = (podIps[i] as JsonObject)?.GetString("ip") ?? "";
            ips.Add(ip);
            if (!IsValidIp(ip))
            {
                errors.Add(FieldError.Invalid(FormattableString.Invariant($"status.podIPs[{i}]"), ip, InvalidIpMessage));
            }
        }

        if (multiNetwork)
        {
            var spec = pod["spec"] as JsonObject;
            if (spec?["hostNetwork"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
            {
                return errors;
            }

            var names = (spec?["networks"] as JsonArray)?.OfType<JsonObject>()
                .SelectMany(n => new[] { n.GetString("podNetworkName"), n.GetString("podNetworkAttachmentName") })
                .Where(n => !string.IsNullOrEmpty(n))
                .ToHashSet(StringComparer.Ordinal) ?? [];
            if (podIps.OfType<JsonObject>().Any(p => p.GetString("podNetwork") is { Length: > 0 } network && !names.Contains(network)))
            {
                errors.Add(FieldError.Invalid("status.podIPs", podIps.DeepClone(), UnknownNetworkMessage));
            }

            return errors;
        }

        if (ips.Count > 1)
        {
            var families = ips.Select(ip => IPAddress.TryParse(ip, out var a) ? a.AddressFamily : AddressFamily.Unknown).ToList();
            var dualStack = families.Contains(AddressFamily.InterNetwork) && families.Contains(AddressFamily.InterNetworkV6);
            if (!dualStack || ips.Count > 2)
            {
                errors.Add(FieldError.Invalid("status.podIPs", podIps.DeepClone(), OnePerFamilyMessage));
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < ips.Count; i++)
            {
                if (!seen.Add(ips[i]))
                {
                    errors.Add(FieldError.Duplicate(FormattableString.Invariant($"status.podIPs[{i}]"), podIps[i]?.DeepClone()));
                }
            }
        }

        return errors;
    }

    /// <summary>An IP as Go's net.ParseIP reads it: four dotted decimals, or an IPv6 address without a zone.</summary>
    public static bool IsValidIp(string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return !value.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)
            && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static void CheckReference(string? name, string path, HashSet<string> seen, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        foreach (var message in NameValidation.IsDns1123Subdomain(name))
        {
            errors.Add(FieldError.Invalid(path, name, message));
        }

        if (!seen.Add(name))
        {
            errors.Add(FieldError.Duplicate(path, name));
        }
    }
}

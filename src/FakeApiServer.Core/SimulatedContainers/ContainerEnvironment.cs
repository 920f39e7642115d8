using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The environment of a simulated container's processes, as the kubelet and the runtime build it: the image's PATH,
/// HOSTNAME, the container's envFrom and env (configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef resolved,
/// $(VAR) references expanded), the service variables (KUBERNETES_SERVICE_HOST, ... and, unless enableServiceLinks is
/// false, those of the namespace's services), and HOME. Read from the store at exec time. The kubelet hands the runtime
/// its variables from a map, in no fixed order; these are listed by name between PATH/HOSTNAME and HOME.
/// </summary>
internal static class ContainerEnvironment
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static IReadOnlyList<KeyValuePair<string, string>> Resolve(IRevisionedStore store, JsonObject pod, JsonObject container)
    {
        var ns = pod.Namespace();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var prefix = source.GetString("prefix") ?? "";
            var entries = source["configMapRef"]?["name"]?.GetValue<string>() is { } configMap
                ? ClusterObjects.ConfigMap(store, ns, configMap) is { } cm ? ClusterObjects.ConfigMapEntries(cm) : null
                : source["secretRef"]?["name"]?.GetValue<string>() is { } secret && ClusterObjects.Secret(store, ns, secret) is { } s ? ClusterObjects.SecretEntries(s) : null;
            foreach (var (key, value) in entries ?? [])
            {
                variables[prefix + key] = Encoding.UTF8.GetString(value);
            }
        }

        foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = env.GetString("name") ?? "";
            if (env["valueFrom"] is JsonObject valueFrom)
            {
                if (ValueFrom(store, pod, container, valueFrom) is { } resolved)
                {
                    variables[name] = resolved;
                }
            }
            else
            {
                variables[name] = Expand(env.GetString("value") ?? "", variables);
            }
        }

        var enableServiceLinks = pod["spec"]?["enableServiceLinks"] is not JsonValue links || !links.TryGetValue(out bool on) || on;
        foreach (var (name, value) in ServiceVariables(store, ns, enableServiceLinks))
        {
            variables.TryAdd(name, value);
        }

        var result = new List<KeyValuePair<string, string>>
        {
            new("PATH", variables.Remove("PATH", out var path) ? path : DefaultPath),
            new("HOSTNAME", Hostname(pod)),
        };
        var home = variables.Remove("HOME", out var h) ? h : "/root";
        variables.Remove("HOSTNAME");
        result.AddRange(variables.OrderBy(p => p.Key, StringComparer.Ordinal));
        result.Add(new("HOME", home));
        return result;
    }

    /// <summary>The container's host name: spec.hostname, else the pod's name (at most 63 characters, as the kubelet cuts it).</summary>
    public static string Hostname(JsonObject pod)
    {
        var name = pod["spec"]?["hostname"]?.GetValue<string>() is { Length: > 0 } hostname ? hostname : pod.Name();
        return name.Length > 63 ? name[..63].TrimEnd('-', '.') : name;
    }

    private static string? ValueFrom(IRevisionedStore store, JsonObject pod, JsonObject container, JsonObject valueFrom)
    {
        var ns = pod.Namespace();
        if (valueFrom["configMapKeyRef"] is JsonObject cmRef)
        {
            return ClusterObjects.ConfigMap(store, ns, cmRef.GetString("name") ?? "") is { } cm
                && ClusterObjects.ConfigMapEntries(cm).TryGetValue(cmRef.GetString("key") ?? "", out var value) ? Encoding.UTF8.GetString(value) : null;
        }

        if (valueFrom["secretKeyRef"] is JsonObject secretRef)
        {
            return ClusterObjects.Secret(store, ns, secretRef.GetString("name") ?? "") is { } secret
                && ClusterObjects.SecretEntries(secret).TryGetValue(secretRef.GetString("key") ?? "", out var value) ? Encoding.UTF8.GetString(value) : null;
        }

        if (valueFrom["fieldRef"] is JsonObject fieldRef)
        {
            return DownwardApi.FieldValue(pod, fieldRef.GetString("fieldPath") ?? "", inVolume: false);
        }

        if (valueFrom["resourceFieldRef"] is JsonObject resourceRef)
        {
            return DownwardApi.ResourceValue(store, pod, container, resourceRef.GetString("resource") ?? "", resourceRef["divisor"]?.ToString());
        }

        return null;
    }

    /// <summary>$(NAME) becomes an earlier variable's value (kept as written when undefined); $$ is a literal $.</summary>
    private static string Expand(string value, Dictionary<string, string> defined)
    {
        var text = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '$')
            {
                text.Append('$');
                i++;
            }
            else if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '(' && value.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = value[(i + 2)..close];
                text.Append(defined.TryGetValue(name, out var v) ? v : value[i..(close + 1)]);
                i = close;
            }
            else
            {
                text.Append(value[i]);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The kubelet's service environment: the master service (default/kubernetes) always, the namespace's services when
    /// service links are on; headless services have none. {NAME}_SERVICE_HOST/_PORT(_portname) and the Docker link variables.
    /// </summary>
    private static IEnumerable<(string Name, string Value)> ServiceVariables(IRevisionedStore store, string ns, bool enableServiceLinks)
    {
        var services = new List<JsonObject>();
        if (enableServiceLinks)
        {
            services.AddRange(ClusterObjects.Services(store, ns));
        }

        if (!(enableServiceLinks && ns == "default") && ClusterObjects.Get(store, "/core/services/default/kubernetes") is { } master)
        {
            services.Add(master);
        }

        foreach (var service in services)
        {
            var ip = service["spec"]?["clusterIP"]?.GetValue<string>() ?? "";
            var ports = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (ip is "" or "None" || ports.Count == 0)
            {
                continue;
            }

            var prefix = service.Name().ToUpperInvariant().Replace('-', '_');
            yield return (prefix + "_SERVICE_HOST", ip);
            yield return (prefix + "_SERVICE_PORT", Port(ports[0]));
            foreach (var port in ports.Where(p => !string.IsNullOrEmpty(p.GetString("name"))))
            {
                yield return (prefix + "_SERVICE_PORT_" + port.GetString("name")!.ToUpperInvariant().Replace('-', '_'), Port(port));
            }

            var host = ip.Contains(':', StringComparison.Ordinal) ? "[" + ip + "]" : ip;
            yield return (prefix + "_PORT", $"{Protocol(ports[0])}://{host}:{Port(ports[0])}");
            foreach (var port in ports)
            {
                var protocol = Protocol(port);
                var stem = $"{prefix}_PORT_{Port(port)}_{protocol.ToUpperInvariant()}";
                yield return (stem, $"{protocol}://{host}:{Port(port)}");
                yield return (stem + "_PROTO", protocol);
                yield return (stem + "_PORT", Port(port));
                yield return (stem + "_ADDR", ip);
            }
        }
    }

    private static string Port(JsonObject port) => (port.GetInt64("port") ?? 0).ToString(CultureInfo.InvariantCulture);

    private static string Protocol(JsonObject port) => (port.GetString("protocol") ?? "TCP").ToLowerInvariant();
}

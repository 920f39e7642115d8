using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Apis.Core.Services;

/// <summary>
/// Allocates service cluster IPs from the dual-stack service ranges (default 10.96.0.0/16 and fd00:10:96::/112)
/// and node ports from 30000-32767, as upstream's service REST allocators. The first address of the IPv4 range
/// (10.96.0.1) is the `kubernetes` service's. Values in use are those of the stored services (so a delete, or a change
/// to ExternalName, frees them, and a restart rebuilds the allocations from the store as upstream's repair loop does),
/// plus the values held by creates and updates in flight, so that concurrent writes do not collide.
/// </summary>
internal sealed class ServiceIpAllocator : IResourceAllocator
{
    private const int NodePortMin = 30000;
    private const int NodePortMax = 32767;

    private readonly ServiceCidr[] _ranges;
    private readonly Random _random;
    private readonly string _keyPrefix;
    private readonly Lock _lock = new();

    /// <summary>Values held by writes in flight, released when their write is finished (<see cref="ResourceAllocation"/>).</summary>
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    public ServiceIpAllocator(IReadOnlyList<string> serviceCidrs, Random random, string keyPrefix)
    {
        _ranges = serviceCidrs.Select(ServiceCidr.Parse).ToArray();
        _random = random;
        _keyPrefix = keyPrefix;
    }

    /// <summary>The first usable address of the primary range: the `kubernetes` service's cluster IP.</summary>
    public string KubernetesServiceIp => _ranges[0].Address(1).ToString();

    public ResourceAllocation Allocate(JsonObject obj, StoreSnapshot current)
    {
        if (obj["spec"] is not JsonObject spec || !NeedsClusterIp(spec))
        {
            return ResourceAllocation.None;
        }

        lock (_lock)
        {
            var used = UsedValues(current, exceptKey: null);
            var held = new List<string>();
            var errors = new List<FieldError>();
            AllocateClusterIps(spec, used, held, errors);
            if (errors.Count == 0)
            {
                AllocateNodePorts(spec, used, held, errors);
            }

            return Hold(held, errors);
        }
    }

    public ResourceAllocation AllocateUpdate(JsonObject newObj, JsonObject oldObj, string key, StoreSnapshot current)
    {
        if (newObj["spec"] is not JsonObject spec || !NeedsClusterIp(spec))
        {
            return ResourceAllocation.None;
        }

        lock (_lock)
        {
            // The object's own stored values are not "in use" against itself.
            var used = UsedValues(current, key);
            var held = new List<string>();
            var errors = new List<FieldError>();
            var oldSpec = oldObj["spec"] as JsonObject;
            if (oldSpec is null || !NeedsClusterIp(oldSpec))
            {
                // ExternalName to a type with a cluster IP: allocated as on create (upstream's allocateUpdate).
                AllocateClusterIps(spec, used, held, errors);
            }
            else
            {
                used.UnionWith(IpsOf(spec));
            }

            if (errors.Count == 0)
            {
                AllocateNodePorts(spec, used, held, errors);
            }

            return Hold(held, errors);
        }
    }

    /// <summary>Upstream's needsClusterIP: every type but ExternalName has a clusterIP (an address or None).</summary>
    private static bool NeedsClusterIp(JsonObject spec) => spec.GetString("type") != "ExternalName";

    private ResourceAllocation Hold(List<string> held, List<FieldError> errors)
    {
        if (errors.Count > 0 || held.Count == 0)
        {
            return new ResourceAllocation(errors, null);
        }

        _held.UnionWith(held);
        return new ResourceAllocation(errors, () =>
        {
            lock (_lock)
            {
                _held.ExceptWith(held);
            }
        });
    }

    private void AllocateClusterIps(JsonObject spec, HashSet<string> used, List<string> held, List<FieldError> errors)
    {
        var requested = spec.GetString("clusterIP");
        if (requested == "None")
        {
            spec["clusterIPs"] = new JsonArray("None");
            spec["ipFamilyPolicy"] ??= "SingleStack";
            spec["ipFamilies"] ??= new JsonArray(_ranges[0].Family);
            return;
        }

        var policy = spec.GetString("ipFamilyPolicy") ?? "SingleStack";
        var families = spec["ipFamilies"] is JsonArray fa ? fa.Select(f => f?.GetValue<string>() ?? "").ToList() : [];
        if (families.Count == 0)
        {
            families.Add(_ranges[0].Family);
            if (policy is "PreferDualStack" or "RequireDualStack" && _ranges.Length > 1)
            {
                families.Add(_ranges[1].Family);
            }
        }

        var ips = new JsonArray();
        for (var i = 0; i < families.Count; i++)
        {
            var range = _ranges.FirstOrDefault(r => r.Family == families[i]);
            if (range is null)
            {
                errors.Add(FieldError.Invalid($"spec.ipFamilies[{i}]", families[i], "not configured on this cluster"));
                continue;
            }

            var wanted = i == 0 ? requested : (spec["clusterIPs"] as JsonArray)?.ElementAtOrDefault(i)?.GetValue<string>();
            if (!string.IsNullOrEmpty(wanted))
            {
                // Upstream's allocClusterIPs: the whole clusterIPs list is the value, the allocator's error the detail.
                var problem = !IPAddress.TryParse(wanted, out var address) || !range.Contains(address)
                    ? $"the provided IP ({wanted}) is not in the valid range. The range of valid IPs is {range}"
                    : !used.Add(wanted) ? "provided IP is already allocated" : null;
                if (problem is not null)
                {
                    errors.Add(FieldError.Invalid("spec.clusterIPs", new GoStringSlice(RequestedIps(spec, requested)), $"failed to allocate IP {wanted}: {problem}"));
                    return;
                }

                held.Add(wanted);
                ips.Add(wanted);
                continue;
            }

            var ip = Pick(range, used);
            if (ip is null)
            {
                errors.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", "", "failed to allocate IP: range is full"));
                continue;
            }

            held.Add(ip);
            ips.Add(ip);
        }

        if (ips.Count > 0)
        {
            spec["clusterIP"] = ips[0]!.GetValue<string>();
            spec["clusterIPs"] = ips;
            spec["ipFamilies"] = new JsonArray(families.Take(ips.Count).Select(f => (JsonNode)f).ToArray());
            spec["ipFamilyPolicy"] = policy;
        }
    }

    /// <summary>The clusterIPs the client asked for, as upstream has them after defaulting clusterIPs from clusterIP.</summary>
    private static List<string> RequestedIps(JsonObject spec, string? requested)
    {
        var ips = IpsOf(spec).ToList();
        if (ips.Count == 0 && !string.IsNullOrEmpty(requested))
        {
            ips.Add(requested);
        }

        return ips;
    }

    private static IEnumerable<string> IpsOf(JsonObject spec) =>
        spec["clusterIPs"] is JsonArray ips ? ips.Select(ip => ip?.GetValue<string>() ?? "") : [];

    private string? Pick(ServiceCidr range, HashSet<string> used)
    {
        // Random probing as upstream's allocator; the range is large against the number of services in tests.
        for (var attempt = 0; attempt < 4096; attempt++)
        {
            var candidate = range.Address(2 + _random.NextInt64(range.Size - 3)).ToString();
            if (used.Add(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private void AllocateNodePorts(JsonObject spec, HashSet<string> used, List<string> held, List<FieldError> errors)
    {
        if (spec.GetString("type") is not ("NodePort" or "LoadBalancer") || spec["ports"] is not JsonArray ports)
        {
            return;
        }

        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not JsonObject port)
            {
                continue;
            }

            var requested = port.GetInt64("nodePort");
            if (requested is > 0)
            {
                if (requested is < NodePortMin or > NodePortMax)
                {
                    errors.Add(FieldError.Invalid($"spec.ports[{i}].nodePort", requested.Value, $"provided port is not in the valid range. The range of valid ports is {NodePortMin}-{NodePortMax}"));
                }
                else if (!used.Add("port:" + requested))
                {
                    errors.Add(FieldError.Invalid($"spec.ports[{i}].nodePort", requested.Value, "provided port is already allocated"));
                }
                else
                {
                    held.Add("port:" + requested);
                }

                continue;
            }

            for (var attempt = 0; attempt < 4096; attempt++)
            {
                var candidate = _random.Next(NodePortMin, NodePortMax + 1);
                if (used.Add("port:" + candidate))
                {
                    held.Add("port:" + candidate);
                    port["nodePort"] = candidate;
                    break;
                }
            }
        }
    }

    /// <summary>The cluster IPs and node ports of the stored services (but the one at <paramref name="exceptKey"/>) and of writes in flight.</summary>
    private HashSet<string> UsedValues(StoreSnapshot current, string? exceptKey)
    {
        var used = new HashSet<string>(_held, StringComparer.Ordinal);
        foreach (var stored in current.Range(_keyPrefix))
        {
            if (stored.Key == exceptKey)
            {
                continue;
            }

            var service = ObjectJson.Parse(stored.Value);
            if (service["spec"] is JsonObject spec)
            {
                used.UnionWith(IpsOf(spec));
            }

            if (service["spec"]?["ports"] is JsonArray ports)
            {
                foreach (var port in ports.OfType<JsonObject>())
                {
                    if (port.GetInt64("nodePort") is { } nodePort)
                    {
                        used.Add("port:" + nodePort);
                    }
                }
            }
        }

        return used;
    }

    /// <summary>A []string as Go's %#v prints it in a field error: []string{"10.96.0.77"}.</summary>
    private sealed record GoStringSlice(IReadOnlyList<string> Values)
    {
        public override string ToString() => "[]string{" + string.Join(", ", Values.Select(v => System.Text.Json.JsonSerializer.Serialize(v))) + "}";
    }

    /// <summary>One service range in CIDR notation.</summary>
    private sealed class ServiceCidr
    {
        private readonly BigInteger _base;
        private readonly int _bits;
        private readonly string _text;

        private ServiceCidr(BigInteger @base, int bits, int prefix, string text)
        {
            _base = @base;
            _bits = bits;
            Size = (long)BigInteger.Min(BigInteger.One << (bits - prefix), long.MaxValue);
            _text = text;
        }

        public long Size { get; }

        public string Family => _bits == 32 ? "IPv4" : "IPv6";

        public static ServiceCidr Parse(string cidr)
        {
            var parts = cidr.Split('/');
            var address = IPAddress.Parse(parts[0]);
            var bytes = address.GetAddressBytes();
            var prefix = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            return new ServiceCidr(new BigInteger(bytes, isUnsigned: true, isBigEndian: true), bytes.Length * 8, prefix, cidr);
        }

        public IPAddress Address(long offset)
        {
            var value = _base + offset;
            var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
            var full = new byte[_bits / 8];
            bytes.CopyTo(full, full.Length - bytes.Length);
            return new IPAddress(full);
        }

        public bool Contains(IPAddress address)
        {
            var bytes = address.GetAddressBytes();
            if (bytes.Length * 8 != _bits)
            {
                return false;
            }

            var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            return value >= _base && value < _base + Size;
        }

        public override string ToString() => _text;
    }
}

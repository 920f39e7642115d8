using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Apis.Core.Services;

/// <summary>
/// Allocates service cluster IPs from the dual-stack service ranges (default 10.96.0.0/16 and fd00:10:96::/112)
/// and node ports from 30000-32767, as upstream's service REST allocators. The first address of the IPv4 range
/// (10.96.0.1) is the `kubernetes` service's. Values in use are read from the current services; values handed out
/// but not yet committed are remembered so that concurrent creates do not collide.
/// </summary>
internal sealed class ServiceIpAllocator : IResourceAllocator
{
    private const int NodePortMin = 30000;
    private const int NodePortMax = 32767;

    private readonly ServiceCidr[] _ranges;
    private readonly Random _random;
    private readonly string _keyPrefix;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _handedOut = new(StringComparer.Ordinal);

    public ServiceIpAllocator(IReadOnlyList<string> serviceCidrs, Random random, string keyPrefix)
    {
        _ranges = serviceCidrs.Select(ServiceCidr.Parse).ToArray();
        _random = random;
        _keyPrefix = keyPrefix;
    }

    /// <summary>The first usable address of the primary range: the `kubernetes` service's cluster IP.</summary>
    public string KubernetesServiceIp => _ranges[0].Address(1).ToString();

    public IReadOnlyList<FieldError> Allocate(JsonObject obj, StoreSnapshot current)
    {
        if (obj["spec"] is not JsonObject spec || spec.GetString("type") == "ExternalName")
        {
            return [];
        }

        lock (_lock)
        {
            var used = UsedValues(current);
            var errors = new List<FieldError>();
            AllocateClusterIps(spec, used, errors);
            AllocateNodePorts(spec, used, errors);
            return errors;
        }
    }

    private void AllocateClusterIps(JsonObject spec, HashSet<string> used, List<FieldError> errors)
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
                if (!IPAddress.TryParse(wanted, out var address) || !range.Contains(address))
                {
                    errors.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", wanted, $"failed to allocate IP {wanted}: provided IP is not in the valid range. The range of valid IPs is {range}"));
                    continue;
                }

                if (!used.Add(wanted))
                {
                    errors.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", wanted, $"failed to allocate IP {wanted}: provided IP is already allocated"));
                    continue;
                }

                _handedOut.Add(wanted);
                ips.Add(wanted);
                continue;
            }

            var ip = Pick(range, used);
            if (ip is null)
            {
                errors.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", "", "failed to allocate IP: range is full"));
                continue;
            }

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

    private string? Pick(ServiceCidr range, HashSet<string> used)
    {
        // Random probing as upstream's allocator; the range is large against the number of services in tests.
        for (var attempt = 0; attempt < 4096; attempt++)
        {
            var candidate = range.Address(2 + _random.NextInt64(range.Size - 3)).ToString();
            if (used.Add(candidate))
            {
                _handedOut.Add(candidate);
                return candidate;
            }
        }

        return null;
    }

    private void AllocateNodePorts(JsonObject spec, HashSet<string> used, List<FieldError> errors)
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

                continue;
            }

            for (var attempt = 0; attempt < 4096; attempt++)
            {
                var candidate = _random.Next(NodePortMin, NodePortMax + 1);
                if (used.Add("port:" + candidate))
                {
                    _handedOut.Add("port:" + candidate);
                    port["nodePort"] = candidate;
                    break;
                }
            }
        }
    }

    private HashSet<string> UsedValues(StoreSnapshot current)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stored in current.Range(_keyPrefix))
        {
            var service = ObjectJson.Parse(stored.Value);
            if (service["spec"]?["clusterIPs"] is JsonArray ips)
            {
                foreach (var ip in ips)
                {
                    used.Add(ip?.GetValue<string>() ?? "");
                }
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

        // Values handed out earlier are in use until a snapshot shows them committed (or the create failed and they are reused later).
        _handedOut.RemoveWhere(used.Contains);
        used.UnionWith(_handedOut);
        return used;
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

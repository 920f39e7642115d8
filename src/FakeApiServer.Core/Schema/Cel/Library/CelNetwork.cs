using System.Net;
using System.Net.Sockets;

namespace FakeApiServer.Schema.Cel.Library;

/// <summary>An IP address value (Kubernetes' ip library: <c>ip(s)</c>, <c>isIP</c>, <c>ip.isCanonical</c>, family and the is* tests).</summary>
internal sealed record CelIp(IPAddress Address)
{
    public const string TypeName = "net.IP";

    public override string ToString() => Address.ToString();
}

/// <summary>A network prefix (Kubernetes' cidr library: <c>cidr(s)</c>, <c>isCIDR</c>, containsIP, containsCIDR, ip, masked, prefixLength).</summary>
internal sealed record CelCidr(IPAddress Address, int PrefixLength)
{
    public const string TypeName = "net.CIDR";

    public override string ToString() => Address + "/" + PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public CelCidr Masked() => new(Mask(Address, PrefixLength), PrefixLength);

    public bool Contains(IPAddress ip) =>
        ip.AddressFamily == Address.AddressFamily && Mask(ip, PrefixLength).Equals(Mask(Address, PrefixLength));

    private static IPAddress Mask(IPAddress ip, int bits)
    {
        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}

/// <summary>The ip and cidr libraries' functions, with Go's netip parsing rules (no leading zeros, no zones, no IPv4-mapped IPv6).</summary>
internal static class CelNetwork
{
    public static bool TryCall(string function, object? target, IReadOnlyList<object> args, out object result)
    {
        result = CelNull.Value;
        switch (function, target, args.Count)
        {
            case ("ip", null, 1) when args[0] is string s:
                result = new CelIp(ParseIp(s, out var error) ?? throw new CelEvaluationException(error!));
                return true;
            case ("isIP", null, 1) when args[0] is string s:
                result = ParseIp(s, out _) is not null;
                return true;
            case ("ip.isCanonical", null, 1) when args[0] is string s:
                result = (ParseIp(s, out var err) ?? throw new CelEvaluationException(err!)).ToString() == s;
                return true;
            case ("family", CelIp ip, 0):
                result = ip.Address.AddressFamily == AddressFamily.InterNetwork ? 4L : 6L;
                return true;
            case ("isUnspecified", CelIp ip, 0):
                result = ip.Address.Equals(IPAddress.Any) || ip.Address.Equals(IPAddress.IPv6Any);
                return true;
            case ("isLoopback", CelIp ip, 0):
                result = IPAddress.IsLoopback(ip.Address);
                return true;
            case ("isLinkLocalMulticast", CelIp ip, 0):
                var b = ip.Address.GetAddressBytes();
                result = ip.Address.AddressFamily == AddressFamily.InterNetwork ? b[0] == 224 && b[1] == 0 && b[2] == 0 : b[0] == 0xff && (b[1] & 0x0f) == 0x02;
                return true;
            case ("isLinkLocalUnicast", CelIp ip, 0):
                var u = ip.Address.GetAddressBytes();
                result = ip.Address.AddressFamily == AddressFamily.InterNetwork ? u[0] == 169 && u[1] == 254 : ip.Address.IsIPv6LinkLocal;
                return true;
            case ("isGlobalUnicast", CelIp ip, 0):
                result = IsGlobalUnicast(ip.Address);
                return true;
            case ("cidr", null, 1) when args[0] is string s:
                result = ParseCidr(s, out var cidrError) ?? throw new CelEvaluationException(cidrError!);
                return true;
            case ("isCIDR", null, 1) when args[0] is string s:
                result = ParseCidr(s, out _) is not null;
                return true;
            case ("containsIP", CelCidr c, 1):
                result = c.Contains(args[0] switch
                {
                    CelIp ip => ip.Address,
                    string s => ParseIp(s, out var e) ?? throw new CelEvaluationException(e!),
                    _ => throw new CelEvaluationException("no such overload: net.CIDR.containsIP(" + CelValues.TypeName(args[0]) + ")"),
                });
                return true;
            case ("containsCIDR", CelCidr c, 1):
                var other = args[0] switch
                {
                    CelCidr x => x,
                    string s => ParseCidr(s, out var e) ?? throw new CelEvaluationException(e!),
                    _ => throw new CelEvaluationException("no such overload: net.CIDR.containsCIDR(" + CelValues.TypeName(args[0]) + ")"),
                };
                result = other.PrefixLength >= c.PrefixLength && c.Contains(other.Address);
                return true;
            case ("ip", CelCidr c, 0):
                result = new CelIp(c.Address);
                return true;
            case ("masked", CelCidr c, 0):
                result = c.Masked();
                return true;
            case ("prefixLength", CelCidr c, 0):
                result = (long)c.PrefixLength;
                return true;
            default:
                return false;
        }
    }

    public static IPAddress? ParseIp(string raw, out string? error)
    {
        error = null;
        if (raw.Contains('%', StringComparison.Ordinal))
        {
            error = $"IP address \"{raw}\" with zone value is not allowed";
            return null;
        }

        IPAddress? address = null;
        if (raw.Contains(':', StringComparison.Ordinal))
        {
            if (IPAddress.TryParse(raw, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                address = v6;
            }
        }
        else if (IsDottedQuad(raw))
        {
            address = IPAddress.Parse(raw);
        }

        if (address is null)
        {
            error = $"IP Address \"{raw}\" parse error during conversion from string: ParseAddr(\"{raw}\"): unable to parse IP";
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            error = $"IPv4-mapped IPv6 address \"{raw}\" is not allowed";
            return null;
        }

        return address;
    }

    public static CelCidr? ParseCidr(string raw, out string? error)
    {
        var slash = raw.IndexOf('/', StringComparison.Ordinal);
        var ip = slash < 0 ? null : ParseIp(raw[..slash], out _);
        var max = ip?.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (ip is null || !int.TryParse(raw[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits)
            || bits > max || (raw.Length - slash > 2 && raw[slash + 1] == '0'))
        {
            error = $"network address parse error during conversion from string: netip.ParsePrefix(\"{raw}\"): bad prefix";
            return null;
        }

        error = null;
        return new CelCidr(ip, bits);
    }

    private static bool IsDottedQuad(string s)
    {
        var parts = s.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)
            && (p.Length == 1 || p[0] != '0') && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }

    private static bool IsGlobalUnicast(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b.All(x => x == 0) || b.All(x => x == 255) || b[0] == 127 || b[0] >= 224 || (b[0] == 169 && b[1] == 254));
        }

        return !(b.All(x => x == 0) || IPAddress.IsLoopback(ip) || b[0] == 0xff || ip.IsIPv6LinkLocal);
    }
}

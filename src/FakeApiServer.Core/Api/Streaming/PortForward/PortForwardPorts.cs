using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Streaming.PortForward;

/// <summary>
/// PodPortForwardOptions.ports, which only the WebSocket channel protocol uses (SPDY clients name each stream's port in a
/// header): repeated and/or comma separated, each 1-65535, worded as the kubelet checks them.
/// </summary>
internal static class PortForwardPorts
{
    public static IReadOnlyList<int> Parse(IQueryCollection query)
    {
        var values = query["ports"];
        if (values.Count == 0)
        {
            throw ApiException.BadRequest("query parameter \"port\" is required");
        }

        var ports = new List<int>();
        foreach (var value in values.Select(v => v ?? ""))
        {
            if (value.Length == 0)
            {
                throw ApiException.BadRequest("query parameter \"port\" cannot be empty");
            }

            foreach (var part in value.Split(','))
            {
                ports.Add(ParsePort(part, value));
            }
        }

        return ports;
    }

    /// <summary>A port as the kubelet reads the port header or parameter (strconv.ParseUint(s, 10, 16), then > 0).</summary>
    public static int ParsePort(string text, string quoted)
    {
        if (!ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            var why = text.Length > 0 && text.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
            throw ApiException.BadRequest($"unable to parse \"{quoted}\" as a port: strconv.ParseUint: parsing \"{text}\": {why}");
        }

        return port >= 1 ? port : throw ApiException.BadRequest($"port \"{quoted}\" must be > 0");
    }
}

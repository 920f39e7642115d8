using System.Text.Json;
using System.Threading.Channels;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Api.Streaming.RemoteCommand;

/// <summary>
/// Reads the resize stream or channel: JSON objects {"Width":w,"Height":h} one after another (remotecommand.TerminalSize,
/// names matched without case as Go's decoder does), however the transport split them. Stops at the first malformed one.
/// </summary>
internal static class TerminalResizes
{
    public static ChannelReader<TerminalSize> Read(Stream? input, CancellationToken cancellationToken)
    {
        var sizes = Channel.CreateUnbounded<TerminalSize>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        if (input is null)
        {
            sizes.Writer.Complete();
            return sizes.Reader;
        }

        _ = Task.Run(() => PumpAsync(input, sizes.Writer, cancellationToken), CancellationToken.None);
        return sizes.Reader;
    }

    private static async Task PumpAsync(Stream input, ChannelWriter<TerminalSize> sizes, CancellationToken cancellationToken)
    {
        var pending = new List<byte>();
        var buffer = new byte[1024];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                pending.AddRange(buffer.AsSpan(0, read));
                while (TakeObject(pending) is { } json)
                {
                    sizes.TryWrite(Parse(json));
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException or OperationCanceledException or InvalidDataException)
        {
            // Upstream stops decoding at the first error.
        }
        finally
        {
            sizes.TryComplete();
        }
    }

    /// <summary>The first complete top-level JSON object in <paramref name="pending"/>, removed from it; null when none is complete yet.</summary>
    private static byte[]? TakeObject(List<byte> pending)
    {
        var depth = 0;
        var inString = false;
        var escaped = false;
        for (var i = 0; i < pending.Count; i++)
        {
            var b = pending[i];
            if (inString)
            {
                (escaped, inString) = escaped ? (false, true) : (b == '\\', b != '"');
                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{':
                    depth++;
                    break;
                case (byte)'}':
                    depth--;
                    if (depth == 0)
                    {
                        var json = pending.GetRange(0, i + 1).ToArray();
                        pending.RemoveRange(0, i + 1);
                        return json;
                    }

                    if (depth < 0)
                    {
                        throw new InvalidDataException("unbalanced resize message");
                    }

                    break;
            }
        }

        return null;
    }

    private static TerminalSize Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        ushort width = 0, height = 0;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name.Equals("width", StringComparison.OrdinalIgnoreCase))
            {
                width = property.Value.GetUInt16();
            }
            else if (property.Name.Equals("height", StringComparison.OrdinalIgnoreCase))
            {
                height = property.Value.GetUInt16();
            }
        }

        return new TerminalSize(width, height);
    }
}

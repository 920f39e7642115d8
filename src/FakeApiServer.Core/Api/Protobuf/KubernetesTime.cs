using System.Globalization;

namespace FakeApiServer.Api.Protobuf;

/// <summary>meta.v1 Time and MicroTime: RFC 3339 text ⇄ Unix seconds and nanoseconds; Go's zero time is year 1.</summary>
internal static class KubernetesTime
{
    /// <summary>Unix seconds of Go's zero time.Time (0001-01-01T00:00:00Z), which JSON writes as null.</summary>
    public const long ZeroSeconds = -62135596800;

    /// <summary>Parses RFC 3339 text into Unix seconds and nanoseconds of the second; false when it is not a time.</summary>
    public static bool TryParse(string text, out long seconds, out int nanoseconds)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
            if (remainder < 0)
            {
                seconds--;
                remainder += TimeSpan.TicksPerSecond;
            }

            nanoseconds = (int)(remainder * 100);
            return true;
        }

        seconds = 0;
        nanoseconds = 0;
        return false;
    }

    /// <summary>"2006-01-02T15:04:05Z" (Time) or "2006-01-02T15:04:05.000000Z" (MicroTime).</summary>
    public static string Format(long seconds, int nanoseconds, bool micro)
    {
        var min = DateTimeOffset.MinValue.ToUnixTimeSeconds();
        var max = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
        if (seconds < min || seconds > max)
        {
            throw new ProtobufFormatException($"time {seconds}s is outside the years 1 to 9999");
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return micro
            ? time.AddTicks(nanoseconds / 1000 * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
            : time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}

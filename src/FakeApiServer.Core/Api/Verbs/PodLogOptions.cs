using System.Globalization;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// The query of a pods/log request (core/v1 PodLogOptions) and upstream's ValidatePodLogOptions. insecureSkipTLSVerifyBackend
/// is read and ignored (no kubelet connection is made). <c>stream</c> needs the PodLogsQuerySplitStreams gate, alpha and
/// off in 1.33, so naming it is refused as kube-apiserver refuses it with the gate off.
/// </summary>
internal sealed record PodLogOptions(
    string? Container,
    bool Follow,
    bool Previous,
    bool Timestamps,
    long? SinceSeconds,
    DateTimeOffset? SinceTime,
    long? TailLines,
    long? LimitBytes,
    string? Stream)
{
    public static PodLogOptions Parse(IQueryCollection query)
    {
        _ = QueryOptions.Bool(query, "insecureSkipTLSVerifyBackend");
        return new PodLogOptions(
            query["container"].ToString() is { Length: > 0 } container ? container : null,
            QueryOptions.Bool(query, "follow"),
            QueryOptions.Bool(query, "previous"),
            QueryOptions.Bool(query, "timestamps"),
            QueryOptions.Int64(query, "sinceSeconds"),
            Time(query, "sinceTime"),
            QueryOptions.Int64(query, "tailLines"),
            QueryOptions.Int64(query, "limitBytes"),
            query.ContainsKey("stream") ? query["stream"].ToString() : null);
    }

    /// <summary>ValidatePodLogOptions with stream selection off: what makes upstream answer 422 for PodLogOptions.</summary>
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (TailLines is < 0)
        {
            errors.Add(FieldError.Invalid("tailLines", TailLines, "must be greater than or equal to 0"));
        }

        if (LimitBytes is < 1)
        {
            errors.Add(FieldError.Invalid("limitBytes", LimitBytes, "must be greater than 0"));
        }

        if (SinceSeconds is not null && SinceTime is not null)
        {
            errors.Add(FieldError.Forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
        }
        else if (SinceSeconds is < 1)
        {
            errors.Add(FieldError.Invalid("sinceSeconds", SinceSeconds, "must be greater than 0"));
        }

        if (Stream is not null)
        {
            errors.Add(FieldError.Forbidden("stream", "may not be specified"));
        }

        return errors;
    }

    /// <summary>The earliest time a line may have to be shown: sinceTime, or sinceSeconds before <paramref name="now"/>; null shows all.</summary>
    public DateTimeOffset? Since(DateTimeOffset now) => SinceTime ?? (SinceSeconds is { } seconds ? now.AddSeconds(-seconds) : null);

    /// <summary>A metav1.Time query parameter (RFC 3339); a malformed one is a 400 as upstream's parameter decoding has it.</summary>
    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        var value = query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw ApiException.BadRequest($"{name}: Invalid value: \"{value}\": parsing time \"{value}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{value}\" as \"2006\"");
    }
}

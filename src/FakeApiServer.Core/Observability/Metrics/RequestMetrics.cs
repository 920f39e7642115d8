using System.Diagnostics.Metrics;
using FakeApiServer.Api;
using FakeApiServer.Security.Limits;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Observability.Metrics;

/// <summary>
/// kube-apiserver's request metrics (k8s.io/apiserver endpoints/metrics): apiserver_request_total,
/// apiserver_request_duration_seconds, apiserver_response_sizes (get and list, when the response had a Content-Length)
/// and apiserver_longrunning_requests (watches and the streaming subresources while they run). Only resource requests
/// are counted, as upstream instruments its resource routes; unlike upstream, a request that a filter refused
/// (401, 403, 429) is counted too. Told of each request by <see cref="RequestObservationFilter"/> straight from its
/// HttpContext rather than through the request feed, and recorded with span tags, so a request's metrics allocate
/// nothing: the feed's record and a TagList of nine tags made a GET's garbage collection half as costly again.
/// </summary>
internal sealed class RequestMetrics
{
    public const string MeterName = ServerMetrics.MeterPrefix + "Requests";

    /// <summary>Upstream's request latency buckets (seconds), customised for the API call latency SLOs.</summary>
    private static readonly double[] LatencyBuckets = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

    /// <summary>Upstream's response size buckets: 1 kB to 1 GB, by tens (ExponentialBuckets(1000, 10, 7)).</summary>
    private static readonly double[] SizeBuckets = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

    /// <summary>The status codes as label values, made once (the label is the decimal code).</summary>
    private static readonly string[] Codes = [.. Enumerable.Range(0, 600).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly RequestCounts _requests;
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _responseSizes;
    private readonly UpDownCounter<long> _longRunning;

    public RequestMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _requests = new RequestCounts(
            meter,
            "apiserver_request_total",
            "[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.");
        _latency = meter.CreateHistogram<double>(
            "apiserver_request_duration_seconds",
            unit: null,
            description: "[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _responseSizes = meter.CreateHistogram<double>(
            "apiserver_response_sizes",
            unit: null,
            description: "[STABLE] Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SizeBuckets });
        _longRunning = meter.CreateUpDownCounter<long>(
            "apiserver_longrunning_requests",
            description: "[STABLE] Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.");
    }

    /// <summary>A request arrived: a long-running one counts in apiserver_longrunning_requests until it ends.</summary>
    public void OnStarted(HttpContext context)
    {
        var info = RequestInfo.Of(context);
        if (info.IsResourceRequest && LongRunningRequests.IsLongRunning(info))
        {
            var tags = Labels(info, context.Request).Tags("");
            _longRunning.Add(1, ((ReadOnlySpan<KeyValuePair<string, object?>>)tags)[RequestLabels.SeriesTags.WithoutDryRun..]);
        }
    }

    /// <summary>A request was answered after <paramref name="latency"/>.</summary>
    public void OnCompleted(HttpContext context, TimeSpan latency)
    {
        var info = RequestInfo.Of(context);
        if (!info.IsResourceRequest)
        {
            return;
        }

        var status = context.Response.StatusCode;
        var code = status is >= 0 and < 600 ? Codes[status] : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var labels = Labels(info, context.Request);
        _requests.Add(labels, code);
        var tags = labels.Tags(code);
        ReadOnlySpan<KeyValuePair<string, object?>> all = tags;
        if (LongRunningRequests.IsLongRunning(info))
        {
            _longRunning.Add(-1, all[RequestLabels.SeriesTags.WithoutDryRun..]);
        }

        _latency.Record(latency.TotalSeconds, all[RequestLabels.SeriesTags.WithDryRun..]);
        if (context.Response.ContentLength is { } bytes && info.Verb is "get" or "list")
        {
            _responseSizes.Record(bytes, all[RequestLabels.SeriesTags.WithoutDryRun..]);
        }
    }

    private static RequestLabels Labels(RequestInfo info, HttpRequest request) => RequestLabels.Of(
        request.Method, info.Verb, info.Group, info.Version, info.Resource, info.Subresource, info.Namespace, info.Name,
        request.ContentType ?? "", request.QueryString.Value ?? "");
}
